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
import { ReviewAssignment } from './review-assignment.entity';

export type ReviewStatus = 'draft' | 'submitted';

/**
 * A reviewer's scores on one application (tenant-owned): points and comments per rubric
 * criterion, kept apart so ranking loads only the points. Submitted reviews are locked; a
 * program officer may reopen one with a reason.
 */
@Entity({ name: 'reviews' })
@Unique('UQ_reviews_assignment', ['agencyId', 'assignmentId'])
@Index('IDX_reviews_program_status', ['agencyId', 'programId', 'status'])
@Index('IDX_reviews_application', ['agencyId', 'applicationId'])
@Check('CHK_reviews_status', `"status" IN ('draft', 'submitted')`)
export class Review {
  @PrimaryColumn({ name: 'agency_id', type: 'uuid', primaryKeyConstraintName: 'PK_reviews' })
  agencyId: string;

  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_reviews' })
  id: string;

  @ManyToOne(() => Agency)
  @JoinColumn({ name: 'agency_id', foreignKeyConstraintName: 'FK_reviews_agency' })
  agency?: Agency;

  @Column({ name: 'assignment_id', type: 'uuid' })
  assignmentId: string;

  @ManyToOne(() => ReviewAssignment)
  @JoinColumn([
    {
      name: 'agency_id',
      referencedColumnName: 'agencyId',
      foreignKeyConstraintName: 'FK_reviews_assignment',
    },
    {
      name: 'assignment_id',
      referencedColumnName: 'id',
      foreignKeyConstraintName: 'FK_reviews_assignment',
    },
  ])
  assignment?: ReviewAssignment;

  @Column({ name: 'program_id', type: 'uuid' })
  programId: string;

  @Column({ name: 'application_id', type: 'uuid' })
  applicationId: string;

  @Column({ name: 'reviewer_id', type: 'uuid' })
  reviewerId: string;

  @Column({ type: 'text', default: 'draft' })
  status: ReviewStatus;

  /** Criterion key -> points. */
  @Column({ type: 'jsonb', default: () => `'{}'` })
  points: Record<string, number>;

  /** Criterion key -> the reviewer's comment. */
  @Column({ type: 'jsonb', default: () => `'{}'` })
  comments: Record<string, string>;

  /** The weighted total (0-100) as last saved. */
  @Column({ name: 'weighted_total', type: 'numeric', precision: 7, scale: 4, nullable: true })
  weightedTotal: string | null;

  @Column({ name: 'submitted_at', type: 'timestamptz', nullable: true })
  submittedAt: Date | null;

  @Column({ name: 'reopened_at', type: 'timestamptz', nullable: true })
  reopenedAt: Date | null;

  @Column({ name: 'reopened_by', type: 'uuid', nullable: true })
  reopenedBy: string | null;

  @Column({ name: 'reopen_reason', type: 'text', nullable: true })
  reopenReason: string | null;

  @Column({ type: 'integer', default: 1 })
  version: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
