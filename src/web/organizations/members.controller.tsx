import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RequirePermission, WebPage } from '../../core/access/access.decorators';
import { RequestContext } from '../../core/context/request-context';
import { SendsEmail } from '../../core/http/rate-limits';
import { PageReply } from '../../core/http/page-reply';
import type { OrganizationMemberView as OrganizationMember } from '../../organizations/organization-members.service';
import { AlreadyOrganizationMemberError } from '../../identity/memberships/organization-memberships.service';
import { ORGANIZATION_ROLES } from '../../identity/permissions';
import { InviteMemberDto } from '../../organizations/dto/organization.dto';
import {
  LastOrganizationAdminError,
  OrganizationMemberNotFoundError,
  OrganizationMembersService,
} from '../../organizations/organization-members.service';
import type { OrganizationView } from '../../organizations/organization.view';
import { OrganizationNotActiveError } from '../../organizations/organizations.errors';
import { OrganizationsService } from '../../organizations/organizations.service';
import { PageContexts } from '../page-contexts';
import type { FieldError } from '../render/components';
import { page } from '../render/layout';
import type { PageContext } from '../render/page-context';
import { textOf, valuesOf } from './form-controls';
import { InviteForm, MemberPage, MembersPage, MembersView } from './members.pages';

/** What the pages say after a change: kept in the URL (POST-redirect-GET), shown by member. */
type Done = 'invited' | 'saved' | 'removed';

/**
 * Members and roles of an organization, for its administrators: the same permission
 * (organization.members.manage, org_admin of this organization) and the same service and rules
 * as the API's member routes (invitations only once approved, at least one admin stays).
 */
@WebPage()
@Controller(':agencyCode/organizations/:organizationId/members')
export class MembersController {
  constructor(
    private readonly pages: PageContexts,
    private readonly organizations: OrganizationsService,
    private readonly members: OrganizationMembersService,
    private readonly context: RequestContext,
  ) {}

