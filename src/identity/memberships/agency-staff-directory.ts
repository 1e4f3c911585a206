import { Injectable } from '@nestjs/common';
import { TenantDb } from '../../core/context/tenant-db';
import { AgencyRole } from '../permissions';
import { sql } from '../../core/database/sql-statement';
import { AgencyMembership } from '../entities/agency-membership.entity';
import { User } from '../entities/user.entity';

export type StaffMember = { userId: AgencyMembership['userId'] } & Pick<User, 'email' | 'name'>;

const withRole = (name: string, accepted: boolean) =>
  sql<StaffMember>(
    name,
    `SELECT am.user_id AS "userId", u.email, u.name
       FROM agency_memberships am JOIN users u ON u.id = am.user_id
      WHERE am.agency_id = $1 AND am.status = 'active' AND $2 = ANY(am.roles)${
        accepted ? '\n        AND u.password_hash IS NOT NULL' : ''
      }
      ORDER BY am.user_id`,
  );
const ACTIVE_WITH_ROLE = withRole('identity.staff-active-with-role', false);
const ACCEPTED_WITH_ROLE = withRole('identity.staff-accepted-with-role', true);

/**
 * The identity module's public surface for who holds an agency role in the current agency
 * (e.g. the reviewer pool). Active memberships only; ordered by user id (a stable tie-break).
 */
@Injectable()
export class AgencyStaffDirectory {
  constructor(private readonly db: TenantDb) {}

  async activeWithRole(role: AgencyRole): Promise<StaffMember[]> {
    return this.db.rows(ACTIVE_WITH_ROLE, [this.db.agencyId, role]);
  }

  /**
   * Those of activeWithRole who can act: they have accepted their invitation. Acceptance is the
   * password being set (an account created for an invitee has none until it is accepted; one
   * that already had a password is never sent an invitation). Work assigned to anyone else
   * (a reviewer's applications) would wait on a person who cannot open it.
   */
  async acceptedWithRole(role: AgencyRole): Promise<StaffMember[]> {
    return this.db.rows(ACCEPTED_WITH_ROLE, [this.db.agencyId, role]);
  }
}
