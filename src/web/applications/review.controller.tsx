import { Body, Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { RequirePermission, WebPage } from '../../core/access/access.decorators';
import type { FieldProblem } from '../../core/errors/domain-error';
import { PageReply } from '../../core/http/page-reply';
import { IdempotencyService, requestFingerprint } from '../../core/idempotency/idempotency.service';
import {
  ApplicationIncompleteError,
  ApplicationTransitionError,
  WindowClosedError,
  WindowNotOpenError,
} from '../../applications/applications.errors';
import { applicationRef } from '../../applications/submission/application-notices';
import {
  ApplicationSubmissions,
  CERTIFICATION_STATEMENT,
} from '../../applications/submission/application-submission.service';
import { PageContexts } from '../page-contexts';
import { CsrfField, ErrorSummary, errorFor, FieldError, TextField } from '../render/components';
import { page } from '../render/layout';
import type { PageContext } from '../render/page-context';
import { ApplicationHeading, pageTitle } from './application-chrome';
import { Draft, DraftPages } from './draft-pages';
import { problemText, ReviewAnswers } from './review-sections';

interface ReviewView {
  draft: Draft;
  representative: boolean;
  representatives: Array<{ name: string; email: string }>;
  problems: FieldProblem[];
  form: { name: string; title: string };
  errors?: FieldError[];
}

function ReviewPage({ ctx, view }: { ctx: PageContext; view: ReviewView }) {
  const { draft } = view;
  return (
    <div class="grid-row">
      <div class="tablet:grid-col-10 desktop:grid-col-8">
        <ErrorSummary ctx={ctx} errors={view.errors} />
        <ApplicationHeading ctx={ctx} draft={draft} title={ctx.t('applications.review.title')}>
          <p class="usa-intro">{ctx.t('applications.review.lead')}</p>
        </ApplicationHeading>
        {view.problems.length > 0 && (
          <div class="usa-alert usa-alert--warning">
            <div class="usa-alert__body">
              <h2 class="usa-alert__heading">{ctx.t('applications.review.blockers')}</h2>
              <p class="usa-alert__text">{ctx.t('applications.review.blockersLead')}</p>
              <ul class="usa-list">
                {view.problems.map((p, i) => {
                  const { text, href } = problemText(ctx, draft, p);
                  return (
                    <li key={i}>
                      {href ? (
                        <a class="usa-link" href={href}>
                          {text}
                        </a>
                      ) : (
                        text
                      )}
                    </li>
                  );
                })}
              </ul>
            </div>
          </div>
        )}
        <ReviewAnswers ctx={ctx} draft={draft} />
        <h2>{ctx.t('applications.review.certifyTitle')}</h2>
        {!view.representative ? (
          <>
            <p>
              {ctx.t('applications.review.onlyRepresentative', {
                organization: draft.organization.legalName,
              })}
            </p>
            {view.representatives.length === 0 ? (
              <p>{ctx.t('applications.review.nobody')}</p>
            ) : (
              <>
                <h3>{ctx.t('applications.review.whoCan')}</h3>
                <ul class="usa-list">
                  {view.representatives.map((r) => (
                    <li key={r.email}>
                      {r.name} (
                      <a class="usa-link" href={`mailto:${r.email}`}>
                        {r.email}
                      </a>
                      )
                    </li>
                  ))}
                </ul>
              </>
            )}
          </>
        ) : view.problems.length > 0 ? (
          <p>{ctx.t('applications.review.incomplete')}</p>
        ) : (
          <form class="usa-form usa-form--large" method="post" novalidate>
            <CsrfField ctx={ctx} />
            <input type="hidden" name="idempotencyKey" value={randomUUID()} />
            <h3>{ctx.t('applications.review.statement')}</h3>
            <p lang="en">{CERTIFICATION_STATEMENT}</p>
            <TextField
              name="name"
              label={ctx.t('applications.review.name')}
              value={view.form.name}
              autocomplete="name"
              error={errorFor(view.errors, 'name')}
              required
            />
            <TextField
              name="title"
              label={ctx.t('applications.review.jobTitle')}
              value={view.form.title}
              autocomplete="organization-title"
              error={errorFor(view.errors, 'title')}
              required
            />
            <div
              class={`usa-form-group${errorFor(view.errors, 'accepted') ? ' usa-form-group--error' : ''}`}
            >
              {errorFor(view.errors, 'accepted') && (
                <span class="usa-error-message" id="accepted-error">
                  {errorFor(view.errors, 'accepted')}
                </span>
              )}
              <div class="usa-checkbox">
                <input
                  class="usa-checkbox__input"
                  id="accepted"
                  type="checkbox"
                  name="accepted"
                  value="yes"
                  aria-describedby={
                    errorFor(view.errors, 'accepted') ? 'accepted-error' : undefined
                  }
                />
                <label class="usa-checkbox__label" for="accepted">
                  {ctx.t('applications.review.accept')}
                </label>
              </div>
            </div>
            <button class="usa-button" type="submit">
              {ctx.t('applications.review.submit')}
            </button>
          </form>
        )}
      </div>
    </div>
  );
}

function SubmittedPage({ ctx, draft }: { ctx: PageContext; draft: Draft }) {
  const d = draft.detail;
  const reference = applicationRef(draft.terms, d);
  return (
    <div class="grid-row">
      <div class="tablet:grid-col-10 desktop:grid-col-8">
        <div class="usa-alert usa-alert--success">
          <div class="usa-alert__body">
            <h1 class="usa-alert__heading">{ctx.t('applications.submitted.title')}</h1>
            <p class="usa-alert__text">
              {ctx.t('applications.submitted.reference')}:{' '}
              <strong id="reference">{reference}</strong>
            </p>
            {d.submittedAt && (
              <p class="usa-alert__text">
                {ctx.t('applications.submitted.at', {
                  time: ctx.formats.dateTime(new Date(d.submittedAt)),
                })}
              </p>
            )}
          </div>
        </div>
        <p class="margin-top-3">
          {ctx.t('applications.tasks.forOrganization', {
            organization: draft.organization.legalName,
            program: draft.terms.title,
          })}
        </p>
        <h2>{ctx.t('applications.submitted.next')}</h2>
        <p>{ctx.t('applications.submitted.nextText', { agency: ctx.agency?.name ?? '' })}</p>
        <p>
          {ctx.t('applications.submitted.email', {
            organization: draft.organization.legalName,
            subject: ctx.t('applications.submitted.emailSubject', {
              reference,
              program: draft.terms.title,
            }),
          })}
        </p>
        <a class="usa-button" href={`${draft.base}/status`}>
          {ctx.t('applications.submitted.status')}
        </a>
      </div>
    </div>
  );
}

/**
 * Check your answers, certify and submit (the organization's authorized representative only,
 * as the API's application.submit), and the receipt. A submission carries an idempotency key
 * from the form, claimed as the API claims its Idempotency-Key: a double click or a resent form
 * submits once and lands on the same receipt.
 */
@WebPage()
@Controller(':agencyCode/organizations/:organizationId/applications/:applicationId')
export class ReviewPages {
  constructor(
    private readonly pages: PageContexts,
    private readonly drafts: DraftPages,
    private readonly submissions: ApplicationSubmissions,
    private readonly keys: IdempotencyService,
  ) {}

  private view(draft: Draft, form = { name: '', title: '' }): ReviewView {
    return {
      draft,
      representative: this.drafts.isRepresentative(draft),
      representatives: this.drafts
        .representatives(draft)
        .map((m) => ({ name: m.name ?? m.email, email: m.email })),
      problems: draft.detail.readiness.problems,
      form,
    };
  }

  @Get('review')
  @RequirePermission('application.read')
  async review(
    @Param('agencyCode') agencyCode: string,
    @Param('organizationId') organizationId: string,
    @Param('applicationId') applicationId: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<PageReply> {
    const draft = await this.drafts.load(agencyCode, organizationId, applicationId);
    if (!draft.editable) return PageReply.redirect(`${draft.base}/status`);
    const ctx = this.pages.build(request, reply, agencyCode);
    return this.page(ctx, this.view(draft));
  }

  @Post('review')
  @RequirePermission('application.submit')
  async submit(
    @Param('agencyCode') agencyCode: string,
    @Param('organizationId') organizationId: string,
    @Param('applicationId') applicationId: string,
    @Body() body: Record<string, string>,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<PageReply> {
    const draft = await this.drafts.load(agencyCode, organizationId, applicationId);
    const submitted = `${draft.base}/submitted`;
    const ctx = this.pages.build(request, reply, agencyCode);
    const form = { name: (body.name ?? '').trim(), title: (body.title ?? '').trim() };
    const errors: FieldError[] = [];
    if (!form.name || form.name.length > 200)
      errors.push({ field: 'name', message: ctx.t('applications.review.nameRequired') });
    if (!form.title || form.title.length > 200)
      errors.push({ field: 'title', message: ctx.t('applications.review.jobTitleRequired') });
    if (body.accepted !== 'yes')
      errors.push({ field: 'accepted', message: ctx.t('applications.review.acceptRequired') });
    if (errors.length > 0) return this.page(ctx, { ...this.view(draft, form), errors }, 422);

    const key = (body.idempotencyKey ?? '').trim();
    const claim = /^[\x21-\x7e]{1,200}$/.test(key)
      ? await this.keys.claim(key, requestFingerprint('POST', request.url, form))
      : undefined;
    if (claim?.kind === 'replay' && claim.status === 303) return PageReply.redirect(submitted);
    if (!draft.editable)
      return PageReply.redirect(draft.detail.status === 'draft' ? draft.base : submitted);
    try {
      await this.submissions.submit(organizationId, applicationId, { ...form, accepted: true });
    } catch (error) {
      const message =
        error instanceof ApplicationIncompleteError
          ? ctx.t('applications.review.incomplete')
          : error instanceof WindowClosedError || error instanceof WindowNotOpenError
            ? ctx.t('applications.review.windowClosed')
            : undefined;
      if (error instanceof ApplicationTransitionError) return PageReply.redirect(submitted);
      if (message === undefined) throw error;
      // The refusal is remembered under the key (this request commits); the page re-renders
      // with a fresh key, so fixing the problem and submitting again is a new attempt.
      if (claim?.kind === 'new') await this.keys.complete(claim.id, 422, null);
      const fresh = await this.drafts.load(agencyCode, organizationId, applicationId);
      return this.page(
        ctx,
        { ...this.view(fresh, form), errors: [{ field: 'error-summary', message }] },
        422,
      );
    }
    if (claim?.kind === 'new') await this.keys.complete(claim.id, 303, { location: submitted });
    return PageReply.redirect(submitted);
  }

  @Get('submitted')
  @RequirePermission('application.read')
  async receipt(
    @Param('agencyCode') agencyCode: string,
    @Param('organizationId') organizationId: string,
    @Param('applicationId') applicationId: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<PageReply> {
    const draft = await this.drafts.load(agencyCode, organizationId, applicationId);
    if (draft.detail.submissionCount === 0) return PageReply.redirect(draft.base);
    const ctx = this.pages.build(request, reply, agencyCode);
    return PageReply.html(
      page({
        ctx,
        title: pageTitle(ctx.t('applications.submitted.title'), draft),
        children: <SubmittedPage ctx={ctx} draft={draft} />,
      }),
    );
  }

  private page(ctx: PageContext, view: ReviewView, status = 200): PageReply {
    return PageReply.html(
      page({
        ctx,
        title: pageTitle(ctx.t('applications.review.title'), view.draft),
        hasErrors: !!view.errors,
        children: <ReviewPage ctx={ctx} view={view} />,
      }),
      status,
    );
  }
}
