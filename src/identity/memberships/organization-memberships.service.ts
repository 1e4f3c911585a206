import { Injectable } from '@nestjs/common';
import { AuditLog } from '../../core/audit/audit-log';
import { RequestContext } from '../../core/context/request-context';
import { TenantDb } from '../../core/context/tenant-db';
import { ConflictError, ValidationFailedError } from '../../core/errors/domain-error';
import { ORGANIZATION_ROLES } from '../permissions';

export interface OrganizationMember {
  userId: string;
  email: string;
  /** Null while pending: an invitation does not reveal the account's name. */
  name: string | null;
  roles: string[];
  status: 'pending' | 'active' | 'deactivated';
}

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
    await this.db.manager.query(
      `UPDATE organization_memberships SET roles = $4, updated_at = now()
        WHERE agency_id = $1 AND organization_id = $2 AND user_id = $3`,
      [this.db.agencyId, organizationId, userId, next],
    );
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
    await this.db.manager.query(
      `INSERT INTO organization_memberships
         (agency_id, organization_id, user_id, roles, status, invited_by_user_id)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (agency_id, organization_id, user_id)
       DO UPDATE SET roles = EXCLUDED.roles, status = EXCLUDED.status,
                     invited_by_user_id = EXCLUDED.invited_by_user_id, updated_at = now()`,
      [this.db.agencyId, organizationId, userId, next, status, invitedBy],
    );
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
    const [, count] = await this.db.manager.query<[unknown, number]>(
      `UPDATE organization_memberships SET status = 'deactivated', updated_at = now()
        WHERE agency_id = $1 AND organization_id = $2 AND user_id = $3
          AND status IN ('active', 'pending')`,
      [this.db.agencyId, organizationId, userId],
    );
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
    return this.db.manager.query(
      `SELECT om.user_id AS "userId", u.email,
              CASE WHEN om.status = 'pending' THEN NULL ELSE u.name END AS name,
              om.roles, om.status
         FROM organization_memberships om JOIN users u ON u.id = om.user_id
        WHERE om.agency_id = $1 AND om.organization_id = $2
        ORDER BY u.email`,
      [this.db.agencyId, organizationId],
    );
  }

  /** Active organization memberships of a user in this agency (e.g. to exclude reviewers). */
  async organizationsOf(
    userId: string,
  ): Promise<Array<{ organizationId: string; roles: string[] }>> {
    return this.db.manager.query(
      `SELECT organization_id AS "organizationId", roles FROM organization_memberships
        WHERE agency_id = $1 AND user_id = $2 AND status = 'active'`,
      [this.db.agencyId, userId],
    );
  }

  private async find(
    organizationId: string,
    userId: string,
  ): Promise<{ roles: string[]; status: string } | undefined> {
    const rows: Array<{ roles: string[]; status: string }> = await this.db.manager.query(
      `SELECT roles, status FROM organization_memberships
        WHERE agency_id = $1 AND organization_id = $2 AND user_id = $3 FOR UPDATE`,
      [this.db.agencyId, organizationId, userId],
    );
    return rows[0];
  }
}
