import { Body, Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RequirePermission, WebPage } from '../../core/access/access.decorators';
import { PageReply } from '../../core/http/page-reply';
import { AwardsService } from '../../awards/awards.service';
import { AwardStatusError } from '../../awards/awards.errors';
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
import { awardBase, BackLink, day, WhatHappens } from './award-parts';

type AwardView = Awaited<ReturnType<AwardsService['get']>>;

interface AcceptView {
  organizationId: string;
  award: AwardView;
  name: string;
  jobTitle: string;
  errors?: FieldError[];
}

function AcceptPage({ ctx, view }: { ctx: PageContext; view: AcceptView }) {
  const a = view.award;
  const base = awardBase(ctx, view.organizationId, a.id);
  const s = a.subaward;
  const confirmError = errorFor(view.errors, 'accepted');
  if (a.status !== 'offered') {
    return (
      <>
        <h1>{ctx.t('awards.accept.title', { reference: a.reference })}</h1>
        <Alert kind="info">{ctx.t('awards.accept.notOffered')}</Alert>
        <BackLink href={base}>{ctx.t('awards.accept.cancel')}</BackLink>
      </>
    );
  }
  return (
    <div class="grid-row">
      <div class="tablet:grid-col-10 desktop:grid-col-8">
        <ErrorSummary ctx={ctx} errors={view.errors} />
        <BackLink href={base}>{ctx.t('awards.accept.cancel')}</BackLink>
        <h1>{ctx.t('awards.accept.title', { reference: a.reference })}</h1>
        <WhatHappens
          heading={ctx.t('awards.accept.whatHappens')}
          items={[
            ctx.t('awards.accept.happens1', {
              reference: a.reference,
              amount: ctx.formats.money(s.totalAmountObligated),
              program: s.programTitle,
              start: day(ctx, s.periodOfPerformance.start),
              end: day(ctx, s.periodOfPerformance.end),
            }),
            ctx.t('awards.accept.happens2'),
            ctx.t('awards.accept.happens3'),
          ]}
        />
        <form class="usa-form usa-form--large" method="post" action={`${base}/accept`} novalidate>
          <CsrfField ctx={ctx} />
          <TextField
            name="name"
            label={ctx.t('awards.accept.name')}
            value={view.name}
            autocomplete="name"
            error={errorFor(view.errors, 'name')}
            required
          />
          <TextField
            name="jobTitle"
            label={ctx.t('awards.accept.jobTitle')}
            value={view.jobTitle}
            autocomplete="organization-title"
            error={errorFor(view.errors, 'jobTitle')}
            required
          />
          <div class={`usa-form-group${confirmError ? ' usa-form-group--error' : ''}`}>
            {confirmError && (
              <span class="usa-error-message" id="accepted-error" role="alert">
                {confirmError}
              </span>
            )}
            <div class="usa-checkbox">
              <input
                class="usa-checkbox__input"
                id="accepted"
                type="checkbox"
                name="accepted"
                value="yes"
                aria-describedby={confirmError ? 'accepted-error' : undefined}
              />
              <label class="usa-checkbox__label" for="accepted">
                {ctx.t('awards.accept.confirm', { organization: s.subrecipientName })}
              </label>
            </div>
          </div>
          <button class="usa-button" type="submit">
            {ctx.t('awards.accept.submit')}
          </button>
        </form>
      </div>
    </div>
  );
}

/**
 * Acceptance by the authorized representative: a page that says exactly what accepting does,
 * then the same certification the API takes (name, title, "I accept").
 */
@WebPage()
@Controller(':agencyCode/organizations/:organizationId/awards/:awardId/accept')
export class AwardAcceptancePages {
  constructor(
    private readonly pages: PageContexts,
    private readonly awards: AwardsService,
  ) {}

  @Get()
  @RequirePermission('award.accept')
  async form(
    @Param('agencyCode') agencyCode: string,
    @Param('organizationId') organizationId: string,
    @Param('awardId') awardId: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<PageReply> {
    const ctx = this.pages.build(request, reply, agencyCode);
    const award = await this.awards.get({ organizationId }, awardId);
    return this.render(ctx, { organizationId, award, name: '', jobTitle: '' });
  }

  @Post()
  @RequirePermission('award.accept')
  async accept(
    @Param('agencyCode') agencyCode: string,
    @Param('organizationId') organizationId: string,
    @Param('awardId') awardId: string,
    @Body() form: Record<string, string>,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<PageReply> {
    const ctx = this.pages.build(request, reply, agencyCode);
    const name = (form.name ?? '').trim().slice(0, 200);
    const jobTitle = (form.jobTitle ?? '').trim().slice(0, 200);
    const errors: FieldError[] = [];
    if (!name) errors.push({ field: 'name', message: ctx.t('awards.accept.nameRequired') });
    if (!jobTitle) {
      errors.push({ field: 'jobTitle', message: ctx.t('awards.accept.titleRequired') });
    }
    if (form.accepted !== 'yes') {
      errors.push({ field: 'accepted', message: ctx.t('awards.accept.confirmRequired') });
    }
    if (errors.length > 0) {
      const award = await this.awards.get({ organizationId }, awardId);
      return this.render(ctx, { organizationId, award, name, jobTitle, errors }, 422);
    }
    try {
      const award = await this.awards.accept(organizationId, awardId, { name, title: jobTitle });
      return PageReply.redirect(`${awardBase(ctx, organizationId, award.id)}?accepted=1`);
    } catch (error) {
      // Accepted meanwhile (a colleague, another tab): the page says so, nothing changed.
      if (!(error instanceof AwardStatusError)) throw error;
      const award = await this.awards.get({ organizationId }, awardId);
      return this.render(ctx, { organizationId, award, name, jobTitle }, 409);
    }
  }

  private render(ctx: PageContext, view: AcceptView, status = 200): PageReply {
    return PageReply.html(
      page({
        ctx,
        title: `${ctx.t('awards.accept.title', { reference: view.award.reference })} – ${view.award.subaward.programTitle}`,
        hasErrors: !!view.errors,
        children: <AcceptPage ctx={ctx} view={view} />,
      }),
      status,
    );
  }
}
