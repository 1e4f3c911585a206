import { Body, Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RequirePermission, WebPage } from '../../core/access/access.decorators';
import { RequestContext } from '../../core/context/request-context';
import { DomainError } from '../../core/errors/domain-error';
import { isAmount, normalizeAmount } from '../../core/money/money';
import { PageReply } from '../../core/http/page-reply';
import { AwardsService } from '../../awards/awards.service';
import { AwardBudget } from '../../awards/budget/award-budget.service';
import { CloseoutReportNotFoundError } from '../../closeout/closeout.errors';
import { CloseoutService } from '../../closeout/closeout.service';
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
import { awardBase, BackLink, holdsRole, lineName } from './award-parts';

type Report = Awaited<ReturnType<CloseoutService['get']>>['report'];
type Budget = Awaited<ReturnType<AwardBudget['view']>>;
type Params = { agencyCode: string; organizationId: string; awardId: string };

const field = (l: { functionCode: string; objectCode: string }) =>
  `spent_${l.functionCode}_${l.objectCode}`;

interface CloseoutView {
  reference: string;
  awardUrl: string;
  awardStatus: string;
  budget: Budget;
  report: Report | null;
  canSubmit: boolean;
  values: Record<string, string>;
  notes: string;
  errors?: FieldError[];
}

function CloseoutPage({ ctx, view }: { ctx: PageContext; view: CloseoutView }) {
  const r = view.report;
  const open = view.awardStatus === 'active' && r?.status !== 'closed';
  return (
    <div class="grid-row">
      <div class="tablet:grid-col-10 desktop:grid-col-8">
        <ErrorSummary ctx={ctx} errors={view.errors} />
        <BackLink href={view.awardUrl}>{ctx.t('awards.payment.backToAward')}</BackLink>
        <h1>{ctx.t('awards.closeout.title', { reference: view.reference })}</h1>
        <p class="usa-intro">{ctx.t('awards.closeout.lead')}</p>
        {r && (
          <Alert kind={r.status === 'returned' ? 'warning' : 'info'}>
            {ctx.t(`awards.closeout.reportStatus.${r.status}`)}{' '}
            {ctx.t('awards.closeout.submitted', {
              date: ctx.formats.dateTime(new Date(r.submittedAt)),
            })}{' '}
            {ctx.t('awards.closeout.total')}: {ctx.formats.money(r.totalExpenditures)}
            {r.returnReason &&
              ` ${ctx.t('awards.closeout.returnReason', { reason: r.returnReason })}`}
          </Alert>
        )}
        {!open ? (
          !r && <p>{ctx.t('awards.closeout.notActive')}</p>
        ) : !view.canSubmit ? (
          <p>{ctx.t('awards.closeout.only')}</p>
        ) : (
          (!r || r.status === 'returned' || r.status === 'submitted') && (
            <form
              class="usa-form usa-form--large"
              method="post"
              action={`${view.awardUrl}/closeout`}
              novalidate
            >
              <CsrfField ctx={ctx} />
              {view.budget.lines.map((l) => (
                <TextField
                  key={field(l)}
                  name={field(l)}
                  label={ctx.t('awards.closeout.spentOn', {
                    line: `${lineName(l)}${l.description ? ` ${l.description}` : ''}`,
                  })}
                  value={
                    view.values[field(l)] ??
                    r?.expenditures.find((e) => lineName(e) === lineName(l))?.amount ??
                    ''
                  }
                  error={errorFor(view.errors, field(l))}
                  inputMode="decimal"
                  width="md"
                />
              ))}
              <TextField
                name="notes"
                label={ctx.t('awards.closeout.notes')}
                value={view.notes || r?.notes || ''}
                error={errorFor(view.errors, 'notes')}
              />
              <button class="usa-button" type="submit">
                {ctx.t('awards.closeout.submit')}
              </button>
            </form>
          )
        )}
      </div>
    </div>
  );
}

/** The final expenditure report at closeout, sent by the authorized representative. */
@WebPage()
@Controller(':agencyCode/organizations/:organizationId/awards/:awardId/closeout')
export class CloseoutPages {
  constructor(
    private readonly pages: PageContexts,
    private readonly context: RequestContext,
    private readonly awards: AwardsService,
    private readonly budget: AwardBudget,
    private readonly closeout: CloseoutService,
  ) {}

  @Get()
  @RequirePermission('award.read')
  async show(
    @Param() params: Params,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<PageReply> {
    const ctx = this.pages.build(request, reply, params.agencyCode);
    return this.render(ctx, await this.view(ctx, params, {}, ''));
  }

  @Post()
  @RequirePermission('closeout.submit')
  async submit(
    @Param() params: Params,
    @Body() body: Record<string, string>,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<PageReply> {
    const ctx = this.pages.build(request, reply, params.agencyCode);
    const scope = { organizationId: params.organizationId };
    const budget = await this.budget.view(scope, params.awardId);
    const notes = (body.notes ?? '').trim().slice(0, 5000);
    const values: Record<string, string> = {};
    const errors: FieldError[] = [];
    for (const l of budget.lines) {
      values[field(l)] = (body[field(l)] ?? '').trim() || '0';
      if (!isAmount(values[field(l)])) {
        errors.push({ field: field(l), message: ctx.t('awards.payment.amountInvalid') });
      }
    }
    if (errors.length === 0) {
      try {
        await this.closeout.submit(params.organizationId, budget.awardId, {
          expenditures: budget.lines.map((l) => ({
            functionCode: l.functionCode,
            objectCode: l.objectCode,
            amount: normalizeAmount(values[field(l)]),
          })),
          notes,
        });
        return PageReply.redirect(
          `${awardBase(ctx, params.organizationId, budget.awardId)}/closeout`,
        );
      } catch (error) {
        if (!(error instanceof DomainError) || !error.code.startsWith('closeout.')) throw error;
        const first = budget.lines[0] ? field(budget.lines[0]) : 'notes';
        errors.push({ field: first, message: error.message });
      }
    }
    const view = await this.view(ctx, params, values, notes);
    view.errors = errors;
    return this.render(ctx, view, 422);
  }

  private async view(
    ctx: PageContext,
    params: Params,
    values: Record<string, string>,
    notes: string,
  ): Promise<CloseoutView> {
    const scope = { organizationId: params.organizationId };
    const award = await this.awards.get(scope, params.awardId);
    let report: Report | null = null;
    try {
      report = (await this.closeout.get(scope, award.id)).report;
    } catch (error) {
      if (!(error instanceof CloseoutReportNotFoundError)) throw error;
    }
    return {
      reference: award.reference,
      awardUrl: awardBase(ctx, params.organizationId, award.id),
      awardStatus: award.status,
      budget: await this.budget.view(scope, award.id),
      report,
      canSubmit: holdsRole(this.context, params.organizationId, 'authorized_representative'),
      values,
      notes,
    };
  }

  private render(ctx: PageContext, view: CloseoutView, status = 200): PageReply {
    return PageReply.html(
      page({
        ctx,
        title: ctx.t('awards.closeout.title', { reference: view.reference }),
        hasErrors: !!view.errors?.length,
        children: <CloseoutPage ctx={ctx} view={view} />,
      }),
      status,
    );
  }
}
