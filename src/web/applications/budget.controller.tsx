import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RequirePermission, WebPage } from '../../core/access/access.decorators';
import { PageReply } from '../../core/http/page-reply';
import { MONEY, normalizeAmount } from '../../core/money/money';
import { ApplicationsService } from '../../applications/applications.service';
import {
  ApplicationNotFoundError,
  ApplicationStaleError,
  BudgetInvalidError,
} from '../../applications/applications.errors';
import { ApplicationBudget } from '../../applications/budget/application-budget.service';
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
import type { FormBody } from './answer-form';
import { ApplicationHeading, LastSaved, pageTitle } from './application-chrome';
import { budgetGrid, BudgetGrid, cellName } from './budget-form';
import { BudgetMatrix } from './budget-matrix';
import { Draft, DraftPages } from './draft-pages';

interface BudgetView {
  draft: Draft;
  grid: BudgetGrid;
  amountRequested: string;
  version: number;
  errors?: FieldError[];
  notice?: string;
  stale?: boolean;
  sources: Array<{ id: string; label: string }>;
}

function BudgetPage({ ctx, view }: { ctx: PageContext; view: BudgetView }) {
  const { draft, grid } = view;
  const cellErrors = new Map((view.errors ?? []).map((e) => [e.field, e.message]));
  const requested =
    view.amountRequested && MONEY.test(view.amountRequested) ? view.amountRequested : null;
  return (
    <div class="grid-row">
      <div class="grid-col-12">
        <ErrorSummary ctx={ctx} errors={view.errors} />
        {view.stale && <Alert kind="warning">{ctx.t('applications.budget.stale')}</Alert>}
        {view.notice && <Alert kind="success">{view.notice}</Alert>}
        <ApplicationHeading ctx={ctx} draft={draft} title={ctx.t('applications.budget.title')}>
          <LastSaved ctx={ctx} draft={draft} />
        </ApplicationHeading>
        <p class="usa-intro">{ctx.t('applications.budget.lead')}</p>
        <form class="usa-form usa-form--large maxw-none" method="post" novalidate>
          <CsrfField ctx={ctx} />
          <input type="hidden" name="version" value={String(view.version)} />
          <TextField
            name="amountRequested"
            label={ctx.t('applications.budget.amountRequested')}
            hint={ctx.t('applications.budget.amountRequestedHint')}
            value={view.amountRequested}
            inputMode="decimal"
            width="lg"
            error={errorFor(view.errors, 'amountRequested')}
          />
          <p class="usa-hint">{ctx.t('applications.budget.codes')}</p>
          <BudgetMatrix ctx={ctx} grid={grid} errors={cellErrors} />
          {requested !== null && (
            <p>
              {normalizeAmount(requested) === grid.total
                ? ctx.t('applications.budget.matches')
                : ctx.t('applications.budget.differs', {
                    total: ctx.formats.money(grid.total),
                    requested: ctx.formats.money(normalizeAmount(requested)),
                  })}
            </p>
          )}
          <button class="usa-button" type="submit" name="action" value="continue">
            {ctx.t('applications.saveAndContinue')}
          </button>
          <button class="usa-button usa-button--outline" type="submit" name="action" value="save">
            {ctx.t('applications.save')}
          </button>
        </form>
        <h2>{ctx.t('applications.budget.copyTitle')}</h2>
        {view.sources.length === 0 ? (
          <p>{ctx.t('applications.budget.noEarlier')}</p>
        ) : (
          <form class="usa-form" method="post" action={`${draft.base}/budget/copy`}>
            <CsrfField ctx={ctx} />
            <input type="hidden" name="version" value={String(view.version)} />
            <p>
              {ctx.t('applications.budget.copyLead', {
                organization: draft.organization.legalName,
              })}
            </p>
            <label class="usa-label" for="sourceApplicationId">
              {ctx.t('applications.budget.copySource')}
            </label>
            <select class="usa-select" id="sourceApplicationId" name="sourceApplicationId">
              {view.sources.map((s) => (
                <option value={s.id} key={s.id}>
                  {s.label}
                </option>
              ))}
            </select>
            <button class="usa-button usa-button--outline margin-top-2" type="submit">
              {ctx.t('applications.budget.copy')}
            </button>
          </form>
        )}
      </div>
    </div>
  );
}

/** The budget matrix: totals recomputed on every save (no JavaScript needed), copy from earlier. */
@WebPage()
@Controller(':agencyCode/organizations/:organizationId/applications/:applicationId/budget')
export class BudgetPages {
  constructor(
    private readonly pages: PageContexts,
    private readonly drafts: DraftPages,
    private readonly applications: ApplicationsService,
    private readonly budget: ApplicationBudget,
  ) {}

  private async sources(ctx: PageContext, draft: Draft) {
    const sources = await this.applications.budgetSources(draft.organization.id, draft.detail.id);
    return sources.map((a) => ({
      id: a.id,
      label: `${a.projectTitle ?? a.id.slice(0, 8)} (${ctx.formats.date(a.createdAt)})`,
    }));
  }

  private gridOf(draft: Draft, body?: FormBody) {
    const rules = draft.detail.budget.rules;
    return budgetGrid(
      rules.allowedFunctionCodes,
      rules.allowedObjectCodes,
      draft.detail.budget.lines,
      body,
    );
  }

