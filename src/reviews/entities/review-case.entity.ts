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
import { Application } from '../../applications/entities/application.entity';
import { Organization } from '../../organizations/entities/organization.entity';
import { Program } from '../../programs/entities/program.entity';

export const REVIEW_STAGES = [
  'eligibility_screening',
  'merit_review',
  'final_decision',
  'closed',
] as const;
export type ReviewStage = (typeof REVIEW_STAGES)[number];

/**
 * An application in review (tenant-owned): which stage it is in, and a snapshot of what ranking
 * and funding need (organization, submission time, amount requested) taken when it entered
 * review, so aggregation reads one table. The relations exist for the foreign keys only.
 */
@Entity({ name: 'review_cases' })
@Index('IDX_review_cases_program_stage', [
  'agencyId',
  'programId',
  'stage',
  'submittedAt',
  'applicationId',
])
@Check(
  'CHK_review_cases_stage',
  `"stage" IN ('eligibility_screening', 'merit_review', 'final_decision', 'closed')`,
)
export class ReviewCase {
  @PrimaryColumn({ name: 'agency_id', type: 'uuid', primaryKeyConstraintName: 'PK_review_cases' })
  agencyId: string;

  @PrimaryColumn({
    name: 'application_id',
    type: 'uuid',
    primaryKeyConstraintName: 'PK_review_cases',
  })
  applicationId: string;

  @ManyToOne(() => Agency)
  @JoinColumn({ name: 'agency_id', foreignKeyConstraintName: 'FK_review_cases_agency' })
  agency?: Agency;

  @ManyToOne(() => Application)
  @JoinColumn([
    {
      name: 'agency_id',
      referencedColumnName: 'agencyId',
      foreignKeyConstraintName: 'FK_review_cases_application',
    },
    {
      name: 'application_id',
      referencedColumnName: 'id',
      foreignKeyConstraintName: 'FK_review_cases_application',
    },
  ])
  application?: Application;

  @Column({ name: 'program_id', type: 'uuid' })
  programId: string;

  @ManyToOne(() => Program)
  @JoinColumn([
    {
      name: 'agency_id',
      referencedColumnName: 'agencyId',
      foreignKeyConstraintName: 'FK_review_cases_program',
    },
    {
      name: 'program_id',
      referencedColumnName: 'id',
      foreignKeyConstraintName: 'FK_review_cases_program',
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
      foreignKeyConstraintName: 'FK_review_cases_organization',
    },
    {
      name: 'organization_id',
      referencedColumnName: 'id',
      foreignKeyConstraintName: 'FK_review_cases_organization',
    },
  ])
  organization?: Organization;

  @Column({ type: 'text' })
  stage: ReviewStage;

  @Column({ name: 'submission_number', type: 'integer' })
  submissionNumber: number;

  /** The tie-break after the raw mean: the earlier submission ranks first. */
  @Column({ name: 'submitted_at', type: 'timestamptz', precision: 3 })
  submittedAt: Date;

  @Column({ name: 'amount_requested', type: 'numeric', precision: 14, scale: 2 })
  amountRequested: string;

  @Column({ name: 'closed_reason', type: 'text', nullable: true })
  closedReason: string | null;

  @CreateDateColumn({ name: 'entered_at', type: 'timestamptz' })
  enteredAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
