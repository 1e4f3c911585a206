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
  Unique,
  UpdateDateColumn,
} from 'typeorm';
import { Agency } from '../../agencies/entities/agency.entity';
import type { FormDefinition } from '../forms/form-definition';
import type { BudgetRules, Eligibility, RequiredAttachment, Rubric } from '../program-settings';

export type ProgramKind = 'competitive' | 'formula';
export type ProgramStatus = 'draft' | 'published' | 'closed' | 'archived';
export type FundingSource = 'federal' | 'state' | 'local' | 'private';

/**
 * A funding opportunity of an agency (tenant-owned). Money is numeric(14,2), read as strings.
 * The window is stored as instants; it is entered and shown in the agency's time zone.
 * `form` is the working definition; what applicants fill in is a published, immutable
 * ProgramFormVersion (`currentFormVersion`).
 */
@Entity({ name: 'programs' })
@Unique('UQ_programs_code', ['agencyId', 'code'])
@Index('IDX_programs_status_closes_at', ['agencyId', 'status', 'closesAt', 'id'])
@Check('CHK_programs_kind', `"kind" IN ('competitive', 'formula')`)
@Check('CHK_programs_status', `"status" IN ('draft', 'published', 'closed', 'archived')`)
@Check(
  'CHK_programs_window',
  `"opens_at" IS NULL OR "closes_at" IS NULL OR "opens_at" < "closes_at"`,
)
export class Program {
  @PrimaryColumn({ name: 'agency_id', type: 'uuid', primaryKeyConstraintName: 'PK_programs' })
  agencyId: string;

  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_programs' })
  id: string;

  @ManyToOne(() => Agency)
  @JoinColumn({ name: 'agency_id', foreignKeyConstraintName: 'FK_programs_agency' })
  agency?: Agency;

  @Column({ type: 'text' })
  code: string;

  @Column({ type: 'text' })
  title: string;

  @Column({ type: 'text', default: '' })
  description: string;

  @Column({ type: 'text' })
  kind: ProgramKind;

  @Column({ type: 'text', default: 'draft' })
  status: ProgramStatus;

  @Column({ name: 'funding_source', type: 'text', nullable: true })
  fundingSource: FundingSource | null;

  @Column({ name: 'assistance_listing_number', type: 'text', nullable: true })
  assistanceListingNumber: string | null;

  @Column({ name: 'assistance_listing_title', type: 'text', nullable: true })
  assistanceListingTitle: string | null;

  @Column({ type: 'text', nullable: true })
  fain: string | null;

  @Column({ name: 'fiscal_year', type: 'integer', nullable: true })
  fiscalYear: number | null;

  @Column({ name: 'funds_available', type: 'numeric', precision: 14, scale: 2, nullable: true })
  fundsAvailable: string | null;

  @Column({ name: 'award_floor', type: 'numeric', precision: 14, scale: 2, nullable: true })
  awardFloor: string | null;

  @Column({ name: 'award_ceiling', type: 'numeric', precision: 14, scale: 2, nullable: true })
  awardCeiling: string | null;

  @Column({ name: 'performance_start', type: 'date', nullable: true })
  performanceStart: string | null;

  @Column({ name: 'performance_end', type: 'date', nullable: true })
  performanceEnd: string | null;

  @Column({ name: 'opens_at', type: 'timestamptz', nullable: true })
  opensAt: Date | null;

  @Column({ name: 'closes_at', type: 'timestamptz', nullable: true })
  closesAt: Date | null;

  /** Minutes after closesAt a submission is still accepted; null = the agency's default. */
  @Column({ name: 'grace_minutes', type: 'integer', nullable: true })
  graceMinutes: number | null;

  @Column({ type: 'jsonb', default: () => `'{}'` })
  eligibility: Eligibility;

  @Column({ type: 'jsonb', nullable: true })
  form: FormDefinition | null;

  @Column({ name: 'required_attachments', type: 'jsonb', default: () => `'[]'` })
  requiredAttachments: RequiredAttachment[];

  @Column({ name: 'budget_rules', type: 'jsonb', default: () => `'{}'` })
  budgetRules: BudgetRules;

  @Column({ type: 'jsonb', nullable: true })
  rubric: Rubric | null;

  @Column({ name: 'allow_multiple_applications', type: 'boolean', default: false })
  allowMultipleApplications: boolean;

  @Column({ type: 'boolean', default: false })
  shareable: boolean;

  @Column({ name: 'cloned_from_template_id', type: 'uuid', nullable: true })
  clonedFromTemplateId: string | null;

  @Column({ name: 'current_form_version', type: 'integer', nullable: true })
  currentFormVersion: number | null;

  /** Optimistic-concurrency version: the ETag. */
  @Column({ type: 'integer', default: 1 })
  version: number;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy: string | null;

  /** Millisecond precision: it is a keyset sort key and round-trips through JS Dates exactly. */
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @Column({ name: 'published_at', type: 'timestamptz', nullable: true })
  publishedAt: Date | null;

  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true })
  closedAt: Date | null;

  @Column({ name: 'archived_at', type: 'timestamptz', nullable: true })
  archivedAt: Date | null;
}
