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
import { Organization } from '../../organizations/entities/organization.entity';
import type { MembershipStatus } from './agency-membership.entity';
import { User } from './user.entity';

/**
 * A user's roles in one applicant organization of an agency (tenant-owned). The foreign key to
 * organizations (agency_id, organization_id) is added by the organizations migration.
 */
@Entity({ name: 'organization_memberships' })
@Index('IDX_organization_memberships_user_id', ['userId'])
@Check('CHK_organization_memberships_status', `"status" IN ('pending', 'active', 'deactivated')`)
@Check(
  'CHK_organization_memberships_roles',
  `cardinality("roles") > 0 AND "roles" <@ ARRAY['org_admin', 'grant_writer', 'authorized_representative']::text[]`,
)
export class OrganizationMembership {
  @PrimaryColumn({
    name: 'agency_id',
    type: 'uuid',
    primaryKeyConstraintName: 'PK_organization_memberships',
  })
  agencyId: string;

  @PrimaryColumn({
    name: 'organization_id',
    type: 'uuid',
    primaryKeyConstraintName: 'PK_organization_memberships',
  })
  organizationId: string;

  @PrimaryColumn({
    name: 'user_id',
    type: 'uuid',
    primaryKeyConstraintName: 'PK_organization_memberships',
  })
  userId: string;

  @ManyToOne(() => Agency)
  @JoinColumn({
    name: 'agency_id',
    foreignKeyConstraintName: 'FK_organization_memberships_agency',
  })
  agency?: Agency;

  @ManyToOne(() => User)
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_organization_memberships_user' })
  user?: User;

  /** Added by the organizations migration (1764341000000-Organizations). */
  @ManyToOne(() => Organization)
  @JoinColumn([
    {
      name: 'agency_id',
      referencedColumnName: 'agencyId',
      foreignKeyConstraintName: 'FK_organization_memberships_organization',
    },
    {
      name: 'organization_id',
      referencedColumnName: 'id',
      foreignKeyConstraintName: 'FK_organization_memberships_organization',
    },
  ])
  organization?: Organization;

  @Column({ type: 'text', array: true })
  roles: string[];

  @Column({ type: 'text', default: 'active' })
  status: MembershipStatus;

  /** Who added the person; null when they registered the organization themselves. */
  @Column({ name: 'invited_by_user_id', type: 'uuid', nullable: true })
  invitedByUserId: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
