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
} from 'typeorm';
import { Agency } from '../../agencies/entities/agency.entity';
import { AgencyMembership } from '../../identity/entities/agency-membership.entity';
import { ReviewCase } from './review-case.entity';

export type AssignmentStatus = 'active' | 'recused';
export type ConflictDeclaration = 'none' | 'conflict';

/**
 * A reviewer assigned to an application (tenant-owned). One row per reviewer and application,
 * ever: a recused reviewer keeps the row (with the declared conflict) so they are never
 * assigned to that application again. The reviewer sees the application's content only after
 * declaring no conflict.
 */
@Entity({ name: 'review_assignments' })
@Unique('UQ_review_assignments_reviewer', ['agencyId', 'applicationId', 'reviewerId'])
@Index('IDX_review_assignments_reviewer', ['agencyId', 'reviewerId', 'createdAt'])
@Index('IDX_review_assignments_program', ['agencyId', 'programId', 'reviewerId'])
@Check('CHK_review_assignments_status', `"status" IN ('active', 'recused')`)
@Check(
  'CHK_review_assignments_declaration',
  `"declaration" IS NULL OR "declaration" IN ('none', 'conflict')`,
)
export class ReviewAssignment {
  @PrimaryColumn({
    name: 'agency_id',
    type: 'uuid',
    primaryKeyConstraintName: 'PK_review_assignments',
  })
  agencyId: string;

  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_review_assignments' })
  id: string;

  @ManyToOne(() => Agency)
  @JoinColumn({ name: 'agency_id', foreignKeyConstraintName: 'FK_review_assignments_agency' })
  agency?: Agency;

  @Column({ name: 'program_id', type: 'uuid' })
  programId: string;

  @Column({ name: 'application_id', type: 'uuid' })
  applicationId: string;

  @ManyToOne(() => ReviewCase)
  @JoinColumn([
    {
      name: 'agency_id',
      referencedColumnName: 'agencyId',
      foreignKeyConstraintName: 'FK_review_assignments_case',
    },
    {
      name: 'application_id',
      referencedColumnName: 'applicationId',
      foreignKeyConstraintName: 'FK_review_assignments_case',
    },
  ])
  reviewCase?: ReviewCase;

  @Column({ name: 'reviewer_id', type: 'uuid' })
  reviewerId: string;

  /** A reviewer is agency staff: the membership row is kept even when deactivated. */
  @ManyToOne(() => AgencyMembership)
  @JoinColumn([
    {
      name: 'agency_id',
      referencedColumnName: 'agencyId',
      foreignKeyConstraintName: 'FK_review_assignments_reviewer',
    },
    {
      name: 'reviewer_id',
      referencedColumnName: 'userId',
      foreignKeyConstraintName: 'FK_review_assignments_reviewer',
    },
  ])
  reviewer?: AgencyMembership;

  @Column({ type: 'text', default: 'active' })
  status: AssignmentStatus;

  @Column({ type: 'text', nullable: true })
  declaration: ConflictDeclaration | null;

  @Column({ name: 'conflict_reason', type: 'text', nullable: true })
  conflictReason: string | null;

  @Column({ name: 'declared_at', type: 'timestamptz', nullable: true })
  declaredAt: Date | null;

  /** True when the assignment was made by the load-balancing rule, not by a person. */
  @Column({ type: 'boolean', default: false })
  automatic: boolean;

  @Column({ name: 'assigned_by', type: 'uuid', nullable: true })
  assignedBy: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;
}
