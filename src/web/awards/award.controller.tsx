import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RequirePermission, WebPage } from '../../core/access/access.decorators';
import { RequestContext } from '../../core/context/request-context';
import { contentDisposition } from '../../applications/attachments/content-sniffer';
import { PageReply } from '../../core/http/page-reply';
import { AwardsService } from '../../awards/awards.service';
import { AwardNoticeFiles } from '../../awards/notice/award-notice-files';
import { PaymentRequests } from '../../payments/requests/payment-requests.service';
import { PageContexts } from '../page-contexts';
import { Alert } from '../render/components';
import { page } from '../render/layout';
import type { PageContext } from '../render/page-context';
import {
  AwardStatus,
  awardBase,
  day,
  Facts,
  holdsRole,
  lineName,
  PaymentStatus,
} from './award-parts';

type AwardView = Awaited<ReturnType<AwardsService['get']>>;
type LineBalance = Awaited<ReturnType<PaymentRequests['lineBalances']>>[number];
type Position = Awaited<ReturnType<PaymentRequests['awardPosition']>>;
type RequestPage = Awaited<ReturnType<PaymentRequests['list']>>;

interface AwardPageView {
  organizationId: string;
  award: AwardView;
  lines: LineBalance[];
  position: Position;
  requests: RequestPage['items'];
  canAccept: boolean;
  canRequest: boolean;
  notice?: 'accepted';
}

