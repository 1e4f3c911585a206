import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  UpdateDateColumn,
} from 'typeorm';
import { Agency } from '../../agencies/entities/agency.entity';
import { User } from './user.entity';

/** pending: added by someone else and not yet accepted by the person; grants nothing. */
export type MembershipStatus = 'pending' | 'active' | 'deactivated';

/**
 * A user's staff roles in one agency (tenant-owned, row-level security). A pending or
 * deactivated membership grants nothing (the access check reads active rows only); it is kept so the audit trail and re-invitation have a row to find.
 */
@Entity({ name: 'agency_memberships' })
@Index('IDX_agency_memberships_user_id', ['userId'])
@Check('CHK_agency_memberships_status', `"status" IN ('pending', 'active', 'deactivated')`)
@Check(
  'CHK_agency_memberships_roles',
  // May be empty while the only role asked for (a privileged one) awaits confirmation.
  `"roles" <@ ARRAY['agency_admin', 'program_officer', 'reviewer', 'finance_officer']::text[]`,
)
export class AgencyMembership {
  @PrimaryColumn({
    name: 'agency_id',
    type: 'uuid',
    primaryKeyConstraintName: 'PK_agency_memberships',
  })
  agencyId: string;

  @PrimaryColumn({
    name: 'user_id',
    type: 'uuid',
    primaryKeyConstraintName: 'PK_agency_memberships',
  })
  userId: string;

  @ManyToOne(() => Agency)
  @JoinColumn({ name: 'agency_id', foreignKeyConstraintName: 'FK_agency_memberships_agency' })
  agency?: Agency;

  @ManyToOne(() => User)
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_agency_memberships_user' })
  user?: User;

  @Column({ type: 'text', array: true })
  roles: string[];

  @Column({ type: 'text', default: 'active' })
  status: MembershipStatus;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
