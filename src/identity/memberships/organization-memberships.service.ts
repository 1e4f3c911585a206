import { Injectable } from '@nestjs/common';
import { AuditLog } from '../../core/audit/audit-log';
import { RequestContext } from '../../core/context/request-context';
import { TenantDb } from '../../core/context/tenant-db';
import { ConflictError, ValidationFailedError } from '../../core/errors/domain-error';
import { ORGANIZATION_ROLES } from '../permissions';
import { computedColumns, entitySql, sql } from '../../core/database/sql-statement';
import { OrganizationMembership } from '../entities/organization-membership.entity';
import { User } from '../entities/user.entity';

export type OrganizationMember = ReturnType<typeof MEMBERS.shape>[number];

const MEMBERS = entitySql(
  'identity.organization-members',
  OrganizationMembership,
  'om',
  `SELECT {columns}, u.email, CASE WHEN om.status = 'pending' THEN NULL ELSE u.name END AS name
     FROM organization_memberships om JOIN users u ON u.id = om.user_id
    WHERE om.agency_id = $1 AND om.organization_id = $2
    ORDER BY u.email`,
  {
    pick: ['userId', 'roles', 'status'],
    /** `name` is null while pending: an invitation does not reveal the account's name. */
    computed: computedColumns<Pick<User, 'email'> & { name: User['name'] | null }>(),
  },
);

const SET_ROLES = sql(
  'identity.organization-membership-set-roles',
  `UPDATE organization_memberships SET roles = $4, updated_at = now()
    WHERE agency_id = $1 AND organization_id = $2 AND user_id = $3`,
);

const WRITE = sql(
  'identity.organization-membership-write',
  `INSERT INTO organization_memberships
     (agency_id, organization_id, user_id, roles, status, invited_by_user_id)
   VALUES ($1, $2, $3, $4, $5, $6)
   ON CONFLICT (agency_id, organization_id, user_id)
   DO UPDATE SET roles = EXCLUDED.roles, status = EXCLUDED.status,
                 invited_by_user_id = EXCLUDED.invited_by_user_id, updated_at = now()`,
);

const DEACTIVATE = sql(
  'identity.organization-membership-deactivate',
  `UPDATE organization_memberships SET status = 'deactivated', updated_at = now()
    WHERE agency_id = $1 AND organization_id = $2 AND user_id = $3
      AND status IN ('active', 'pending')`,
);

const ORGANIZATIONS_OF = entitySql(
  'identity.organization-memberships-of-user',
  OrganizationMembership,
  'om',
  `SELECT {columns} FROM organization_memberships om
    WHERE om.agency_id = $1 AND om.user_id = $2 AND om.status = 'active'`,
  { pick: ['organizationId', 'roles'] },
);

const LOCK = entitySql(
  'identity.organization-membership-lock',
  OrganizationMembership,
  'om',
  `SELECT {columns} FROM organization_memberships om
    WHERE om.agency_id = $1 AND om.organization_id = $2 AND om.user_id = $3 FOR UPDATE`,
  { pick: ['roles', 'status'] },
);

export class AlreadyOrganizationMemberError extends ConflictError {
  constructor() {
    super(
      'organization.already_member',
      'This person is already an active member of the organization.',
    );
  }
}

function checkRoles(roles: string[]): string[] {
  const next = [...new Set(roles)];
  const unknown = next.filter((r) => !(ORGANIZATION_ROLES as readonly string[]).includes(r));
  if (next.length === 0 || unknown.length > 0) {
    throw new ValidationFailedError([
      { pointer: '/roles', detail: `must be one or more of ${ORGANIZATION_ROLES.join(', ')}` },
    ]);
  }
  return next;
}

/**
 * The identity module's public surface for applicant organizations: who holds which
 * organization roles. Used by the organizations module (org admins managing members, staff
 * registering an organization); runs in the current agency's transaction, audited there.
 */
@Injectable()
export class OrganizationMemberships {
  constructor(
    private readonly db: TenantDb,
    private readonly audit: AuditLog,
    private readonly context: RequestContext,
  ) {}

  /**
   * The acting user takes these roles in the organization at once: only for themselves (the
   * registrant of a new organization). Anyone else is invited (pending until they accept).
   */
  async grant(organizationId: string, userId: string, roles: string[]): Promise<void> {
    await this.write(organizationId, userId, roles, 'active');
  }

  /**
   * Adds someone else with these roles as a *pending* membership: it grants nothing until they
   * accept (consent before membership). An active member is refused: nothing changes.
   */
  async invite(organizationId: string, userId: string, roles: string[]): Promise<void> {
    await this.write(organizationId, userId, roles, 'pending');
  }

  /** Replaces the roles of an existing membership; its status stays as it is. */
  async setRoles(organizationId: string, userId: string, roles: string[]): Promise<void> {
    const next = checkRoles(roles);
    const before = await this.find(organizationId, userId);
    if (!before) return;
    await this.db.rows(SET_ROLES, [this.db.agencyId, organizationId, userId, next]);
    await this.audit.record({
      action: 'organization_member.roles_changed',
      entityType: 'organization_membership',
      entityId: `${organizationId}/${userId}`,
      before: { roles: before.roles },
      after: { roles: next, status: before.status },
    });
  }

  private async write(
    organizationId: string,
    userId: string,
    roles: string[],
    status: 'active' | 'pending',
  ): Promise<void> {
    const next = checkRoles(roles);
    const before = await this.find(organizationId, userId);
    const invitedBy = status === 'pending' ? (this.context.actor?.userId ?? null) : null;
    // Inviting a pending person again re-sends the invitation (with these roles).
    if (status === 'pending' && before?.status === 'active') {
      throw new AlreadyOrganizationMemberError();
    }
    await this.db.rows(WRITE, [this.db.agencyId, organizationId, userId, next, status, invitedBy]);
    await this.audit.record({
      action:
        status === 'pending' ? 'organization_member.invited' : 'organization_member.roles_granted',
      entityType: 'organization_membership',
      entityId: `${organizationId}/${userId}`,
      before: before ? { roles: before.roles, status: before.status } : undefined,
      after: { roles: next, status, invitedBy },
    });
  }

  /** Returns false when there was no active (or pending) membership to deactivate. */
  async deactivate(organizationId: string, userId: string): Promise<boolean> {
    const { count } = await this.db.run(DEACTIVATE, [this.db.agencyId, organizationId, userId]);
    if (count === 0) return false;
    await this.audit.record({
      action: 'organization_member.deactivated',
      entityType: 'organization_membership',
      entityId: `${organizationId}/${userId}`,
      after: { status: 'deactivated' },
    });
    return true;
  }

  async members(organizationId: string): Promise<OrganizationMember[]> {
    return this.db.rows(MEMBERS, [this.db.agencyId, organizationId]);
  }

  /** Active organization memberships of a user in this agency (e.g. to exclude reviewers). */
  async organizationsOf(
    userId: string,
  ): Promise<Array<{ organizationId: string; roles: string[] }>> {
    return this.db.rows(ORGANIZATIONS_OF, [this.db.agencyId, userId]);
  }

  private async find(
    organizationId: string,
    userId: string,
  ): Promise<{ roles: string[]; status: string } | undefined> {
    const rows = await this.db.rows(LOCK, [this.db.agencyId, organizationId, userId]);
    return rows[0];
  }
}
