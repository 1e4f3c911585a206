import { Injectable } from '@nestjs/common';
import { AuditLog } from '../../core/audit/audit-log';
import { TenantDb } from '../../core/context/tenant-db';
import { RequestContext } from '../../core/context/request-context';
import { InvalidCursorError, isCursorText } from '../../core/pagination/keyset-cursor';
import { computedColumns, entitySql, sql } from '../../core/database/sql-statement';
import { AgencyMembership, MembershipStatus } from '../entities/agency-membership.entity';
import { User } from '../entities/user.entity';
import { AlreadyStaffError, LastAgencyAdminError, StaffNotFoundError } from '../identity.errors';
import { UserAccounts } from '../memberships/user-accounts.service';
import { StaffInvitationDto, StaffMemberDto, StaffPageDto } from './dto/staff.dto';
import { isPrivileged, RoleGrants } from './role-grants.service';

type StaffRow = ReturnType<typeof LOCK_MEMBER.shape>[number];

/** A membership with its person and the roles still waiting for a second admin. */
const staffSql = (name: string, where: string) =>
  entitySql(
    name,
    AgencyMembership,
    'am',
    `SELECT {columns}, u.email, u.name,
       ARRAY(SELECT g.role FROM agency_role_grants g
              WHERE g.agency_id = am.agency_id AND g.user_id = am.user_id AND g.status = 'pending'
              ORDER BY g.role) AS "pendingRoles",
       u.password_hash IS NOT NULL AS "hasPassword"
       FROM agency_memberships am JOIN users u ON u.id = am.user_id
      WHERE ${where}`,
    {
      pick: ['userId', 'roles', 'status', 'createdAt'],
      computed: computedColumns<
        Pick<User, 'email' | 'name'> & { pendingRoles: string[]; hasPassword: boolean }
      >(),
    },
  );

const PAGE = staffSql(
  'identity.staff-page',
  `am.agency_id = $1
        AND ($2::text IS NULL OR u.email > $2)
        AND ($3::text IS NULL OR am.status = $3)
      ORDER BY u.email
      LIMIT $4`,
);
const LOCK_MEMBER = staffSql(
  'identity.staff-lock-member',
  'am.agency_id = $1 AND am.user_id = $2 FOR UPDATE OF am',
);

const INVITE = sql(
  'identity.staff-invite',
  `INSERT INTO agency_memberships (agency_id, user_id, roles, status)
   VALUES ($1, $2, $3, 'pending')
   ON CONFLICT (agency_id, user_id)
   DO UPDATE SET roles = EXCLUDED.roles, status = 'pending', updated_at = now()`,
);
const SET_ROLES = sql(
  'identity.staff-set-roles',
  `UPDATE agency_memberships SET roles = $3, updated_at = now()
    WHERE agency_id = $1 AND user_id = $2`,
);
const DEACTIVATE = sql(
  'identity.staff-deactivate',
  `UPDATE agency_memberships SET status = 'deactivated', updated_at = now()
    WHERE agency_id = $1 AND user_id = $2`,
);
/** Every active admin, locked: concurrent demotions are serialized. */
const LOCK_ADMINS = entitySql(
  'identity.staff-lock-admins',
  AgencyMembership,
  'am',
  `SELECT {columns} FROM agency_memberships am
    WHERE am.agency_id = $1 AND am.status = 'active' AND 'agency_admin' = ANY (am.roles)
      FOR UPDATE`,
  { pick: ['userId'] },
);

/**
 * A pending member has not said yes: their account's name stays theirs (null here) and whether
 * they had an account at all is not shown (invitationPending is true for every pending member).
 */
const toView = (row: StaffRow): StaffMemberDto => ({
  id: row.userId,
  email: row.email,
  name: row.status === 'pending' ? null : row.name,
  roles: row.roles,
  pendingRoles: row.pendingRoles,
  status: row.status,
  invitationPending: row.status === 'pending' || !row.hasPassword,
  addedAt: row.createdAt.toISOString(),
});

/**
 * An agency's staff: its admins list, invite, re-role and deactivate people. Everything runs in
 * the request transaction of the path's agency (TenantDb), audited in the same transaction.
 *
 * Two rules from issue 13: adding a person makes a *pending* membership that they accept
 * (consent before membership; see MembershipInvitations), and a privileged role (finance officer,
 * agency admin) waits for a second admin's confirmation (RoleGrants) unless the agency's YAML
 * switches that off.
 */
@Injectable()
export class StaffService {
  constructor(
    private readonly db: TenantDb,
    private readonly accounts: UserAccounts,
    private readonly grants: RoleGrants,
    private readonly audit: AuditLog,
    private readonly context: RequestContext,
  ) {}

