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
import { Organization } from '../../organizations/entities/organization.entity';
import { Program } from '../../programs/entities/program.entity';

export const APPLICATION_STATUSES = [
  'draft',
  'submitted',
  'returned',
  'withdrawn',
  'under_review',
  'approved',
  'denied',
  'waitlisted',
] as const;
export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number];

/**
 * An organization's application to a program (tenant-owned): the editable working copy.
 * Each submission freezes it into an immutable ApplicationSubmission. `version` is the ETag of
 * the working copy (answers, amount and budget lines together). The relations to programs and
 * organizations exist for the composite foreign keys only; code reads them through those
 * modules' public services.
 */
@Entity({ name: 'applications' })
@Index('IDX_applications_program_created', ['agencyId', 'programId', 'createdAt', 'id'])
@Index('IDX_applications_program_status_created', [
  'agencyId',
  'programId',
  'status',
  'createdAt',
  'id',
])
@Index('IDX_applications_program_submitted', ['agencyId', 'programId', 'submittedAt', 'id'])
@Index('IDX_applications_organization_created', ['agencyId', 'organizationId', 'createdAt', 'id'])
@Index('IDX_applications_organization_program', ['agencyId', 'organizationId', 'programId'])
@Check(
  'CHK_applications_status',
  `"status" IN ('draft', 'submitted', 'returned', 'withdrawn', 'under_review', 'approved', 'denied', 'waitlisted')`,
)
export class Application {
  @PrimaryColumn({ name: 'agency_id', type: 'uuid', primaryKeyConstraintName: 'PK_applications' })
  agencyId: string;

  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_applications' })
  id: string;

  @ManyToOne(() => Agency)
  @JoinColumn({ name: 'agency_id', foreignKeyConstraintName: 'FK_applications_agency' })
  agency?: Agency;

  @Column({ name: 'program_id', type: 'uuid' })
  programId: string;

  @ManyToOne(() => Program)
  @JoinColumn([
    {
      name: 'agency_id',
      referencedColumnName: 'agencyId',
      foreignKeyConstraintName: 'FK_applications_program',
    },
    {
      name: 'program_id',
      referencedColumnName: 'id',
      foreignKeyConstraintName: 'FK_applications_program',
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
      foreignKeyConstraintName: 'FK_applications_organization',
    },
    {
      name: 'organization_id',
      referencedColumnName: 'id',
      foreignKeyConstraintName: 'FK_applications_organization',
    },
  ])
  organization?: Organization;

  @Column({ type: 'text', default: 'draft' })
  status: ApplicationStatus;

  /** The program form version these answers follow. */
  @Column({ name: 'form_version', type: 'integer' })
  formVersion: number;

  @Column({ name: 'project_title', type: 'text', nullable: true })
  projectTitle: string | null;

  @Column({ name: 'amount_requested', type: 'numeric', precision: 14, scale: 2, nullable: true })
  amountRequested: string | null;

  @Column({ type: 'jsonb', default: () => `'{}'` })
  answers: Record<string, unknown>;

  @Column({ type: 'integer', default: 1 })
  version: number;

  /** How many times it has been submitted (the number of the latest submission). */
  @Column({ name: 'submission_count', type: 'integer', default: 0 })
  submissionCount: number;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy: string | null;

  /** Who last changed the working copy (shown as "Last saved by"). */
  @Column({ name: 'updated_by', type: 'uuid', nullable: true })
  updatedBy: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  /** Latest submission time (millisecond precision: a keyset sort key). */
  @Column({ name: 'submitted_at', type: 'timestamptz', precision: 3, nullable: true })
  submittedAt: Date | null;

  @Column({ name: 'returned_at', type: 'timestamptz', nullable: true })
  returnedAt: Date | null;

  @Column({ name: 'return_comment', type: 'text', nullable: true })
  returnComment: string | null;

  /** A returned application may be resubmitted until then even after the window closed. */
  @Column({ name: 'revision_due_at', type: 'timestamptz', nullable: true })
  revisionDueAt: Date | null;

  @Column({ name: 'withdrawn_at', type: 'timestamptz', nullable: true })
  withdrawnAt: Date | null;
}
