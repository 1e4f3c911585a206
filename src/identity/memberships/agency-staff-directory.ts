import { Injectable } from '@nestjs/common';
import { TenantDb } from '../../core/context/tenant-db';
import { AgencyRole } from '../permissions';

export interface StaffMember {
  userId: string;
  email: string;
  name: string;
}

/**
 * The identity module's public surface for who holds an agency role in the current agency
 * (e.g. the reviewer pool). Active memberships only; ordered by user id (a stable tie-break).
 */
@Injectable()
export class AgencyStaffDirectory {
  constructor(private readonly db: TenantDb) {}

  async activeWithRole(role: AgencyRole): Promise<StaffMember[]> {
    return this.db.manager.query(
      `SELECT am.user_id AS "userId", u.email, u.name
         FROM agency_memberships am JOIN users u ON u.id = am.user_id
        WHERE am.agency_id = $1 AND am.status = 'active' AND $2 = ANY(am.roles)
        ORDER BY am.user_id`,
      [this.db.agencyId, role],
    );
  }
}