  /** Keyset pagination on the (unique) email, so pages stay fast and stable under inserts. */
  async list(query: {
    cursor?: string;
    limit?: number;
    status?: MembershipStatus;
  }): Promise<StaffPageDto> {
    const limit = query.limit ?? 50;
    const after = query.cursor === undefined ? null : decodeCursor(query.cursor);
    const rows = await this.db.rows(PAGE, [
      this.db.agencyId,
      after,
      query.status ?? null,
      limit + 1,
    ]);
    const page = rows.slice(0, limit);
    return {
      items: page.map(toView),
      nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1].email) : null,
    };
  }

  /**
   * Invites a person to the staff with these roles: a pending membership they accept or
   * decline (GET /me/invitations), creating their account (with an invitation to set a
   * password) when the email is new. The answer is built from the request alone, so it is the
   * same whether or not the email had an account, and names nobody.
   */
  async invite(input: {
    email: string;
    name: string;
    roles: string[];
  }): Promise<StaffInvitationDto> {
    const { user, invitation } = await this.accounts.ensure(input);
    const existing = await this.lockMembership(user.id);
    // Inviting a pending person again re-sends the invitation (with these roles).
    if (existing?.status === 'active') throw new AlreadyStaffError();
    const requested = [...new Set(input.roles)];
    const { now, later } = this.split(requested, []);
    await this.db.rows(INVITE, [this.db.agencyId, user.id, now]);
    await this.audit.record({
      action: existing ? 'staff.reinvited' : 'staff.invited',
      entityType: 'agency_membership',
      entityId: user.id,
      before: existing ? { roles: existing.roles, status: existing.status } : undefined,
      after: { email: user.email, roles: now, pendingRoles: later, status: 'pending' },
    });
    // An account that can sign in learns of it here; a new one from its password invitation.
    if (!invitation) await this.accounts.tellInvited(user.id);
    if (existing) await this.grants.cancel(user.id, later); // a re-invitation replaces the ask
    for (const role of later) await this.grants.request(user.id, role, this.actorId());
    return { email: user.email, roles: now, pendingRoles: later, status: 'pending' };
  }

  /**
   * Sets the person's roles. Roles given up end now; an added privileged role waits for a second
   * admin (a pending grant), every other added role takes effect at once.
   */
  async changeRoles(userId: string, roles: string[]): Promise<StaffMemberDto> {
    const current = await this.lockMembership(userId);
    // A deactivated member has no roles to change: a grant requested for them could never be
    // confirmed (re-invite them instead).
    if (!current || current.status === 'deactivated') throw new StaffNotFoundError();
    const { now, later } = this.split([...new Set(roles)], current.roles);
    if (current.status === 'active' && !now.includes('agency_admin')) {
      await this.assertAnotherAdmin(current);
    }
    await this.db.rows(SET_ROLES, [this.db.agencyId, userId, now]);
    await this.grants.cancel(userId, later);
    await this.audit.record({
      action: 'staff.roles_changed',
      entityType: 'agency_membership',
      entityId: userId,
      before: { roles: current.roles, pendingRoles: current.pendingRoles },
      after: { roles: now, pendingRoles: later },
    });
    for (const role of now.filter((r) => !current.roles.includes(r))) {
      await this.grants.tell(userId, role, 'granted');
    }
    for (const role of current.roles.filter((r) => !now.includes(r))) {
      await this.grants.tell(userId, role, 'removed');
    }
    for (const role of later) await this.grants.request(userId, role, this.actorId());
    return toView((await this.lockMembership(userId))!);
  }

  /**
   * Ends the person's access to this agency (and withdraws a pending invitation or role grant).
   * Access is checked on every request against active memberships, so their next request here
   * is refused at once; their sessions stay, and with them their work in other agencies.
   */
  async deactivate(userId: string): Promise<StaffMemberDto> {
    const current = await this.lockMembership(userId);
    if (!current) throw new StaffNotFoundError();
    if (current.status === 'deactivated') return toView(current); // nothing changes
    if (current.status === 'active') await this.assertAnotherAdmin(current);
    await this.db.rows(DEACTIVATE, [this.db.agencyId, userId]);
    const withdrawn = await this.grants.cancel(userId);
    await this.audit.record({
      action: 'staff.deactivated',
      entityType: 'agency_membership',
      entityId: userId,
      before: { status: current.status, roles: current.roles },
      after: { status: 'deactivated', pendingRolesWithdrawn: withdrawn },
    });
    for (const role of current.roles) await this.grants.tell(userId, role, 'removed');
    return toView((await this.lockMembership(userId))!);
  }

  /**
   * Which of the wanted roles apply now and which wait for a second admin: a privileged role the
   * person does not hold yet waits, unless the agency switched confirmation off.
   */
  private split(wanted: string[], held: string[]): { now: string[]; later: string[] } {
    if (!this.grants.confirmationRequired()) return { now: wanted, later: [] };
    const later = wanted.filter((role) => isPrivileged(role) && !held.includes(role));
    return { now: wanted.filter((role) => !later.includes(role)), later };
  }

  private actorId(): string | undefined {
    return this.context.actor?.userId;
  }

  private async lockMembership(userId: string): Promise<StaffRow | undefined> {
    const rows = await this.db.rows(LOCK_MEMBER, [this.db.agencyId, userId]);
    return rows[0];
  }

  /**
   * The agency must keep an active admin. Locking every active admin row serializes concurrent
   * demotions, so two admins cannot remove each other at the same moment.
   */
  private async assertAnotherAdmin(target: StaffRow): Promise<void> {
    if (!target.roles.includes('agency_admin')) return;
    const admins = await this.db.rows(LOCK_ADMINS, [this.db.agencyId]);
    if (!admins.some((admin) => admin.userId !== target.userId)) {
      throw new LastAgencyAdminError();
    }
  }
}

function encodeCursor(email: string): string {
  return Buffer.from(email, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): string {
  if (!/^[A-Za-z0-9_-]{1,1024}$/.test(cursor)) throw new InvalidCursorError('/cursor');
  const email = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!email.includes('@') || !isCursorText(email, 320)) throw new InvalidCursorError('/cursor');
  return email;
}
