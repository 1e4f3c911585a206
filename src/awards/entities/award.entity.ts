import {
  Check,
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  Unique,
} from 'typeorm';
import { Agency } from '../../agencies/entities/agency.entity';
import { Application } from '../../applications/entities/application.entity';
import { Organization } from '../../organizations/entities/organization.entity';
import { Program } from '../../programs/entities/program.entity';

export const AWARD_STATUSES = ['offered', 'active', 'declined', 'closed'] as const;
export type AwardStatus = (typeof AWARD_STATUSES)[number];
export const FUNDING_SOURCES = ['decision', 'allocation', 'carryover'] as const;
export type FundingSourceKind = (typeof FUNDING_SOURCES)[number];

/**
 * A subaward (2 CFR 200.332): the current terms, with the data the regulation says the
 * subrecipient must be told. Every change of amount, period or approved budget is an immutable
 * AwardVersion; money is never read from here for balances (the ledger is the authority), the
 * amount here is the obligated total of the current version. One award per funding source.
 */
@Entity({ name: 'awards' })
@Unique('UQ_awards_source', ['agencyId', 'source', 'sourceId'])
@Unique('UQ_awards_reference', ['agencyId', 'reference'])
@Index('IDX_awards_organization', ['agencyId', 'organizationId', 'offeredAt', 'id'])
@Index('IDX_awards_program_status', ['agencyId', 'programId', 'status'])
// The agency's award list, newest first (keyset), unfiltered and by status.
@Index('IDX_awards_offered', ['agencyId', 'offeredAt', 'id'])
@Index('IDX_awards_status_offered', ['agencyId', 'status', 'offeredAt', 'id'])
@Check('CHK_awards_status', `"status" IN ('offered', 'active', 'declined', 'closed')`)
@Check('CHK_awards_source', `"source" IN ('decision', 'allocation', 'carryover')`)
@Check('CHK_awards_period', `"performance_end" >= "performance_start"`)
export class Award {
  @PrimaryColumn({ name: 'agency_id', type: 'uuid', primaryKeyConstraintName: 'PK_awards' })
  agencyId: string;

  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_awards' })
  id: string;

  @ManyToOne(() => Agency)
  @JoinColumn({ name: 'agency_id', foreignKeyConstraintName: 'FK_awards_agency' })
  agency?: Agency;

  @Column({ type: 'text' })
  reference: string;

  @Column({ type: 'text' })
  source: FundingSourceKind;

  @Column({ name: 'source_id', type: 'uuid' })
  sourceId: string;

  @Column({ name: 'program_id', type: 'uuid' })
  programId: string;

  @ManyToOne(() => Program)
  @JoinColumn([
    {
      name: 'agency_id',
      referencedColumnName: 'agencyId',
      foreignKeyConstraintName: 'FK_awards_program',
    },
    {
      name: 'program_id',
      referencedColumnName: 'id',
      foreignKeyConstraintName: 'FK_awards_program',
    },
  ])
  program?: Program;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId: string;

  @ManyToOne(() => Organization)
  @JoinColumn([
    {
      name: 'agency_id',
      referencedColumnName: 'agencyId',
      foreignKeyConstraintName: 'FK_awards_organization',
    },
    {
      name: 'organization_id',
      referencedColumnName: 'id',
      foreignKeyConstraintName: 'FK_awards_organization',
    },
  ])
  organization?: Organization;

  @Column({ name: 'application_id', type: 'uuid', nullable: true })
  applicationId: string | null;

  @ManyToOne(() => Application)
  @JoinColumn([
    {
      name: 'agency_id',
      referencedColumnName: 'agencyId',
      foreignKeyConstraintName: 'FK_awards_application',
    },
    {
      name: 'application_id',
      referencedColumnName: 'id',
      foreignKeyConstraintName: 'FK_awards_application',
    },
  ])
  application?: Application;

  @Column({ name: 'carryover_from_award_id', type: 'uuid', nullable: true })
  carryoverFromAwardId: string | null;

  @Column({ type: 'text', default: 'offered' })
  status: AwardStatus;

  // --- 2 CFR 200.332(b)(1) subaward data, copied when the award is made ---
  @Column({ name: 'subrecipient_name', type: 'text' })
  subrecipientName: string;

  @Column({ name: 'subrecipient_uei', type: 'text', nullable: true })
  subrecipientUei: string | null;

  @Column({ type: 'text', nullable: true })
  fain: string | null;

  @Column({ name: 'federal_award_date', type: 'date', nullable: true })
  federalAwardDate: string | null;

  @Column({ name: 'assistance_listing_number', type: 'text', nullable: true })
  assistanceListingNumber: string | null;

  @Column({ name: 'assistance_listing_title', type: 'text', nullable: true })
  assistanceListingTitle: string | null;

  @Column({ name: 'program_title', type: 'text' })
  programTitle: string;

  @Column({ name: 'fiscal_year', type: 'integer', nullable: true })
  fiscalYear: number | null;

  @Column({ name: 'performance_start', type: 'date' })
  performanceStart: string;

  @Column({ name: 'performance_end', type: 'date' })
  performanceEnd: string;

  /** Total obligated by the current version. */
  @Column({ type: 'numeric', precision: 14, scale: 2 })
  amount: string;

  /** Obligated (or deobligated, negative) by the action that made the current version. */
  @Column({ name: 'amount_this_action', type: 'numeric', precision: 14, scale: 2 })
  amountThisAction: string;

  /** The award version (1 = the original award; each approved amendment adds one). */
  @Column({ type: 'integer', default: 1 })
  version: number;

  /** ETag of the budget: bumped by every budget change. */
  @Column({ name: 'budget_version', type: 'integer', default: 1 })
  budgetVersion: number;

  @Column({ name: 'offered_by', type: 'uuid', nullable: true })
  offeredBy: string | null;

  @Column({ name: 'offered_at', type: 'timestamptz', default: () => 'now()' })
  offeredAt: Date;

  @Column({ name: 'accepted_by', type: 'uuid', nullable: true })
  acceptedBy: string | null;

  @Column({ name: 'accepted_at', type: 'timestamptz', nullable: true })
  acceptedAt: Date | null;

  /** Name and title the representative signed with. */
  @Column({ name: 'acceptance', type: 'jsonb', nullable: true })
  acceptance: { name: string; title: string; ip: string | null } | null;

  @Column({ name: 'declined_at', type: 'timestamptz', nullable: true })
  declinedAt: Date | null;

  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true })
  closedAt: Date | null;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;
}
