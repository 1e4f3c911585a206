import { Injectable } from '@nestjs/common';
import { AgencyDirectory } from '../../agencies/agency-directory';
import { AuditLog } from '../../core/audit/audit-log';
import { TenantDb } from '../../core/context/tenant-db';
import { computedColumns, entitySql, sql } from '../../core/database/sql-statement';
import { AgencyMembership } from '../entities/agency-membership.entity';
import { AgencyRoleGrant } from '../entities/agency-role-grant.entity';
import { User } from '../entities/user.entity';
import { NotificationService } from '../../notifications/notification.service';
import {
  RoleGrantDecidedError,
  RoleGrantNotFoundError,
  RoleGrantSelfConfirmationError,
} from '../identity.errors';

/**
 * Roles that move money or hand out roles: nobody gets one on one person's word (issue 13,
 * "no one person can arm themselves"; 2 CFR 200.303 internal controls).
 */
export const PRIVILEGED_ROLES: readonly string[] = ['agency_admin', 'finance_officer'];

export const isPrivileged = (role: string): boolean => PRIVILEGED_ROLES.includes(role);

/** The web app's page of pending role grants (the notices to other admins link there). */
export const ROLE_GRANTS_PATH = '/staff/role-grants';

export type RoleChange = 'requested' | 'granted' | 'confirmed' | 'declined' | 'removed';

export interface RoleGrantView {
  id: string;
  userId: string;
  email: string;
  role: string;
  status: 'pending' | 'confirmed' | 'declined' | 'cancelled';
  requestedByUserId: string | null;
  requestedAt: string;
  decidedByUserId: string | null;
  decidedAt: string | null;
}

/** Who decides: an agency admin of this agency, or a platform admin on the platform route. */
export interface RoleGrantDecider {
  userId: string;
  asPlatformAdmin: boolean;
}

type GrantRow = ReturnType<typeof LIST.shape>[number];

const toView = (row: GrantRow): RoleGrantView => ({
  id: row.id,
  userId: row.userId,
  email: row.email,
  role: row.role,
  status: row.status,
  requestedByUserId: row.requestedByUserId,
  requestedAt: row.requestedAt.toISOString(),
  decidedByUserId: row.decidedByUserId,
  decidedAt: row.decidedAt?.toISOString() ?? null,
});

/** A grant with the email of the person who would receive the role. */
const grantSql = (name: string, where: string) =>
  entitySql(
    name,
    AgencyRoleGrant,
    'g',
    `SELECT {columns}, u.email FROM agency_role_grants g JOIN users u ON u.id = g.user_id
      WHERE ${where}`,
    {
      pick: [
        'id',
        'userId',
        'role',
        'status',
        'requestedByUserId',
        'requestedAt',
        'decidedByUserId',
        'decidedAt',
      ],
      computed: computedColumns<Pick<User, 'email'>>(),
    },
  );
const LIST = grantSql(
  'identity.role-grants-with-status',
  'g.agency_id = $1 AND g.status = $2 ORDER BY g.requested_at, g.id LIMIT 500',
);
const LOCK = grantSql('identity.role-grant-lock', 'g.agency_id = $1 AND g.id = $2 FOR UPDATE OF g');

const REQUEST = sql<Pick<AgencyRoleGrant, 'id'>>(
  'identity.role-grant-request',
  `INSERT INTO agency_role_grants (agency_id, user_id, role, requested_by_user_id)
   VALUES ($1, $2, $3, $4)
   ON CONFLICT (agency_id, user_id, role) WHERE status = 'pending' DO NOTHING
   RETURNING id`,
);

/** Other active agency admins (not the person, not who asked), with the person's email. */
const CONFIRMERS = sql<{ userId: AgencyMembership['userId']; email: User['email'] }>(
  'identity.role-grant-confirmers',
  `SELECT am.user_id AS "userId", u.email FROM agency_memberships am
     JOIN users u ON u.id = $2
    WHERE am.agency_id = $1 AND am.status = 'active' AND 'agency_admin' = ANY (am.roles)
      AND am.user_id <> $2 AND am.user_id IS DISTINCT FROM $3::uuid
    ORDER BY am.user_id LIMIT 50`,
);

