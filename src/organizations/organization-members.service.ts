import { Injectable } from '@nestjs/common';
import { DomainError } from '../core/errors/domain-error';
import {
  OrganizationMember,
  OrganizationMemberships,
} from '../identity/memberships/organization-memberships.service';
import { UserAccounts } from '../identity/memberships/user-accounts.service';
import { OrganizationNotActiveError } from './organizations.errors';
import { OrganizationsService } from './organizations.service';

export class LastOrganizationAdminError extends DomainError {
  constructor() {
    super(
      'organization.last_admin',
      409,
      'An organization must keep at least one active org admin.',
    );
  }
}

export class OrganizationMemberNotFoundError extends DomainError {
  constructor() {
    super('organization.member_not_found', 404, 'The member was not found.');
  }
}

/**
 * Org admins manage who works on their organization's applications. Accounts and membership
 * rows belong to the identity module; this goes through its public services only.
 */
@Injectable()
export class OrganizationMembersService {
  constructor(
    private readonly organizations: OrganizationsService,
    private readonly memberships: OrganizationMemberships,
    private readonly accounts: UserAccounts,
  ) {}

  async list(organizationId: string) {
    await this.organizations.find(organizationId);
    return { items: (await this.memberships.members(organizationId)).map(memberView) };
  }

  /**
   * Invites a person: a pending membership they accept (or decline) at /me/invitations, creating
   * their account (with an invitation to set a password) when the email is new. The answer is
   * built from the request alone: the same whether or not the email had an account, no name,
   * no user id. Only an organization the agency approved invites: a pending registration is not
   * vetted yet (its invitations would send the agency's email for anyone), a deactivated or
   * rejected one is done.
   */
  async invite(organizationId: string, input: { email: string; name: string; roles: string[] }) {
    const organization = await this.organizations.find(organizationId, true);
    if (organization.status !== 'active') throw new OrganizationNotActiveError(organization.status);
    const { user, invitation } = await this.accounts.ensure(
      { email: input.email, name: input.name },
      { organizationName: organization.legalName, organizationId },
    );
    await this.memberships.invite(organizationId, user.id, input.roles);
    // An account that can sign in learns of it here; a new one from its password invitation.
    if (!invitation) await this.accounts.tellInvited(user.id, organization.legalName);
    return {
      email: user.email,
      roles: [...new Set(input.roles)],
      status: 'pending' as const,
      invitationPending: true,
    };
  }

  async setRoles(organizationId: string, userId: string, roles: string[]) {
    await this.organizations.find(organizationId, true);
    const members = await this.memberships.members(organizationId);
    const member = members.find((m) => m.userId === userId);
    if (!member) throw new OrganizationMemberNotFoundError();
    if (!roles.includes('org_admin')) this.assertAnotherAdmin(members, userId);
    await this.memberships.setRoles(organizationId, userId, roles);
    const updated = (await this.memberships.members(organizationId)).find(
      (m) => m.userId === userId,
    );
    return updated && memberView(updated);
  }

  async remove(organizationId: string, userId: string): Promise<void> {
    await this.organizations.find(organizationId, true);
    const members = await this.memberships.members(organizationId);
    if (!members.some((m) => m.userId === userId && m.status !== 'deactivated'))
      throw new OrganizationMemberNotFoundError();
    this.assertAnotherAdmin(members, userId);
    await this.memberships.deactivate(organizationId, userId);
  }

  private assertAnotherAdmin(
    members: Array<{ userId: string; roles: string[]; status: string }>,
    leaving: string,
  ): void {
    const admins = members.filter((m) => m.status === 'active' && m.roles.includes('org_admin'));
    if (admins.length === 1 && admins[0].userId === leaving) throw new LastOrganizationAdminError();
  }
}

/** A member as the API shows it: the member's own id is `id` (the user's, as in the path). */
function memberView({ userId, ...rest }: OrganizationMember) {
  return { id: userId, ...rest };
}
export type OrganizationMemberView = ReturnType<typeof memberView>;
