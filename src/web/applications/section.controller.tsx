import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RequirePermission, WebPage } from '../../core/access/access.decorators';
import { NotFoundError } from '../../core/errors/domain-error';
import { PageReply } from '../../core/http/page-reply';
import { ApplicationsService } from '../../applications/applications.service';
import {
  ApplicationInvalidError,
  ApplicationStaleError,
} from '../../applications/applications.errors';
import type { FormSection } from '../../programs/forms/form-definition';
import { PageContexts } from '../page-contexts';
import { Alert, CsrfField, ErrorSummary, FieldError } from '../render/components';
import { page } from '../render/layout';
import type { PageContext } from '../render/page-context';
import { ApplicationHeading, answerErrors, LastSaved, pageTitle } from './application-chrome';
import { changedQuestions, FormBody, readSection, sectionToBody } from './answer-form';
import { SectionConflict } from './section-conflict';
import { Draft, DraftPages } from './draft-pages';
import { SectionFields } from './question-fields';

class SectionNotFoundError extends NotFoundError {
  constructor() {
    super('section', 'application.section_not_found');
  }
}

interface SectionView {
  draft: Draft;
  section: FormSection;
  body: FormBody;
  version: number;
  /** The section's answers as this form was shown: tells a colleague's change from ours. */
  base: string;
  errors?: FieldError[];
  saved?: boolean;
  extraItems?: Record<string, number>;
}

function SectionPage({ ctx, view }: { ctx: PageContext; view: SectionView }) {
  const { draft, section } = view;
  const index = draft.form.sections.findIndex((s) => s.key === section.key);
  const errors = new Map((view.errors ?? []).map((e) => [e.field, e.message]));
  return (
    <div class="grid-row">
      <div class="tablet:grid-col-10 desktop:grid-col-8">
        <ErrorSummary ctx={ctx} errors={view.errors} />
        {view.saved && <Alert kind="success">{ctx.t('applications.saved')}</Alert>}
        <ApplicationHeading ctx={ctx} draft={draft} title={section.title}>
          <p class="usa-hint">
            {ctx.t('applications.section.stepOf', {
              number: index + 1,
              count: draft.form.sections.length,
            })}
          </p>
          <LastSaved ctx={ctx} draft={draft} />
        </ApplicationHeading>
        {section.description && <p>{section.description}</p>}
        <form class="usa-form usa-form--large" method="post" novalidate>
          <CsrfField ctx={ctx} />
          <input type="hidden" name="version" value={String(view.version)} />
          <input type="hidden" name="base" value={view.base} />
          <SectionFields
            ctx={ctx}
            section={section}
            view={{
              body: view.body,
              errors,
              attachments: draft.detail.attachments,
              attachmentsHref: `${draft.base}/attachments`,
              extraItems: view.extraItems,
            }}
          />
          <div class="margin-top-4">
            <button class="usa-button" type="submit" name="action" value="continue">
              {ctx.t('applications.saveAndContinue')}
            </button>
            <button class="usa-button usa-button--outline" type="submit" name="action" value="save">
              {ctx.t('applications.save')}
            </button>
          </div>
        </form>
      </div>
    </div>
  );
}

const sectionJson = (answers: Record<string, unknown>, key: string) =>
  JSON.stringify(answers[key] ?? {});

/**
 * A section of the program's form, every question type, saved as a draft with If-Match
 * semantics: the form carries the version it showed; when a colleague saved this section in
 * between, the person sees both answers and chooses (a change elsewhere is simply kept).
 */
@WebPage()
@Controller(':agencyCode/organizations/:organizationId/applications/:applicationId/sections')
export class SectionPages {
  constructor(
    private readonly pages: PageContexts,
    private readonly drafts: DraftPages,
    private readonly applications: ApplicationsService,
  ) {}

  private async load(
    agencyCode: string,
    organizationId: string,
    applicationId: string,
    key: string,
  ) {
    const draft = await this.drafts.load(agencyCode, organizationId, applicationId);
    const section = draft.form.sections.find((s) => s.key === key);
    if (!section) throw new SectionNotFoundError();
    return { draft, section };
  }

