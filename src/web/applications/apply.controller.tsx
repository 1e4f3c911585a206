import { Body, Controller, Get, Param, Req, Res, Post } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RequirePermission, WebPage } from '../../core/access/access.decorators';
import { RequestContext } from '../../core/context/request-context';
import { PageReply } from '../../core/http/page-reply';
import { ApplicationsService } from '../../applications/applications.service';
import {
  DuplicateApplicationError,
  NotEligibleError,
  ProgramNotAcceptingError,
  WindowClosedError,
} from '../../applications/applications.errors';
import {
  OrganizationDirectory,
  OrganizationSummary,
} from '../../organizations/organization-directory';
import { ProgramCatalog, ProgramTerms } from '../../programs/program-catalog';
import { PageContexts } from '../page-contexts';
import { CsrfField, ErrorSummary, errorFor, FieldError, TextField } from '../render/components';
import { page } from '../render/layout';
import type { PageContext } from '../render/page-context';
import { applicationBase } from './draft-pages';

/** Organization roles that may start and edit an application (as the API's application.edit). */
const EDITORS = ['org_admin', 'grant_writer', 'authorized_representative'];

interface ApplyView {
  program: ProgramTerms;
  organizations: OrganizationSummary[];
  chosen?: string;
  projectTitle: string;
  errors?: FieldError[];
}

function ApplyPage({ ctx, view }: { ctx: PageContext; view: ApplyView }) {
  const error = errorFor(view.errors, 'organizationId');
  const agency = ctx.agency!.code;
  return (
    <div class="grid-row">
      <div class="tablet:grid-col-8">
        <ErrorSummary ctx={ctx} errors={view.errors} />
        <h1>{ctx.t('applications.apply.title', { program: view.program.title })}</h1>
        <p class="usa-intro">{ctx.t('applications.apply.lead')}</p>
        {view.organizations.length === 0 ? (
          <>
            <p>{ctx.t('applications.apply.noOrganizations')}</p>
            <a class="usa-button" href={`/${agency}/organizations/new`}>
              {ctx.t('applications.apply.registerOrganization')}
            </a>
          </>
        ) : (
          <form class="usa-form usa-form--large" method="post" novalidate>
            <CsrfField ctx={ctx} />
            <div class={`usa-form-group${error ? ' usa-form-group--error' : ''}`}>
              <fieldset
                class="usa-fieldset"
                aria-describedby={error ? 'organizationId-error' : undefined}
              >
                <legend class="usa-legend">{ctx.t('applications.apply.organization')}</legend>
                {error && (
                  <span class="usa-error-message" id="organizationId-error">
                    {error}
                  </span>
                )}
                {view.organizations.map((o, i) => (
                  <div class="usa-radio" key={o.id}>
                    <input
                      class="usa-radio__input usa-radio__input--tile"
                      id={i === 0 ? 'organizationId' : `organizationId-${i}`}
                      type="radio"
                      name="organizationId"
                      value={o.id}
                      checked={view.chosen === o.id || view.organizations.length === 1}
                    />
                    <label
                      class="usa-radio__label"
                      for={i === 0 ? 'organizationId' : `organizationId-${i}`}
                    >
                      {o.legalName}
                    </label>
                  </div>
                ))}
              </fieldset>
            </div>
            <TextField
              name="projectTitle"
              label={ctx.t('applications.optional', {
                label: ctx.t('applications.apply.projectTitle'),
              })}
              hint={ctx.t('applications.apply.projectTitleHint')}
              value={view.projectTitle}
              error={errorFor(view.errors, 'projectTitle')}
            />
            <button class="usa-button" type="submit">
              {ctx.t('applications.apply.start')}
            </button>
          </form>
        )}
      </div>
    </div>
  );
}

/**
 * Starting an application from a program: the person picks which of their organizations (in
 * this agency, approved) applies; an organization that already has one is sent to it.
 */
@WebPage()
@Controller(':agencyCode/programs/:programId/apply')
export class ApplyPages {
  constructor(
    private readonly pages: PageContexts,
    private readonly context: RequestContext,
    private readonly applications: ApplicationsService,
    private readonly catalog: ProgramCatalog,
    private readonly organizations: OrganizationDirectory,
  ) {}

  /** Organizations where the signed-in person holds a role that may edit applications. */
  private async mine(): Promise<OrganizationSummary[]> {
    const roles = this.context.access?.organizationRoles ?? {};
    const ids = Object.entries(roles)
      .filter(([, held]) => held.some((r) => EDITORS.includes(r)))
      .map(([id]) => id);
    const found = await Promise.all(ids.map((id) => this.organizations.get(id)));
    return found
      .filter((o) => o.status === 'active')
      .sort((a, b) => a.legalName.localeCompare(b.legalName));
  }

  @Get()
  @RequirePermission('self.read')
  async form(
    @Param('agencyCode') agencyCode: string,
    @Param('programId') programId: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<PageReply> {
    const ctx = this.pages.build(request, reply, agencyCode);
    const program = await this.catalog
      .getPublished(programId)
      .then(() => this.catalog.terms(programId));
    return this.page(ctx, { program, organizations: await this.mine(), projectTitle: '' });
  }

  @Post()
  @RequirePermission('self.read')
  async start(
    @Param('agencyCode') agencyCode: string,
    @Param('programId') programId: string,
    @Body() body: Record<string, string>,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<PageReply> {
    const ctx = this.pages.build(request, reply, agencyCode);
    const program = await this.catalog
      .getPublished(programId)
      .then(() => this.catalog.terms(programId));
    const organizations = await this.mine();
    const chosen = organizations.find((o) => o.id === body.organizationId);
    const projectTitle = (body.projectTitle ?? '').trim().slice(0, 300);
    const view: ApplyView = { program, organizations, chosen: chosen?.id, projectTitle };
    if (!chosen) {
      const errors = [
        { field: 'organizationId', message: ctx.t('applications.apply.organizationRequired') },
      ];
      return this.page(ctx, { ...view, errors }, 422);
    }
    try {
      const detail = await this.applications.start(chosen.id, {
        programId,
        projectTitle: projectTitle || undefined,
      });
      return PageReply.redirect(applicationBase(agencyCode, chosen.id, detail.id));
    } catch (error) {
      if (error instanceof DuplicateApplicationError) {
        const id = String(error.extensions.applicationId);
        return PageReply.redirect(applicationBase(agencyCode, chosen.id, id));
      }
      const key =
        error instanceof NotEligibleError
          ? 'applications.apply.notEligible'
          : error instanceof ProgramNotAcceptingError || error instanceof WindowClosedError
            ? 'applications.apply.notAccepting'
            : undefined;
      if (!key) throw error;
      return this.page(
        ctx,
        { ...view, errors: [{ field: 'organizationId', message: ctx.t(key) }] },
        422,
      );
    }
  }

  private page(ctx: PageContext, view: ApplyView, status = 200): PageReply {
    return PageReply.html(
      page({
        ctx,
        title: `${ctx.t('applications.apply.title', { program: view.program.title })}`,
        hasErrors: !!view.errors,
        children: <ApplyPage ctx={ctx} view={view} />,
      }),
      status,
    );
  }
}