  @Get()
  @RequirePermission('organization.members.manage')
  async list(
    @Param('agencyCode') agencyCode: string,
    @Param('organizationId') organizationId: string,
    @Query() query: Record<string, string>,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<PageReply> {
    const ctx = this.pages.build(request, reply, agencyCode);
    const view = await this.view(organizationId, query);
    return this.listPage(ctx, view, { name: '', email: '', roles: [] });
  }

  @Post()
  @SendsEmail()
  @RequirePermission('organization.members.manage')
  async invite(
    @Param('agencyCode') agencyCode: string,
    @Param('organizationId') organizationId: string,
    @Body() body: Record<string, unknown>,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<PageReply> {
    const ctx = this.pages.build(request, reply, agencyCode);
    const form: InviteForm = {
      name: textOf(body.name),
      email: textOf(body.email),
      roles: valuesOf(body.roles),
    };
    const problems = await validate(plainToInstance(InviteMemberDto, form));
    const failed = new Set(problems.map((p) => p.property));
    if (form.roles.length === 0) failed.add('roles');
    const errors: FieldError[] = (['name', 'email', 'roles'] as const)
      .filter((field) => failed.has(field))
      .map((field) => ({ field, message: ctx.t(`organizations.members.errors.${field}`) }));
    if (errors.length === 0) {
      try {
        await this.members.invite(organizationId, form);
        const done = new URLSearchParams({ done: 'invited', email: form.email.toLowerCase() });
        return PageReply.redirect(`${this.base(agencyCode, organizationId)}?${done}`);
      } catch (error) {
        if (error instanceof AlreadyOrganizationMemberError)
          errors.push({
            field: 'email',
            message: ctx.t('organizations.members.errors.alreadyMember'),
          });
        else if (error instanceof OrganizationNotActiveError)
          errors.push({ field: 'email', message: ctx.t('organizations.members.errors.notActive') });
        else throw error;
      }
    }
    const view = await this.view(organizationId, {});
    return this.listPage(ctx, view, form, errors, 422);
  }

  @Get(':userId')
  @RequirePermission('organization.members.manage')
  async member(
    @Param('agencyCode') agencyCode: string,
    @Param('organizationId') organizationId: string,
    @Param('userId') userId: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<PageReply> {
    const ctx = this.pages.build(request, reply, agencyCode);
    const { organization, member } = await this.member$(organizationId, userId);
    return this.memberPage(ctx, organization, member, member.roles);
  }

  @Post(':userId')
  @RequirePermission('organization.members.manage')
  async setRoles(
    @Param('agencyCode') agencyCode: string,
    @Param('organizationId') organizationId: string,
    @Param('userId') userId: string,
    @Body() body: Record<string, unknown>,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<PageReply> {
    const ctx = this.pages.build(request, reply, agencyCode);
    const { organization, member } = await this.member$(organizationId, userId);
    const roles = valuesOf(body.roles);
    const known = roles.every((r) => (ORGANIZATION_ROLES as readonly string[]).includes(r));
    let message: string | undefined;
    if (roles.length === 0 || !known) message = ctx.t('organizations.members.errors.roles');
    else {
      try {
        await this.members.setRoles(organizationId, userId, roles);
        return this.done(agencyCode, organizationId, 'saved', member.email);
      } catch (error) {
        if (!(error instanceof LastOrganizationAdminError)) throw error;
        message = ctx.t('organizations.members.errors.lastAdmin');
      }
    }
    return this.memberPage(ctx, organization, member, roles, [{ field: 'roles', message }], 422);
  }

  @Post(':userId/remove')
  @RequirePermission('organization.members.manage')
  async remove(
    @Param('agencyCode') agencyCode: string,
    @Param('organizationId') organizationId: string,
    @Param('userId') userId: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<PageReply> {
    const ctx = this.pages.build(request, reply, agencyCode);
    const { organization, member } = await this.member$(organizationId, userId);
    try {
      await this.members.remove(organizationId, userId);
    } catch (error) {
      if (!(error instanceof LastOrganizationAdminError)) throw error;
      const message = ctx.t('organizations.members.errors.lastAdmin');
      return this.memberPage(
        ctx,
        organization,
        member,
        member.roles,
        [{ field: 'remove', message }],
        409,
      );
    }
    // Whoever removed themselves has no page here any more: back to the portal.
    if (userId === this.context.requireUser().userId) return PageReply.redirect(`/${agencyCode}`);
    return this.done(agencyCode, organizationId, 'removed', member.email);
  }

  private base(agencyCode: string, organizationId: string): string {
    return `/${agencyCode}/organizations/${organizationId}/members`;
  }

  private done(agencyCode: string, organizationId: string, done: Done, email: string) {
    const query = new URLSearchParams({ done, email });
    return PageReply.redirect(`${this.base(agencyCode, organizationId)}?${query}`);
  }

  private async view(organizationId: string, query: Record<string, string>): Promise<MembersView> {
    const organization = await this.organizations.get(organizationId);
    const { items } = await this.members.list(organizationId);
    // The notice names a member only when the URL's email is one (a link cannot plant text).
    const named = items.find((m) => m.email === query.email);
    const done = ['invited', 'saved', 'removed'].includes(query.done)
      ? (query.done as Done)
      : undefined;
    return {
      organization,
      members: items.filter((m) => m.status !== 'deactivated'),
      notice: done && named ? { done, email: named.email } : undefined,
    };
  }

  /** The organization and one of its current members (a removed one is not found). */
  private async member$(organizationId: string, userId: string) {
    const organization = await this.organizations.get(organizationId);
    const { items } = await this.members.list(organizationId);
    const member = items.find((m) => m.id === userId && m.status !== 'deactivated');
    if (!member) throw new OrganizationMemberNotFoundError();
    return { organization, member };
  }

  private listPage(
    ctx: PageContext,
    view: MembersView,
    form: InviteForm,
    errors?: FieldError[],
    status = 200,
  ): PageReply {
    return PageReply.html(
      page({
        ctx,
        title: `${ctx.t('organizations.members.title')} – ${view.organization.legalName}`,
        hasErrors: !!errors?.length,
        children: <MembersPage ctx={ctx} view={view} form={form} errors={errors} />,
      }),
      status,
    );
  }

  private memberPage(
    ctx: PageContext,
    organization: OrganizationView,
    member: OrganizationMember,
    roles: string[],
    errors?: FieldError[],
    status = 200,
  ): PageReply {
    return PageReply.html(
      page({
        ctx,
        title: `${member.email} – ${organization.legalName}`,
        hasErrors: !!errors?.length,
        children: (
          <MemberPage
            ctx={ctx}
            organization={organization}
            member={member}
            roles={roles}
            errors={errors}
          />
        ),
      }),
      status,
    );
  }
}
