import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import type { ComponentChildren } from 'preact';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RequirePermission, WebPage } from '../../core/access/access.decorators';
import { RequestContext } from '../../core/context/request-context';
import { PageReply } from '../../core/http/page-reply';
import type { OrganizationView } from '../../organizations/organization.view';
import { OrganizationsService } from '../../organizations/organizations.service';
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
}

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
          heading={t('applications')}
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
    };
    return PageReply.html(
      page({
        ctx,
        title: organization.legalName,
        children: <OverviewPage ctx={ctx} view={view} />,
      }),
    );
  }
}
