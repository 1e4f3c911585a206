import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { Agency } from '../../agencies/entities/agency.entity';
import type { OrganizationStatus, OrganizationType } from '../organization-types';

export interface PostalAddress {
  line1: string;
  line2?: string;
  city: string;
  state: string;
  postalCode: string;
}

export interface OrganizationContact {
  name: string;
  email: string;
  phone?: string;
  title?: string;
  kind?: 'primary' | 'fiscal' | 'superintendent' | 'other';
}

/**
 * An applicant organization of one agency (a school district, charter school, nonprofit).
 * Identifiers are unique within the agency among organizations not rejected, so a rejected
 * registration never blocks the real district from registering.
 */
@Entity({ name: 'organizations' })
@Index('IDX_organizations_status_name', ['agencyId', 'status', 'legalName', 'id'])
@Index('IDX_organizations_name', ['agencyId', 'legalName', 'id'])
@Index('UQ_organizations_uei', ['agencyId', 'uei'], {
  unique: true,
  where: `"status" <> 'rejected'`,
})
@Index('UQ_organizations_nces_lea_id', ['agencyId', 'ncesLeaId'], {
  unique: true,
  where: `"status" <> 'rejected'`,
})
@Index('UQ_organizations_state_district_code', ['agencyId', 'stateDistrictCode'], {
  unique: true,
  where: `"status" <> 'rejected'`,
})
@Check('CHK_organizations_status', `"status" IN ('pending', 'active', 'rejected', 'inactive')`)
export class Organization {
  @PrimaryColumn({ name: 'agency_id', type: 'uuid', primaryKeyConstraintName: 'PK_organizations' })
  agencyId: string;

  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_organizations' })
  id: string;

  @ManyToOne(() => Agency)
  @JoinColumn({ name: 'agency_id', foreignKeyConstraintName: 'FK_organizations_agency' })
  agency?: Agency;

  @Column({ name: 'legal_name', type: 'text' })
  legalName: string;

  @Column({ type: 'text' })
  type: OrganizationType;

  @Column({ type: 'text', default: 'pending' })
  status: OrganizationStatus;

  @Column({ name: 'state_district_code', type: 'text', nullable: true })
  stateDistrictCode: string | null;

  @Column({ name: 'nces_lea_id', type: 'text', nullable: true })
  ncesLeaId: string | null;

  @Column({ type: 'text', nullable: true })
  uei: string | null;

  @Column({ type: 'jsonb' })
  address: PostalAddress;

  @Column({ type: 'jsonb', default: () => `'[]'` })
  contacts: OrganizationContact[];

  /** The user who self-registered it (null when agency staff created it). */
  @Column({ name: 'registered_by', type: 'uuid', nullable: true })
  registeredBy: string | null;

  @Column({ name: 'decided_by', type: 'uuid', nullable: true })
  decidedBy: string | null;

  @Column({ name: 'decided_at', type: 'timestamptz', nullable: true })
  decidedAt: Date | null;

  @Column({ name: 'decision_reason', type: 'text', nullable: true })
  decisionReason: string | null;

  @Column({ type: 'integer', default: 1 })
  version: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