  @Get()
  @RequirePermission('application.read')
  async show(
    @Param('agencyCode') agencyCode: string,
    @Param('organizationId') organizationId: string,
    @Param('applicationId') applicationId: string,
    @Query() query: Record<string, string>,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<PageReply> {
    const draft = await this.drafts.load(agencyCode, organizationId, applicationId);
    if (!draft.editable) return PageReply.redirect(`${draft.base}/status`);
    const ctx = this.pages.build(request, reply, agencyCode);
    const notice = query.copied
      ? ctx.t('applications.budget.copied', { count: Number(query.copied) || 0 })
      : query.saved
        ? ctx.t('applications.saved')
        : undefined;
    return this.page(ctx, {
      draft,
      grid: this.gridOf(draft),
      amountRequested: draft.detail.amountRequested ?? '',
      version: draft.detail.version,
      notice,
      sources: await this.sources(ctx, draft),
    });
  }

  @Post()
  @RequirePermission('application.edit')
  async save(
    @Param('agencyCode') agencyCode: string,
    @Param('organizationId') organizationId: string,
    @Param('applicationId') applicationId: string,
    @Body() body: FormBody,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<PageReply> {
    const draft = await this.drafts.load(agencyCode, organizationId, applicationId);
    if (!draft.editable) return PageReply.redirect(`${draft.base}/status`);
    const ctx = this.pages.build(request, reply, agencyCode);
    const grid = this.gridOf(draft, body);
    const amountRequested = String(body.amountRequested ?? '').replace(/[$,\s]/g, '');
    const view: BudgetView = {
      draft,
      grid,
      amountRequested,
      version: Number(body.version),
      sources: await this.sources(ctx, draft),
    };
    const errors: FieldError[] = [];
    if (amountRequested !== '' && !MONEY.test(amountRequested))
      errors.push({
        field: 'amountRequested',
        message: ctx.t('applications.budget.amountProblem'),
      });
    for (const c of grid.invalid) {
      errors.push({
        field: cellName(c.functionCode, c.objectCode),
        message: ctx.t('applications.budget.cellProblem', {
          function: c.functionCode,
          object: c.objectCode,
        }),
      });
    }
    if (errors.length > 0) return this.page(ctx, { ...view, errors }, 422);
    try {
      await this.budget.replace(
        { organizationId },
        applicationId,
        {
          lines: grid.lines,
          ...(amountRequested !== '' ? { amountRequested } : {}),
        },
        { kind: 'versions', versions: [view.version] },
      );
    } catch (error) {
      if (error instanceof ApplicationStaleError) {
        // The colleague's figures are not merged cell by cell: the person's are kept, with the
        // new version, to check and save again.
        return this.page(ctx, { ...view, version: draft.detail.version, stale: true }, 409);
      }
      if (error instanceof BudgetInvalidError) {
        const problems =
          (error.extensions.errors as Array<{ pointer: string; detail: string }>) ?? [];
        const invalid = problems.map((p) => {
          const line = grid.lines[Number(/^\/lines\/(\d+)/.exec(p.pointer)?.[1] ?? -1)];
          return {
            field: line ? cellName(line.functionCode, line.objectCode) : 'amountRequested',
            message: ctx.t('applications.budget.notAllowed', { detail: p.detail }),
          };
        });
        return this.page(ctx, { ...view, errors: invalid }, 422);
      }
      throw error;
    }
    return PageReply.redirect(
      body.action === 'continue' ? draft.base : `${draft.base}/budget?saved=1`,
    );
  }

  @Post('copy')
  @RequirePermission('application.edit')
  async copy(
    @Param('agencyCode') agencyCode: string,
    @Param('organizationId') organizationId: string,
    @Param('applicationId') applicationId: string,
    @Body() body: Record<string, string>,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<PageReply> {
    const draft = await this.drafts.load(agencyCode, organizationId, applicationId);
    if (!draft.editable) return PageReply.redirect(`${draft.base}/status`);
    const ctx = this.pages.build(request, reply, agencyCode);
    const view: BudgetView = {
      draft,
      grid: this.gridOf(draft),
      amountRequested: draft.detail.amountRequested ?? '',
      version: draft.detail.version,
      sources: await this.sources(ctx, draft),
    };
    try {
      const result = await this.budget.copyFrom(
        { organizationId },
        applicationId,
        String(body.sourceApplicationId ?? ''),
        'replace',
        { kind: 'versions', versions: [Number(body.version)] },
      );
      return PageReply.redirect(`${draft.base}/budget?copied=${result.copied}`);
    } catch (error) {
      if (error instanceof ApplicationStaleError)
        return this.page(ctx, { ...view, stale: true }, 409);
      if (error instanceof BudgetInvalidError || error instanceof ApplicationNotFoundError) {
        const detail =
          error instanceof BudgetInvalidError
            ? ((error.extensions.errors as Array<{ detail: string }>)[0]?.detail ?? '')
            : '';
        const errors = [
          {
            field: 'sourceApplicationId',
            message: ctx.t('applications.budget.notAllowed', { detail }),
          },
        ];
        return this.page(ctx, { ...view, errors }, 422);
      }
      throw error;
    }
  }

  private page(ctx: PageContext, view: BudgetView, status = 200): PageReply {
    return PageReply.html(
      page({
        ctx,
        title: pageTitle(ctx.t('applications.budget.title'), view.draft),
        hasErrors: !!view.errors,
        children: <BudgetPage ctx={ctx} view={view} />,
      }),
      status,
    );
  }
}
