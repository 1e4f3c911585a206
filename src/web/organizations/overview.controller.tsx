import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import type { ComponentChildren } from 'preact';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RequirePermission, WebPage } from '../../core/access/access.decorators';
import { ApplicationsService } from '../../applications/applications.service';
import { RequestContext } from '../../core/context/request-context';
import { PageReply } from '../../core/http/page-reply';
import type { OrganizationView } from '../../organizations/organization.view';
import { OrganizationsService } from '../../organizations/organizations.service';
import { ProgramCatalog } from '../../programs/program-catalog';
import { ApplicationStatus } from '../awards/award-parts';
import type { MessageKey } from '../i18n/i18n';
import { PageContexts } from '../page-contexts';
import { Alert, StatusTag } from '../render/components';
import { page } from '../render/layout';
import type { PageContext } from '../render/page-context';
import { rolesFor } from './organization-access';

interface OverviewView {
  organization: OrganizationView;
  roles: string[];
  staff: boolean;
  mayManageMembers: boolean;
  mayReadPayee: boolean;
  justRegistered: boolean;
  /** The organization's applications, newest first; absent when the reader may not see them. */
  applications?: OrganizationApplication[];
  /** More applications than the list shows. */
  moreApplications: boolean;
}

interface OrganizationApplication {
  id: string;
  programTitle: string;
  projectTitle: string | null;
  status: string;
  amountRequested: string | null;
  updatedAt: string;
}

/** How many applications the overview lists (newest first); the home page has them all. */
const APPLICATIONS_SHOWN = 20;
const EDITABLE = new Set(['draft', 'returned']);

export function statusTag(ctx: PageContext, status: OrganizationView['status']) {
  const tone = status === 'active' ? 'good' : status === 'pending' ? 'neutral' : 'bad';
  return <StatusTag label={ctx.t(`organizations.statuses.${status}`)} tone={tone} />;
}

function StatusAlert({ ctx, o }: { ctx: PageContext; o: OrganizationView }) {
  const agency = ctx.agency!.displayName;
  if (o.status === 'pending')
    return (
      <Alert kind="info" heading={ctx.t('organizations.overview.pendingHeading', { agency })}>
        {ctx.t('organizations.overview.pendingText')}
      </Alert>
    );
  if (o.status === 'rejected')
    return (
      <Alert kind="error" heading={ctx.t('organizations.overview.rejectedHeading')}>
        {o.decisionReason
          ? ctx.t('organizations.overview.rejectedText', { agency, reason: o.decisionReason })
          : ctx.t('organizations.overview.rejectedNoReason', { agency })}
      </Alert>
    );
  if (o.status === 'inactive')
    return (
      <Alert kind="warning" heading={ctx.t('organizations.overview.inactiveHeading')}>
        {ctx.t('organizations.overview.inactiveText', { agency })}
      </Alert>
    );
  return null;
}

export function Fact({ term, children }: { term: string; children: ComponentChildren }) {
  return (
    <div class="grid-row grid-gap padding-y-1 border-bottom border-base-lighter">
      <dt class="tablet:grid-col-4 text-bold">{term}</dt>
      <dd class="tablet:grid-col-8 margin-left-0">{children}</dd>
    </div>
  );
}

function Card({ heading, text, href }: { heading: string; text: string; href: string }) {
  return (
    <li class="usa-card tablet:grid-col-6">
      <div class="usa-card__container">
        <div class="usa-card__header">
          <h3 class="usa-card__heading">
            <a class="usa-link" href={href}>
              {heading}
            </a>
          </h3>
        </div>
        <div class="usa-card__body">
          <p>{text}</p>
        </div>
      </div>
    </li>
  );
}

