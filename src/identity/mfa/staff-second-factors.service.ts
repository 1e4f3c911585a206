import { Injectable } from '@nestjs/common';
import { AuditLog } from '../../core/audit/audit-log';
import { RequestContext } from '../../core/context/request-context';
import { TenantDb } from '../../core/context/tenant-db';
import { sql } from '../../core/database/sql-statement';
import { SessionService } from '../auth/session.service';
import {
  CannotRemoveOwnFactorError,
  MfaNotEnrolledError,
  StaffNotFoundError,
} from '../identity.errors';
import { SecondFactors } from './second-factors.service';

const MEMBER = sql<{ found: 1 }>(
  'identity.mfa-staff-member',
  `SELECT 1 AS found FROM agency_memberships WHERE agency_id = $1 AND user_id = $2`,
);

/**
 * An agency admin removes a staff member's second factor (a lost phone, no recovery codes left):
 * the person enrols again at their next sign-in. Their sessions end with it, in case the
 * account itself is what was lost. Only for members of this agency; never one's own factor.
 */
@Injectable()
export class StaffSecondFactors {
  constructor(
    private readonly db: TenantDb,
    private readonly factors: SecondFactors,
    private readonly sessions: SessionService,
    private readonly audit: AuditLog,
    private readonly context: RequestContext,
  ) {}

  async remove(userId: string): Promise<void> {
    if (userId === this.context.actor?.userId) throw new CannotRemoveOwnFactorError();
    const member = await this.db.rows(MEMBER, [this.db.agencyId, userId]);
    if (member.length === 0) throw new StaffNotFoundError();
    if (!(await this.factors.remove(userId))) throw new MfaNotEnrolledError();
    const ended = await this.sessions.revokeAllForUser(userId, 'mfa_removed');
    await this.audit.record({
      action: 'mfa.factor_removed',
      entityType: 'user',
      entityId: userId,
      before: { enrolled: true },
      after: { enrolled: false, sessionsEnded: ended },
    });
  }
}