const CANCEL = sql<Pick<AgencyRoleGrant, 'id' | 'role'>>(
  'identity.role-grants-cancel',
  `UPDATE agency_role_grants SET status = 'cancelled', decided_at = now()
    WHERE agency_id = $1 AND user_id = $2 AND status = 'pending' AND NOT (role = ANY($3))
    RETURNING id, role`,
);

const PENDING_ROLES = sql<Pick<AgencyRoleGrant, 'role'>>(
  'identity.role-grants-pending-roles',
  `SELECT role FROM agency_role_grants
    WHERE agency_id = $1 AND user_id = $2 AND status = 'pending' ORDER BY role`,
);

const LOCK_MEMBERSHIP = entitySql(
  'identity.agency-membership-lock',
  AgencyMembership,
  'am',
  `SELECT {columns} FROM agency_memberships am
    WHERE am.agency_id = $1 AND am.user_id = $2 FOR UPDATE`,
  { pick: ['roles', 'status'] },
);

const SET_ROLES = sql(
  'identity.agency-membership-set-roles',
  `UPDATE agency_memberships SET roles = $3, updated_at = now()
    WHERE agency_id = $1 AND user_id = $2`,
);

const DECIDE = sql<Pick<AgencyRoleGrant, 'decidedAt'>>(
  'identity.role-grant-decide',
  `UPDATE agency_role_grants
      SET status = $3, decided_by_user_id = $4, decided_at = now(),
          decided_as_platform_admin = $5
    WHERE agency_id = $1 AND id = $2
    RETURNING decided_at AS "decidedAt"`,
);

/**
 * Pending grants of privileged agency roles. A pending grant lives only here: the role reaches
 * agency_memberships.roles (what the per-request access check reads) when a second person
 * confirms it, so until then it gives no permission at all. Every step is audited and told to
 * the person (in-app and email through the outbox), in the request's transaction.
 */
@Injectable()
export class RoleGrants {
  constructor(
    private readonly db: TenantDb,
    private readonly audit: AuditLog,
    private readonly notifications: NotificationService,
    private readonly agencies: AgencyDirectory,
  ) {}

  /** The agency's YAML may switch confirmation off (`access.privilegedRoleConfirmation`). */
  confirmationRequired(): boolean {
    return this.agencies.configOf(this.db.agencyId).access?.privilegedRoleConfirmation !== false;
  }

  /** Opens a pending grant (or keeps the open one: one per person and role). */
  async request(userId: string, role: string, requestedBy: string | undefined): Promise<void> {
    const inserted = await this.db.rows(REQUEST, [
      this.db.agencyId,
      userId,
      role,
      requestedBy ?? null,
    ]);
    if (inserted.length === 0) return; // already asked for, still waiting
    await this.audit.record({
      action: 'staff.role_requested',
      entityType: 'agency_role_grant',
      entityId: inserted[0].id,
      after: { userId, role, status: 'pending' },
    });
    await this.tell(userId, role, 'requested');
    await this.askOtherAdmins(userId, role, requestedBy);
  }

  /**
   * Tells the agency's other active admins (not the requester, not the grantee) that a grant
   * waits for them. None: the agency has a single admin and a platform admin must confirm.
   */
  private async askOtherAdmins(
    userId: string,
    role: string,
    requestedBy: string | undefined,
  ): Promise<void> {
    const rows = await this.db.rows(CONFIRMERS, [this.db.agencyId, userId, requestedBy ?? null]);
    if (rows.length === 0) return;
    await this.notifications.notify({
      agencyId: this.db.agencyId,
      template: 'staff.role_confirmation_requested',
      data: { role, email: rows[0].email },
      userIds: rows.map((row) => row.userId),
      link: ROLE_GRANTS_PATH,
    });
  }

  /** Withdraws the person's pending grants, except for the roles in `keep`. */
  async cancel(userId: string, keep: readonly string[] = []): Promise<string[]> {
    const cancelled = await this.db.rows(CANCEL, [this.db.agencyId, userId, [...keep]]);
    for (const grant of cancelled) {
      await this.audit.record({
        action: 'staff.role_request_cancelled',
        entityType: 'agency_role_grant',
        entityId: grant.id,
        before: { status: 'pending' },
        after: { userId, role: grant.role, status: 'cancelled' },
      });
      await this.tell(userId, grant.role, 'removed');
    }
    return cancelled.map((grant) => grant.role);
  }