/** The organization's applications: each linked to its task list (drafts) or its status. */
function ApplicationsList({
  ctx,
  view,
  applications,
  base,
}: {
  ctx: PageContext;
  view: OverviewView;
  applications: OrganizationApplication[];
  base: string;
}) {
  const t = (key: string) => ctx.t(`organizations.overview.${key}` as MessageKey);
  return (
    <>
      <h2 id="applications-heading">{t('applications')}</h2>
      {applications.length === 0 ? (
        <p>{t('noApplications')}</p>
      ) : (
        <div
          class="usa-table-container--scrollable"
          role="region"
          tabIndex={0}
          aria-labelledby="applications-heading"
        >
          <table class="usa-table usa-table--borderless width-full">
            <caption class="usa-sr-only">
              {ctx.t('organizations.overview.applicationsCaption', {
                organization: view.organization.legalName,
              })}
            </caption>
            <thead>
              <tr>
                <th scope="col">{t('project')}</th>
                <th scope="col">{t('program')}</th>
                <th scope="col">{t('status')}</th>
                <th scope="col" class="gc-money">
                  {t('amountRequested')}
                </th>
                <th scope="col">{t('updated')}</th>
              </tr>
            </thead>
            <tbody>
              {applications.map((a) => {
                const href = `${base}/applications/${a.id}${EDITABLE.has(a.status) ? '' : '/status'}`;
                return (
                  <tr key={a.id}>
                    <th scope="row">
                      <a class="usa-link" href={href}>
                        {a.projectTitle ?? t('untitled')}
                      </a>
                    </th>
                    <td>{a.programTitle}</td>
                    <td>
                      <ApplicationStatus ctx={ctx} status={a.status} />
                    </td>
                    <td class="gc-money">
                      {a.amountRequested ? ctx.formats.money(a.amountRequested) : ''}
                    </td>
                    <td>{ctx.formats.dateTime(new Date(a.updatedAt))}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {view.moreApplications && (
        <p>
          <a class="usa-link" href="/home">
            {t('allApplications')}
          </a>
        </p>
      )}
    </>
  );
}

function OverviewPage({ ctx, view }: { ctx: PageContext; view: OverviewView }) {
  const o = view.organization;
  const agency = ctx.agency!.displayName;
  const base = `/${ctx.agency!.code}/organizations/${o.id}`;
  const t = (key: string) => ctx.t(`organizations.overview.${key}` as MessageKey);
  const address = [o.address?.line1, o.address?.line2, o.address?.city, o.address?.state]
    .filter(Boolean)
    .join(', ');
  return (
    <>
      {view.justRegistered && <Alert kind="success">{t('registeredNotice')}</Alert>}
      <div class="usa-prose">
        <h1>{o.legalName}</h1>
        <p>
          {statusTag(ctx, o.status)} {ctx.t(`organizations.types.${o.type}`)}
        </p>
      </div>
      <StatusAlert ctx={ctx} o={o} />
      <h2>{t('details')}</h2>
      <dl>
        <Fact term={t('yourRoles')}>
          {view.roles.length > 0
            ? view.roles.map((r) => ctx.t(`organizations.roles.${r}` as MessageKey)).join(', ')
            : t('viewingAsStaff')}
        </Fact>
        {(['stateDistrictCode', 'ncesLeaId', 'uei'] as const).map((field) => (
          <Fact key={field} term={ctx.t(`organizations.identifiers.${field}`)}>
            {o[field] ?? t('notGiven')}
          </Fact>
        ))}
        <Fact term={t('address')}>
          {address ? `${address} ${o.address?.postalCode ?? ''}`.trim() : t('notGiven')}
        </Fact>
      </dl>
      {view.applications && (
        <ApplicationsList ctx={ctx} view={view} applications={view.applications} base={base} />
      )}
      <h2>{t('whatNext')}</h2>
      <ul class="usa-card-group">
        {view.mayManageMembers && (
          <Card heading={t('members')} text={t('membersText')} href={`${base}/members`} />
        )}
        {view.mayReadPayee && (
          <Card
            heading={t('payee')}
            text={ctx.t('organizations.overview.payeeText', { agency })}
            href={`${base}/payee`}
          />
        )}
        <Card heading={t('documents')} text={t('documentsText')} href={`${base}/documents`} />
        <Card
          heading={t('findFunding')}
          text={t('applicationsText')}
          href={`/${ctx.agency!.code}/programs`}
        />
      </ul>
    </>
  );
}

/** An organization's overview: its status (pending clearly), the reader's role, where to go. */
@WebPage()
@Controller(':agencyCode/organizations/:organizationId')
export class OverviewController {
  constructor(
    private readonly pages: PageContexts,
    private readonly organizations: OrganizationsService,
    private readonly context: RequestContext,
    private readonly applications: ApplicationsService,
    private readonly programs: ProgramCatalog,
  ) {}

  @Get()
  @RequirePermission('organization.read')
  async show(
    @Param('agencyCode') agencyCode: string,
    @Param('organizationId') organizationId: string,
    @Query('registered') registered: string | undefined,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<PageReply> {
    const ctx = this.pages.build(request, reply, agencyCode);
    const organization = await this.organizations.get(organizationId);
    const roles = rolesFor(this.context, organizationId);
    const view: OverviewView = {
      organization,
      roles: roles.organization,
      staff: roles.agency.length > 0,
      mayManageMembers: roles.may('organization.members.manage'),
      mayReadPayee: roles.may('payment.read'),
      justRegistered: registered === '1',
      moreApplications: false,
    };
    if (roles.may('application.read')) {
      const listed = await this.applications.listForOrganization(organizationId, {
        limit: String(APPLICATIONS_SHOWN),
      });
      const titles = new Map<string, string>();
      for (const programId of new Set(listed.items.map((a) => a.programId))) {
        titles.set(programId, (await this.programs.terms(programId)).title);
      }
      view.applications = listed.items.map((a) => ({
        id: a.id,
        programTitle: titles.get(a.programId) ?? '',
        projectTitle: a.projectTitle,
        status: a.status,
        amountRequested: a.amountRequested,
        updatedAt: a.updatedAt,
      }));
      view.moreApplications = !!listed.nextCursor;
    }
    return PageReply.html(
      page({
        ctx,
        title: organization.legalName,
        children: <OverviewPage ctx={ctx} view={view} />,
      }),
    );
  }
}
