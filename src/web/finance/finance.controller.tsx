import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RequirePermission, WebPage } from '../../core/access/access.decorators';
import { RequestContext } from '../../core/context/request-context';
import { PageReply } from '../../core/http/page-reply';
import { UuidParam } from '../../core/http/validation';
import { MfaPolicy, secondFactorIsRecent } from '../../identity/mfa/mfa-policy';
import { PaymentApprovals } from '../../payments/approvals/payment-approvals.service';
import {
  isOpenPaymentRequest,
  OPEN_PAYMENT_REQUEST_STATUSES,
  OpenPaymentRequestStatus,
} from '../../payments/payment-request-status';
import { PaymentRequests } from '../../payments/requests/payment-requests.service';
import { day, PaymentStatus } from '../awards/award-parts';
import { PageContexts } from '../page-contexts';
import { Alert, CsrfField, ErrorSummary, FieldError } from '../render/components';
import { page } from '../render/layout';
import type { PageContext } from '../render/page-context';

type RequestView = Awaited<ReturnType<PaymentRequests['get']>>;

const countingApprovals = (r: RequestView) => r.approvalChain.approvals.filter((a) => a.counts);

/** Whether this person may still approve: open, and not excluded by separation of duties. */
function awaitsMe(r: RequestView, userId: string): boolean {
  const next = r.approvalChain.pending[0];
  return isOpenPaymentRequest(r.status) && !!next && !next.excludedUserIds.includes(userId);
}

/** The queue's filter (a GET form, so every view has a URL): all open, or one open status. */
const QUEUE_FILTERS = {
  all: OPEN_PAYMENT_REQUEST_STATUSES,
  submitted: ['submitted'],
  awaiting_second_approval: ['awaiting_second_approval'],
} as const satisfies Record<string, readonly OpenPaymentRequestStatus[]>;
type QueueFilter = keyof typeof QUEUE_FILTERS;
const queueFilter = (raw: string | undefined): QueueFilter =>
  raw !== undefined && raw in QUEUE_FILTERS ? (raw as QueueFilter) : 'all';

function QueueFilterForm({ ctx, filter }: { ctx: PageContext; filter: QueueFilter }) {
  const labels: Record<QueueFilter, string> = {
    all: ctx.t('finance.queue.filterAll'),
    submitted: ctx.t('finance.queue.filterSubmitted'),
    awaiting_second_approval: ctx.t('finance.queue.filterSecond'),
  };
  return (
    <form class="usa-form margin-bottom-2" method="get">
      <label class="usa-label" for="status">
        {ctx.t('finance.queue.filter')}
      </label>
      <select class="usa-select" id="status" name="status">
        {(Object.keys(QUEUE_FILTERS) as QueueFilter[]).map((key) => (
          <option key={key} value={key} selected={key === filter}>
            {labels[key]}
          </option>
        ))}
      </select>
      <button class="usa-button usa-button--outline margin-top-1" type="submit">
        {ctx.t('finance.queue.filterApply')}
      </button>
    </form>
  );
}

