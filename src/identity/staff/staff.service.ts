import { Injectable } from '@nestjs/common';
import { AuditLog } from '../../core/audit/audit-log';
import { TenantDb } from '../../core/context/tenant-db';
import { InvalidCursorError, isCursorText } from '../../core/pagination/keyset-cursor';
import { SessionService } from '../auth/session.service';
import { AlreadyStaffError, LastAgencyAdminError, StaffNotFoundError } from '../identity.errors';
import { UserAccounts } from '../memberships/user-accounts.service';
import { StaffMemberDto, StaffPageDto } from './dto/staff.dto';

interface StaffRow {
  user_id: string;
  email: string;
  name: string;
  roles: string[];
  status: 'active' | 'deactivated';
  has_password: boolean;
  created_at: Date;
}

const STAFF_COLUMNS = `am.user_id, u.email, u.name, am.roles, am.status,
  u.password_hash IS NOT NULL AS has_password, am.created_at`;

const toView = (row: StaffRow): StaffMemberDto => ({
  userId: row.user_id,
  email: row.email,
  name: row.name,
  roles: row.roles,
  status: row.status,
  invitationPending: !row.has_password,
  addedAt: row.created_at.toISOString(),
});

/**
 * An agency's staff: its admins list, invite, re-role and deactivate people. Everything runs in
 * the request transaction of the path's agency (TenantDb), audited in the same transaction.
 */
@Injectable()
export class StaffService {
  constructor(
    private readonly db: TenantDb,
    private readonly accounts: UserAccounts,
    private readonly sessions: SessionService,
    private readonly audit: AuditLog,
  ) {}

  /** Keyset pagination on the (unique) email, so pages stay fast and stable under inserts. */
  async list(query: {
    after?: string;
    limit?: number;
    status?: 'active' | 'deactivated';
  }): Promise<StaffPageDto> {
    const limit = query.limit ?? 50;
    const after = query.after === undefined ? null : decodeCursor(query.after);
    const rows: StaffRow[] = await this.db.manager.query(
      `SELECT ${STAFF_COLUMNS}
         FROM agency_memberships am JOIN users u ON u.id = am.user_id
        WHERE am.agency_id = $1
          AND ($2::text IS NULL OR u.email > $2)
          AND ($3::text IS NULL OR am.status = $3)
        ORDER BY u.email
        LIMIT $4`,
      [this.db.agencyId, after, query.status ?? null, limit + 1],
    );
    const page = rows.slice(0, limit);
    return {
      items: page.map(toView),
      nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1].email) : null,
    };
  }

  /**
   * Adds a person as staff with these roles, creating their account (with an invitation to set a
   * password) when the email is new. Re-inviting a deactivated member reactivates them.
   */
  async invite(input: { email: string; name: string; roles: string[] }): Promise<StaffMemberDto> {
    const { user, created, invitation } = await this.accounts.ensure(input);
    const existing = await this.lockMembership(user.id);
    if (existing?.status === 'active') throw new AlreadyStaffError();
    const roles = [...new Set(input.roles)];
    await this.db.manager.query(
      `INSERT INTO agency_memberships (agency_id, user_id, roles, status)
       VALUES ($1, $2, $3, 'active')
       ON CONFLICT (agency_id, user_id)
       DO UPDATE SET roles = EXCLUDED.roles, status = 'active', updated_at = now()`,
      [this.db.agencyId, user.id, roles],
    );
    await this.audit.record({
      action: existing ? 'staff.reactivated' : 'staff.invited',
      entityType: 'agency_membership',
      entityId: user.id,
      before: existing ? { roles: existing.roles, status: existing.status } : undefined,
      after: {
        email: user.email,
        roles,
        status: 'active',
        accountCreated: created,
        invitationId: invitation?.invitationId,
      },
    });
    return toView((await this.lockMembership(user.id))!);
  }

  async changeRoles(userId: string, roles: string[]): Promise<StaffMemberDto> {
    const current = await this.lockMembership(userId);
    if (!current) throw new StaffNotFoundError();
    const next = [...new Set(roles)];
    if (current.status === 'active' && !next.includes('agency_admin')) {
      await this.assertAnotherAdmin(current);
    }
    await this.db.manager.query(
      `UPDATE agency_memberships SET roles = $3, updated_at = now()
        WHERE agency_id = $1 AND user_id = $2`,
      [this.db.agencyId, userId, next],
    );
    await this.audit.record({
      action: 'staff.roles_changed',
      entityType: 'agency_membership',
      entityId: userId,
      before: { roles: current.roles },
      after: { roles: next },
    });
    return toView({ ...current, roles: next });
  }

  /**
   * Deactivates the membership and revokes every session of the user at once: their access
   * tokens stop working on the next request, in this agency and elsewhere (they sign in again).
   */
  async deactivate(userId: string): Promise<StaffMemberDto> {
    const current = await this.lockMembership(userId);
    if (!current) throw new StaffNotFoundError();
    if (current.status === 'deactivated') return toView(current); // nothing changes
    await this.assertAnotherAdmin(current);
    await this.db.manager.query(
      `UPDATE agency_memberships SET status = 'deactivated', updated_at = now()
        WHERE agency_id = $1 AND user_id = $2`,
      [this.db.agencyId, userId],
    );
    const sessionsRevoked = await this.sessions.revokeAllForUser(userId, 'deactivated');
    await this.audit.record({
      action: 'staff.deactivated',
      entityType: 'agency_membership',
      entityId: userId,
      before: { status: 'active', roles: current.roles },
      after: { status: 'deactivated', sessionsRevoked },
    });
    return toView({ ...current, status: 'deactivated' });
  }

  private async lockMembership(userId: string): Promise<StaffRow | undefined> {
    const rows: StaffRow[] = await this.db.manager.query(
      `SELECT ${STAFF_COLUMNS}
         FROM agency_memberships am JOIN users u ON u.id = am.user_id
        WHERE am.agency_id = $1 AND am.user_id = $2
          FOR UPDATE OF am`,
      [this.db.agencyId, userId],
    );
    return rows[0];
  }

  /**
   * The agency must keep an active admin. Locking every active admin row serializes concurrent
   * demotions, so two admins cannot remove each other at the same moment.
   */
  private async assertAnotherAdmin(target: StaffRow): Promise<void> {
    if (!target.roles.includes('agency_admin')) return;
    const admins: Array<{ user_id: string }> = await this.db.manager.query(
      `SELECT user_id FROM agency_memberships
        WHERE agency_id = $1 AND status = 'active' AND 'agency_admin' = ANY (roles)
          FOR UPDATE`,
      [this.db.agencyId],
    );
    if (!admins.some((admin) => admin.user_id !== target.user_id)) {
      throw new LastAgencyAdminError();
    }
  }
}

function encodeCursor(email: string): string {
  return Buffer.from(email, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): string {
  if (!/^[A-Za-z0-9_-]{1,1024}$/.test(cursor)) throw new InvalidCursorError('/after');
  const email = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!email.includes('@') || !isCursorText(email, 320)) throw new InvalidCursorError('/after');
  return email;
}