  @Get(':sectionKey')
  @RequirePermission('application.read')
  async show(
    @Param('agencyCode') agencyCode: string,
    @Param('organizationId') organizationId: string,
    @Param('applicationId') applicationId: string,
    @Param('sectionKey') sectionKey: string,
    @Query('saved') saved: string | undefined,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<PageReply> {
    const { draft, section } = await this.load(
      agencyCode,
      organizationId,
      applicationId,
      sectionKey,
    );
    if (!draft.editable) return PageReply.redirect(`${draft.base}/status`);
    const ctx = this.pages.build(request, reply, agencyCode);
    const answers = draft.detail.answers;
    return this.page(ctx, {
      draft,
      section,
      body: sectionToBody(section, answers[section.key]),
      version: draft.detail.version,
      base: sectionJson(answers, section.key),
      saved: saved === '1',
    });
  }

  @Post(':sectionKey')
  @RequirePermission('application.edit')
  async save(
    @Param('agencyCode') agencyCode: string,
    @Param('organizationId') organizationId: string,
    @Param('applicationId') applicationId: string,
    @Param('sectionKey') sectionKey: string,
    @Body() body: FormBody,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<PageReply> {
    const { draft, section } = await this.load(
      agencyCode,
      organizationId,
      applicationId,
      sectionKey,
    );
    if (!draft.editable) return PageReply.redirect(`${draft.base}/status`);
    const ctx = this.pages.build(request, reply, agencyCode);
    const action = String(body.action ?? 'save');
    const posted = Number(body.version);
    const base = typeof body.base === 'string' ? body.base : '{}';
    const view: SectionView = { draft, section, body, version: posted, base };
    if (action.startsWith('add:')) {
      return this.page(ctx, { ...view, extraItems: { [action.slice(4)]: 1 } });
    }
    const { answers, errors } = readSection(section, body);
    if (errors.length > 0)
      return this.page(ctx, { ...view, errors: answerErrors(ctx, errors) }, 422);

    const current = draft.detail;
    const theirs = sectionJson(current.answers, section.key);
    let version = posted;
    if (posted !== current.version) {
      // Someone saved since this form was shown. Only their change to this very section is a
      // conflict; a change to another part is kept (the answers below start from theirs).
      if (
        theirs !== base &&
        changedQuestions(section, answers, current.answers[section.key]).length > 0
      ) {
        return this.conflict(ctx, draft, section, body, answers);
      }
      version = current.version;
    }
    const all = { ...current.answers, [section.key]: answers };
    if (Object.keys(answers).length === 0) delete all[section.key];
    try {
      await this.applications.update(
        { organizationId },
        applicationId,
        { answers: all },
        {
          kind: 'versions',
          versions: [version],
        },
      );
    } catch (error) {
      if (error instanceof ApplicationStaleError) {
        return this.conflict(ctx, draft, section, body, answers);
      }
      if (error instanceof ApplicationInvalidError) {
        const prefix = `/answers/${section.key}/`;
        const problems =
          (error.extensions.errors as Array<{ pointer: string; detail: string }>) ?? [];
        const fieldErrors = problems.map((p) => ({
          field: p.pointer.startsWith(prefix)
            ? p.pointer.slice(prefix.length).replace(/\//g, '.')
            : 'error-summary',
          message: ctx.t('applications.problem.invalid', { detail: p.detail }),
        }));
        return this.page(ctx, { ...view, errors: fieldErrors }, 422);
      }
      throw error;
    }
    return PageReply.redirect(
      action === 'continue' ? draft.base : `${draft.base}/sections/${section.key}?saved=1`,
    );
  }

  private conflict(
    ctx: PageContext,
    draft: Draft,
    section: FormSection,
    body: FormBody,
    mine: Record<string, unknown>,
  ): PageReply {
    return PageReply.html(
      page({
        ctx,
        title: pageTitle(ctx.t('applications.conflict.title'), draft),
        children: (
          <SectionConflict ctx={ctx} draft={draft} section={section} body={body} mine={mine} />
        ),
      }),
      409,
    );
  }

  private page(ctx: PageContext, view: SectionView, status = 200): PageReply {
    return PageReply.html(
      page({
        ctx,
        title: pageTitle(view.section.title, view.draft),
        hasErrors: !!view.errors,
        children: <SectionPage ctx={ctx} view={view} />,
      }),
      status,
    );
  }
}
