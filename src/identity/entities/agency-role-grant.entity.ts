import {
  Check,
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { User } from './user.entity';

export type RoleGrantStatus = 'pending' | 'confirmed' | 'declined' | 'cancelled';

/**
 * A request to give someone a privileged agency role (finance officer, agency admin). It grants
 * nothing while pending: the role reaches agency_memberships.roles, which the per-request access
 * check reads, only when a second admin (not the requester, not the grantee) or a platform admin
 * confirms it. Tenant-owned; kept after its decision for the audit trail.
 */
@Entity({ name: 'agency_role_grants' })
@Index('IDX_agency_role_grants_pending', ['agencyId', 'userId', 'role'], {
  unique: true,
  where: `"status" = 'pending'`,
})
@Check('CHK_agency_role_grants_role', `"role" IN ('agency_admin', 'finance_officer')`)
@Check(
  'CHK_agency_role_grants_status',
  `"status" IN ('pending', 'confirmed', 'declined', 'cancelled')`,
)
export class AgencyRoleGrant {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_agency_role_grants' })
  id: string;

  @Column({ name: 'agency_id', type: 'uuid' })
  agencyId: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @ManyToOne(() => User)
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_agency_role_grants_user' })
  user?: User;

  @Column({ type: 'text' })
  role: string;

  @Column({ type: 'text', default: 'pending' })
  status: RoleGrantStatus;

  /** Null when the system asked (none today); a person otherwise. */
  @Column({ name: 'requested_by_user_id', type: 'uuid', nullable: true })
  requestedByUserId: string | null;

  @Column({ name: 'requested_at', type: 'timestamptz', default: () => 'now()' })
  requestedAt: Date;

  @Column({ name: 'decided_by_user_id', type: 'uuid', nullable: true })
  decidedByUserId: string | null;

  @Column({ name: 'decided_at', type: 'timestamptz', nullable: true })
  decidedAt: Date | null;

  /** True when the deciding person was a platform admin (the agency had no second admin). */
  @Column({ name: 'decided_as_platform_admin', type: 'boolean', default: false })
  decidedAsPlatformAdmin: boolean;
}
