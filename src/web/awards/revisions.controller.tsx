import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RequirePermission, WebPage } from '../../core/access/access.decorators';
import { RequestContext } from '../../core/context/request-context';
import { DomainError } from '../../core/errors/domain-error';
import { isAmount, normalizeAmount } from '../../core/money/money';
import { PageReply } from '../../core/http/page-reply';
import { AwardsService } from '../../awards/awards.service';
import { AwardBudget } from '../../awards/budget/award-budget.service';
import { PageContexts } from '../page-contexts';
import {
  Alert,
  CsrfField,
  ErrorSummary,
  errorFor,
  FieldError,
  TextField,
} from '../render/components';
import { page } from '../render/layout';
import type { PageContext } from '../render/page-context';
import { awardBase, BackLink, holdsRole, lineName, RevisionStatus } from './award-parts';

type Budget = Awaited<ReturnType<AwardBudget['view']>>;
type Revision = Awaited<ReturnType<AwardBudget['revisions']>>['items'][number];
type Params = { agencyCode: string; organizationId: string; awardId: string };

const FIXABLE = new Set([
  'award.budget_invalid',
  'award.budget_stale',
  'award.budget_revision_pending',
  'award.wrong_status',
]);

const field = (l: { functionCode: string; objectCode: string }) =>
  `line_${l.functionCode}_${l.objectCode}`;

interface RevisionsView {
  reference: string;
  awardUrl: string;
  status: string;
  budget: Budget;
  revisions: Revision[];
  tolerance: string;
  canRevise: boolean;
  values: Record<string, string>;
  reason: string;
  errors?: FieldError[];
  sent?: 'applied' | 'pending';
}