function Queue({
  ctx,
  base,
  requests,
  filter,
}: {
  ctx: PageContext;
  base: string;
  requests: RequestView[];
  filter: QueueFilter;
}) {
  return (
    <>
      <h1>{ctx.t('finance.queue.title')}</h1>
      <p class="usa-intro">{ctx.t('finance.queue.lead')}</p>
      <QueueFilterForm ctx={ctx} filter={filter} />
      {requests.length === 0 ? (
        <p>{ctx.t('finance.queue.none')}</p>
      ) : (
        <table class="usa-table usa-table--borderless width-full">
          <caption class="usa-sr-only">{ctx.t('finance.queue.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{ctx.t('finance.queue.reference')}</th>
              <th scope="col">{ctx.t('finance.queue.requestedOn')}</th>
              <th scope="col">{ctx.t('finance.queue.amount')}</th>
              <th scope="col">{ctx.t('finance.queue.status')}</th>
              <th scope="col">{ctx.t('finance.queue.approvals')}</th>
            </tr>
          </thead>
          <tbody>
            {requests.map((r) => (
              <tr key={r.id}>
                <th scope="row">
                  <a class="usa-link" href={`${base}/${r.id}`}>
                    {r.reference}
                  </a>
                </th>
                <td>{ctx.formats.date(new Date(r.requestedAt))}</td>
                <td class="text-tabular">{ctx.formats.money(r.amount)}</td>
                <td>
                  <PaymentStatus ctx={ctx} status={r.status} />
                </td>
                <td>
                  {ctx.t('finance.queue.approvalsValue', {
                    given: countingApprovals(r).length,
                    required: r.approvalChain.required,
                  })}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

function Detail(p: {
  ctx: PageContext;
  base: string;
  request: RequestView;
  mayDecide: boolean;
  notice?: 'approved' | 'rejected';
  errors?: FieldError[];
}) {
  const { ctx, request: r } = p;
  const given = countingApprovals(r).length;
  const amount = ctx.formats.money(r.amount);
  const action = `${p.base}/${r.id}`;
  const reasonError = p.errors?.[0]?.message;
  return (
    <>
      <ErrorSummary ctx={ctx} errors={p.errors} />
      {p.notice && <Alert kind="success">{ctx.t(`finance.request.${p.notice}`)}</Alert>}
      <h1>{ctx.t('finance.request.title', { reference: r.reference })}</h1>
      <dl>
        <dt class="text-bold">{ctx.t('finance.request.status')}</dt>
        <dd class="margin-left-0 margin-bottom-1">
          <PaymentStatus ctx={ctx} status={r.status} />
        </dd>
        <dt class="text-bold">{ctx.t('finance.request.amount')}</dt>
        <dd class="margin-left-0 margin-bottom-1 text-tabular">{amount}</dd>
        <dt class="text-bold">{ctx.t('finance.request.description')}</dt>
        <dd class="margin-left-0 margin-bottom-1">
          {r.description}{' '}
          <span class="display-block">
            {ctx.t('finance.request.period', {
              start: day(ctx, r.period.start),
              end: day(ctx, r.period.end),
            })}
          </span>
        </dd>
        <dt class="text-bold">{ctx.t('finance.request.chain')}</dt>
        <dd class="margin-left-0 margin-bottom-1">
          {ctx.t('finance.request.chainValue', { given, required: r.approvalChain.required })}
        </dd>
      </dl>
      {p.mayDecide ? (
        <>
          <h2>{ctx.t('finance.request.approveTitle')}</h2>
          <p>
            {given + 1 < r.approvalChain.required
              ? ctx.t('finance.request.approveSecond', { amount })
              : ctx.t('finance.request.approveText', { amount })}
          </p>
          <form method="post" action={`${action}/approve`}>
            <CsrfField ctx={ctx} />
            <button class="usa-button" type="submit">
              {ctx.t('finance.request.approve', { amount })}
            </button>
          </form>
          <h2>{ctx.t('finance.request.rejectTitle')}</h2>
          <form class="usa-form" method="post" action={`${action}/reject`} novalidate>
            <CsrfField ctx={ctx} />
            <div class={`usa-form-group${reasonError ? ' usa-form-group--error' : ''}`}>
              <label class="usa-label" for="reason">
                {ctx.t('finance.request.reason')}
              </label>
              <div class="usa-hint" id="reason-hint">
                {ctx.t('finance.request.reasonHint')}
              </div>
              {reasonError && (
                <span class="usa-error-message" id="reason-error" role="alert">
                  {reasonError}
                </span>
              )}
              <textarea
                class="usa-textarea"
                id="reason"
                name="reason"
                maxLength={2000}
                aria-describedby={reasonError ? 'reason-hint reason-error' : 'reason-hint'}
              />
            </div>
            <button class="usa-button usa-button--secondary" type="submit">
              {ctx.t('finance.request.reject')}
            </button>
          </form>
        </>
      ) : (
        <p>{ctx.t('finance.request.notYours')}</p>
      )}
      <p>
        <a class="usa-link" href={p.base}>
          {ctx.t('finance.request.back')}
        </a>
      </p>
    </>
  );
}

/**
 * A finance officer's approval queue: the requests waiting for this person, and each with its
 * approve and reject forms. The domain services decide (separation of duties, thresholds);
 * the pages only ask for a recent second factor first (step-up), as the API does.
 */
@WebPage()
@Controller(':agencyCode/finance/payment-requests')
export class FinanceController {
  constructor(
    private readonly pages: PageContexts,
    private readonly requests: PaymentRequests,
    private readonly approvals: PaymentApprovals,
    private readonly mfa: MfaPolicy,
    private readonly context: RequestContext,
  ) {}

  @Get()
  @RequirePermission('payment.approve')
  async queue(
    @Param('agencyCode') agencyCode: string,
    @Query('status') status: string | undefined,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<PageReply> {
    const ctx = this.pages.build(request, reply, agencyCode);
    const me = this.context.requireUser().userId;
    const filter = queueFilter(status);
    const open = await this.requests.list({}, { status: [...QUEUE_FILTERS[filter]], limit: '100' });
    const mine = open.items.filter((r) => awaitsMe(r, me));
    return PageReply.html(
      page({
        ctx,
        title: ctx.t('finance.queue.title'),
        children: <Queue ctx={ctx} base={this.base(agencyCode)} requests={mine} filter={filter} />,
      }),
    );
  }

  @Get(':requestId')
  @RequirePermission('payment.approve')
  async detail(
    @Param('agencyCode') agencyCode: string,
    @Param('requestId', UuidParam) requestId: string,
    @Query() query: Record<string, string>,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<PageReply> {
    const ctx = this.pages.build(request, reply, agencyCode);
    const notice = query.done === 'approved' || query.done === 'rejected' ? query.done : undefined;
    return this.detailPage(ctx, agencyCode, requestId, { notice });
  }

  @Post(':requestId/approve')
  @RequirePermission('payment.approve')
  async approve(
    @Param('agencyCode') agencyCode: string,
    @Param('requestId', UuidParam) requestId: string,
  ): Promise<PageReply> {
    const stepUp = this.stepUpFirst(agencyCode, requestId);
    if (stepUp) return stepUp;
    await this.approvals.approve(requestId, {});
    return PageReply.redirect(`${this.base(agencyCode)}/${requestId}?done=approved`);
  }

  @Post(':requestId/reject')
  @RequirePermission('payment.approve')
  async reject(
    @Param('agencyCode') agencyCode: string,
    @Param('requestId', UuidParam) requestId: string,
    @Body() form: Record<string, string>,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<PageReply> {
    const reason = (form.reason ?? '').trim().slice(0, 2000);
    if (!reason) {
      const ctx = this.pages.build(request, reply, agencyCode);
      const errors = [{ field: 'reason', message: ctx.t('finance.request.reasonRequired') }];
      return this.detailPage(ctx, agencyCode, requestId, { errors });
    }
    const stepUp = this.stepUpFirst(agencyCode, requestId);
    if (stepUp) return stepUp;
    await this.approvals.reject(requestId, reason);
    return PageReply.redirect(`${this.base(agencyCode)}/${requestId}?done=rejected`);
  }

  /**
   * A decision needs a second factor checked within the agency's limit: otherwise to the
   * step-up page, which brings the person back to the request to decide again.
   */
  private stepUpFirst(agencyCode: string, requestId: string): PageReply | undefined {
    const actor = this.context.requireUser();
    const maxAge = this.mfa.stepUpMaxAgeSeconds(this.context.agencyId);
    if (secondFactorIsRecent(actor, maxAge, Date.now())) return undefined;
    const next = `${this.base(agencyCode)}/${requestId}`;
    const query = new URLSearchParams({ agency: agencyCode, next });
    return PageReply.redirect(`/step-up?${query.toString()}`);
  }

  private async detailPage(
    ctx: PageContext,
    agencyCode: string,
    requestId: string,
    view: { notice?: 'approved' | 'rejected'; errors?: FieldError[] },
  ): Promise<PageReply> {
    const found = await this.requests.get({}, requestId);
    const me = this.context.requireUser().userId;
    return PageReply.html(
      page({
        ctx,
        title: ctx.t('finance.request.title', { reference: found.reference }),
        hasErrors: !!view.errors,
        children: (
          <Detail
            ctx={ctx}
            base={this.base(agencyCode)}
            request={found}
            mayDecide={awaitsMe(found, me)}
            {...view}
          />
        ),
      }),
      view.errors ? 422 : 200,
    );
  }

  private base(agencyCode: string): string {
    return `/${agencyCode}/finance/payment-requests`;
  }
}