  async pendingRolesOf(userId: string): Promise<string[]> {
    const rows = await this.db.rows(PENDING_ROLES, [this.db.agencyId, userId]);
    return rows.map((row) => row.role);
  }

  async list(status: RoleGrantView['status'] = 'pending'): Promise<{ items: RoleGrantView[] }> {
    const rows = await this.db.rows(LIST, [this.db.agencyId, status]);
    return { items: rows.map(toView) };
  }

  /**
   * The second person's yes: neither who asked nor who receives the role may give it. The role
   * joins the membership's roles only now, under the membership's row lock.
   */
  async confirm(grantId: string, decider: RoleGrantDecider): Promise<RoleGrantView> {
    const grant = await this.lockPending(grantId, decider);
    const memberships = await this.db.rows(LOCK_MEMBERSHIP, [this.db.agencyId, grant.userId]);
    const membership = memberships[0];
    if (!membership || membership.status === 'deactivated') throw new RoleGrantDecidedError();
    const roles = membership.roles.includes(grant.role)
      ? membership.roles
      : [...membership.roles, grant.role];
    await this.db.rows(SET_ROLES, [this.db.agencyId, grant.userId, roles]);
    const decided = await this.decide(grant, 'confirmed', decider);
    await this.audit.record({
      action: 'staff.role_confirmed',
      entityType: 'agency_role_grant',
      entityId: grant.id,
      before: { status: 'pending', roles: membership.roles },
      after: {
        userId: grant.userId,
        role: grant.role,
        status: 'confirmed',
        roles,
        requestedBy: grant.requestedByUserId,
        asPlatformAdmin: decider.asPlatformAdmin,
      },
    });
    await this.tell(grant.userId, grant.role, 'confirmed');
    return decided;
  }

  /** Another admin's no (the person receiving the role cannot decide about it either way). */
  async decline(grantId: string, decider: RoleGrantDecider): Promise<RoleGrantView> {
    const grant = await this.lockPending(grantId, decider, { requesterMayDecide: true });
    const decided = await this.decide(grant, 'declined', decider);
    await this.audit.record({
      action: 'staff.role_declined',
      entityType: 'agency_role_grant',
      entityId: grant.id,
      before: { status: 'pending' },
      after: {
        userId: grant.userId,
        role: grant.role,
        status: 'declined',
        asPlatformAdmin: decider.asPlatformAdmin,
      },
    });
    await this.tell(grant.userId, grant.role, 'declined');
    return decided;
  }

  /** In-app and email to the person whose roles change. */
  async tell(userId: string, role: string, change: RoleChange): Promise<void> {
    await this.notifications.notify({
      agencyId: this.db.agencyId,
      template: 'staff.role_changed',
      data: { role, change },
      userIds: [userId],
    });
  }

  private async lockPending(
    grantId: string,
    decider: RoleGrantDecider,
    options: { requesterMayDecide?: boolean } = {},
  ): Promise<GrantRow> {
    const rows = await this.db.rows(LOCK, [this.db.agencyId, grantId]);
    const grant = rows[0];
    if (!grant) throw new RoleGrantNotFoundError();
    if (grant.status !== 'pending') throw new RoleGrantDecidedError();
    const isRequester = grant.requestedByUserId === decider.userId;
    if (grant.userId === decider.userId || (isRequester && !options.requesterMayDecide)) {
      throw new RoleGrantSelfConfirmationError();
    }
    return grant;
  }

  private async decide(
    grant: GrantRow,
    status: 'confirmed' | 'declined',
    decider: RoleGrantDecider,
  ): Promise<RoleGrantView> {
    const rows = await this.db.rows(DECIDE, [
      this.db.agencyId,
      grant.id,
      status,
      decider.userId,
      decider.asPlatformAdmin,
    ]);
    return toView({
      ...grant,
      status,
      decidedByUserId: decider.userId,
      decidedAt: rows[0].decidedAt,
    });
  }
}