function BudgetTable({ ctx, lines }: { ctx: PageContext; lines: LineBalance[] }) {
  const m = ctx.formats.money.bind(ctx.formats);
  return (
    <table class="usa-table usa-table--borderless width-full">
      <caption class="usa-sr-only">{ctx.t('awards.award.budget')}</caption>
      <thead>
        <tr>
          <th scope="col">{ctx.t('awards.award.line')}</th>
          <th scope="col">{ctx.t('awards.award.budgeted')}</th>
          <th scope="col">{ctx.t('awards.award.requested')}</th>
          <th scope="col">{ctx.t('awards.award.remaining')}</th>
        </tr>
      </thead>
      <tbody>
        {lines.map((l) => (
          <tr key={lineName(l)}>
            <th scope="row">
              {lineName(l)}
              {l.description && <span class="display-block text-normal">{l.description}</span>}
            </th>
            <td class="text-tabular">{m(l.budgeted)}</td>
            <td class="text-tabular">{m(l.requested)}</td>
            <td class="text-tabular text-bold">{m(l.remaining)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function PaymentsTable({
  ctx,
  base,
  requests,
}: {
  ctx: PageContext;
  base: string;
  requests: RequestPage['items'];
}) {
  if (requests.length === 0) return <p>{ctx.t('awards.award.noPayments')}</p>;
  return (
    <table class="usa-table usa-table--borderless width-full">
      <caption>{ctx.t('awards.payment.history')}</caption>
      <thead>
        <tr>
          <th scope="col">{ctx.t('awards.award.reference')}</th>
          <th scope="col">{ctx.t('awards.award.requestedOn')}</th>
          <th scope="col">{ctx.t('awards.award.period2')}</th>
          <th scope="col">{ctx.t('awards.award.amountCol')}</th>
          <th scope="col">{ctx.t('awards.award.statusCol')}</th>
        </tr>
      </thead>
      <tbody>
        {requests.map((r) => (
          <tr key={r.id}>
            <th scope="row" class="text-no-wrap">
              <a class="usa-link" href={`${base}/payment-requests/${r.id}`}>
                {r.reference}
              </a>
            </th>
            <td>{ctx.formats.date(new Date(r.requestedAt))}</td>
            <td>
              {ctx.t('awards.award.periodValue', {
                start: day(ctx, r.period.start),
                end: day(ctx, r.period.end),
              })}
            </td>
            <td class="text-tabular">{ctx.formats.money(r.amount)}</td>
            <td>
              <PaymentStatus ctx={ctx} status={r.status} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function AwardPage({ ctx, view }: { ctx: PageContext; view: AwardPageView }) {
  const a = view.award;
  const s = a.subaward;
  const base = awardBase(ctx, view.organizationId, a.id);
  const noticeReady = a.notice?.status === 'ready';
  return (
    <>
      {view.notice && <Alert kind="success">{ctx.t('awards.accept.accepted')}</Alert>}
      <span class="usa-hint">{s.programTitle}</span>
      <h1 class="margin-top-1">{ctx.t('awards.award.title', { reference: a.reference })}</h1>
      <p>
        <AwardStatus ctx={ctx} status={a.status} />
      </p>
      {a.status === 'offered' && (
        <div class="usa-alert usa-alert--warning">
          <div class="usa-alert__body">
            <p class="usa-alert__text">{ctx.t('awards.award.acceptNeeded')}</p>
            {view.canAccept ? (
              <a class="usa-button margin-top-1" href={`${base}/accept`}>
                {ctx.t('awards.award.acceptLink')}
              </a>
            ) : (
              <p class="usa-alert__text">{ctx.t('awards.award.acceptOthers')}</p>
            )}
          </div>
        </div>
      )}
      {a.acceptance && a.acceptedAt && (
        <p>
          {ctx.t('awards.award.acceptedBy', {
            name: a.acceptance.name,
            title: a.acceptance.title,
            date: ctx.formats.dateTime(new Date(a.acceptedAt)),
          })}
        </p>
      )}
      <div class="grid-row grid-gap-lg">
        <div class="tablet:grid-col-7">
          <h2>{ctx.t('awards.award.summary')}</h2>
          <Facts
            rows={[
              [ctx.t('awards.award.program'), s.programTitle],
              [
                ctx.t('awards.award.subrecipient'),
                `${s.subrecipientName} (UEI ${s.subrecipientUei ?? '—'})`,
              ],
              [ctx.t('awards.award.fain'), s.fain ?? '—'],
              [
                ctx.t('awards.award.assistanceListing'),
                `${s.assistanceListing.number ?? ''} ${s.assistanceListing.title ?? ''}`.trim() ||
                  '—',
              ],
              [
                ctx.t('awards.award.period'),
                ctx.t('awards.award.periodValue', {
                  start: day(ctx, s.periodOfPerformance.start),
                  end: day(ctx, s.periodOfPerformance.end),
                }),
              ],
              [
                ctx.t('awards.award.amountThisAction'),
                ctx.formats.money(s.amountObligatedThisAction),
              ],
              [ctx.t('awards.award.amount'), ctx.formats.money(s.totalAmountObligated)],
            ]}
          />
        </div>
        <div class="tablet:grid-col-5">
          <h2>{ctx.t('awards.award.notice')}</h2>
          {noticeReady ? (
            <p>
              <a class="usa-link" href={`${base}/notice`}>
                {ctx.t('awards.award.downloadNotice')}
              </a>
            </p>
          ) : (
            <p>{ctx.t('awards.award.noticePending')}</p>
          )}
          <h2>{ctx.t('awards.award.money')}</h2>
          <Facts
            rows={[
              [ctx.t('awards.award.undisbursed'), ctx.formats.money(view.position.undisbursed)],
              [ctx.t('awards.award.committed'), ctx.formats.money(view.position.committed)],
              [ctx.t('awards.award.available'), ctx.formats.money(view.position.remaining)],
            ]}
          />
        </div>
      </div>
      <h2>{ctx.t('awards.award.budget')}</h2>
      <BudgetTable ctx={ctx} lines={view.lines} />
      <h2>{ctx.t('awards.award.payments')}</h2>
      {a.status === 'active' && view.canRequest && (
        <p>
          <a class="usa-button" href={`${base}/payment-requests/new`}>
            {ctx.t('awards.award.newPayment')}
          </a>
        </p>
      )}
      <PaymentsTable ctx={ctx} base={base} requests={view.requests} />
      <h2>{ctx.t('awards.award.revisions')}</h2>
      <p>
        <a class="usa-link" href={`${base}/revisions`}>
          {ctx.t('awards.award.revisionsLink')}
        </a>
      </p>
      <h2>{ctx.t('awards.award.closeout')}</h2>
      <p>
        <a class="usa-link" href={`${base}/closeout`}>
          {ctx.t('awards.award.closeoutLink')}
        </a>
      </p>
    </>
  );
}

/** An organization's award: its terms, notice, budget with what remains, and its payments. */
@WebPage()
@Controller(':agencyCode/organizations/:organizationId/awards/:awardId')
export class AwardPages {
  constructor(
    private readonly pages: PageContexts,
    private readonly context: RequestContext,
    private readonly awards: AwardsService,
    private readonly notices: AwardNoticeFiles,
    private readonly payments: PaymentRequests,
  ) {}

  @Get()
  @RequirePermission('award.read')
  async show(
    @Param('agencyCode') agencyCode: string,
    @Param('organizationId') organizationId: string,
    @Param('awardId') awardId: string,
    @Query('accepted') accepted: string | undefined,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<PageReply> {
    const ctx = this.pages.build(request, reply, agencyCode);
    const scope = { organizationId };
    const award = await this.awards.get(scope, awardId);
    const view: AwardPageView = {
      organizationId,
      award,
      lines: await this.payments.lineBalances(scope, award.id),
      position: await this.payments.awardPosition(scope, award.id),
      requests: (await this.payments.list(scope, { awardId: award.id, limit: '50' })).items,
      canAccept: holdsRole(this.context, organizationId, 'authorized_representative'),
      canRequest:
        holdsRole(this.context, organizationId, 'grant_writer') ||
        holdsRole(this.context, organizationId, 'authorized_representative'),
      notice: accepted ? 'accepted' : undefined,
    };
    return PageReply.html(
      page({
        ctx,
        title: `${ctx.t('awards.award.title', { reference: award.reference })} – ${award.subaward.programTitle}`,
        children: <AwardPage ctx={ctx} view={view} />,
      }),
    );
  }

  /** The award notice PDF (the same file the API's notice download sends). */
  @Get('notice')
  @RequirePermission('award.read')
  async notice(
    @Param('organizationId') organizationId: string,
    @Param('awardId') awardId: string,
    @Res() _reply: FastifyReply,
  ): Promise<PageReply> {
    const file = await this.notices.open({ organizationId }, awardId);
    return PageReply.download({
      stream: file.stream,
      contentType: 'application/pdf',
      length: file.bytes,
      disposition: contentDisposition(file.filename),
    });
  }
}