function RevisionList({ ctx, revisions }: { ctx: PageContext; revisions: Revision[] }) {
  if (revisions.length === 0) return <p>{ctx.t('awards.revisions.none')}</p>;
  return (
    <table class="usa-table usa-table--borderless width-full">
      <caption>{ctx.t('awards.award.revisions')}</caption>
      <thead>
        <tr>
          <th scope="col">{ctx.t('awards.revisions.proposed')}</th>
          <th scope="col">{ctx.t('awards.revisions.changes')}</th>
          <th scope="col">{ctx.t('awards.revisions.reason')}</th>
          <th scope="col">{ctx.t('awards.revisions.status')}</th>
        </tr>
      </thead>
      <tbody>
        {revisions.map((r) => (
          <tr key={r.id}>
            <th scope="row">{ctx.formats.dateTime(new Date(r.proposedAt))}</th>
            <td>
              <ul class="usa-list usa-list--unstyled">
                {r.changes.map((c) => (
                  <li key={lineName(c)}>
                    {ctx.t('awards.revisions.changeLine', {
                      line: lineName(c),
                      from: ctx.formats.money(c.approved),
                      to: ctx.formats.money(c.proposed),
                    })}
                  </li>
                ))}
              </ul>
            </td>
            <td>{r.reason}</td>
            <td>
              <RevisionStatus ctx={ctx} status={r.status} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function RevisionsPage({ ctx, view }: { ctx: PageContext; view: RevisionsView }) {
  const pending = view.revisions.some((r) => r.status === 'pending');
  return (
    <>
      <ErrorSummary ctx={ctx} errors={view.errors} />
      {view.sent && (
        <Alert kind="success">
          {ctx.t(
            view.sent === 'applied'
              ? 'awards.revisions.sentApplied'
              : 'awards.revisions.sentPending',
          )}
        </Alert>
      )}
      <BackLink href={view.awardUrl}>{ctx.t('awards.payment.backToAward')}</BackLink>
      <h1>{ctx.t('awards.revisions.title', { reference: view.reference })}</h1>
      <p class="usa-intro">{ctx.t('awards.revisions.lead', { tolerance: view.tolerance })}</p>
      <RevisionList ctx={ctx} revisions={view.revisions} />
      {view.canRevise && (
        <>
          <h2>{ctx.t('awards.revisions.request')}</h2>
          {view.status !== 'active' ? (
            <p>{ctx.t('awards.revisions.notActive')}</p>
          ) : pending ? (
            <p>{ctx.t('awards.revisions.pendingBlocks')}</p>
          ) : (
            <form
              class="usa-form usa-form--large"
              method="post"
              action={`${view.awardUrl}/revisions`}
              novalidate
            >
              <CsrfField ctx={ctx} />
              <input type="hidden" name="budgetVersion" value={String(view.budget.budgetVersion)} />
              <p>
                {ctx.t('awards.revisions.requestLead', {
                  total: ctx.formats.money(view.budget.awardAmount),
                })}
              </p>
              {view.budget.lines.map((l) => (
                <TextField
                  key={field(l)}
                  name={field(l)}
                  label={ctx.t('awards.revisions.newAmount', {
                    line: `${lineName(l)}${l.description ? ` ${l.description}` : ''}`,
                  })}
                  value={view.values[field(l)] ?? l.amount}
                  error={errorFor(view.errors, field(l))}
                  inputMode="decimal"
                  width="md"
                />
              ))}
              <TextField
                name="reason"
                label={ctx.t('awards.revisions.reasonLabel')}
                value={view.reason}
                error={errorFor(view.errors, 'reason')}
                required
              />
              <button class="usa-button" type="submit">
                {ctx.t('awards.revisions.submit')}
              </button>
            </form>
          )}
        </>
      )}
    </>
  );
}

/** The award's budget revisions, and a request for one as the API allows (the whole budget). */
@WebPage()
@Controller(':agencyCode/organizations/:organizationId/awards/:awardId/revisions')
export class BudgetRevisionPages {
  constructor(
    private readonly pages: PageContexts,
    private readonly context: RequestContext,
    private readonly awards: AwardsService,
    private readonly budget: AwardBudget,
  ) {}

  @Get()
  @RequirePermission('award.read')
  async list(
    @Param() params: Params,
    @Query('sent') sent: string | undefined,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<PageReply> {
    const ctx = this.pages.build(request, reply, params.agencyCode);
    const view = await this.view(ctx, params, {}, '');
    view.sent = sent === 'applied' || sent === 'pending' ? sent : undefined;
    return this.render(ctx, view);
  }

  @Post()
  @RequirePermission('budget.revise')
  async propose(
    @Param() params: Params,
    @Body() body: Record<string, string>,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<PageReply> {
    const ctx = this.pages.build(request, reply, params.agencyCode);
    const reason = (body.reason ?? '').trim().slice(0, 2000);
    const current = await this.budget.view(
      { organizationId: params.organizationId },
      params.awardId,
    );
    const values: Record<string, string> = {};
    const errors: FieldError[] = [];
    for (const l of current.lines) {
      values[field(l)] = (body[field(l)] ?? '').trim();
      if (!isAmount(values[field(l)])) {
        errors.push({ field: field(l), message: ctx.t('awards.payment.amountInvalid') });
      }
    }
    if (!reason)
      errors.push({ field: 'reason', message: ctx.t('awards.revisions.reasonRequired') });
    if (errors.length === 0) {
      try {
        const result = await this.budget.propose(
          params.organizationId,
          current.awardId,
          {
            lines: current.lines.map((l) => ({
              functionCode: l.functionCode,
              objectCode: l.objectCode,
              description: l.description,
              amount: normalizeAmount(values[field(l)]),
            })),
            reason,
          },
          { kind: 'versions', versions: [Number(body.budgetVersion)] },
        );
        const outcome = result.revision.status === 'pending' ? 'pending' : 'applied';
        const url = awardBase(ctx, params.organizationId, current.awardId);
        return PageReply.redirect(`${url}/revisions?sent=${outcome}`);
      } catch (error) {
        if (!(error instanceof DomainError) || !FIXABLE.has(error.code)) throw error;
        const problems = (error.extensions.errors ?? []) as Array<{ detail: string }>;
        const first = current.lines[0] ? field(current.lines[0]) : 'reason';
        errors.push(
          ...(problems.length > 0 ? problems : [{ detail: error.message }]).map((p) => ({
            field: first,
            message: p.detail,
          })),
        );
      }
    }
    const view = await this.view(ctx, params, values, reason);
    view.errors = errors;
    return this.render(ctx, view, 422);
  }

  private async view(
    ctx: PageContext,
    params: Params,
    values: Record<string, string>,
    reason: string,
  ): Promise<RevisionsView> {
    const scope = { organizationId: params.organizationId };
    const award = await this.awards.get(scope, params.awardId);
    return {
      reference: award.reference,
      awardUrl: awardBase(ctx, params.organizationId, award.id),
      status: award.status,
      budget: await this.budget.view(scope, award.id),
      revisions: (await this.budget.revisions(scope, award.id)).items,
      tolerance: this.budget.tolerancePercent(),
      canRevise:
        holdsRole(this.context, params.organizationId, 'grant_writer') ||
        holdsRole(this.context, params.organizationId, 'authorized_representative'),
      values,
      reason,
    };
  }

  private render(ctx: PageContext, view: RevisionsView, status = 200): PageReply {
    return PageReply.html(
      page({
        ctx,
        title: ctx.t('awards.revisions.title', { reference: view.reference }),
        hasErrors: !!view.errors?.length,
        children: <RevisionsPage ctx={ctx} view={view} />,
      }),
      status,
    );
  }
}
