import {
  Check,
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { Agency } from '../../agencies/entities/agency.entity';
import { Award } from './award.entity';
import { AwardBudgetSnapshotLine } from './award-version.entity';

export type BudgetRevisionStatus = 'applied' | 'pending' | 'approved' | 'rejected';

export interface BudgetLineChange {
  functionCode: string;
  objectCode: string;
  approved: string;
  proposed: string;
  /** Change against the approved amount in percent ("12.50"); null for a new line. */
  changePercent: string | null;
  beyondTolerance: boolean;
}

/**
 * An applicant's proposed budget (the whole budget, same total). Within the agency's tolerance
 * on every line it is `applied` at once; beyond it, `pending` until a program officer approves.
 */
@Entity({ name: 'award_budget_revisions' })
@Index('IDX_award_budget_revisions_award', ['agencyId', 'awardId', 'proposedAt'])
@Check(
  'CHK_award_budget_revisions_status',
  `"status" IN ('applied', 'pending', 'approved', 'rejected')`,
)
export class BudgetRevision {
  @PrimaryColumn({
    name: 'agency_id',
    type: 'uuid',
    primaryKeyConstraintName: 'PK_award_budget_revisions',
  })
  agencyId: string;

  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_award_budget_revisions' })
  id: string;

  @ManyToOne(() => Agency)
  @JoinColumn({ name: 'agency_id', foreignKeyConstraintName: 'FK_award_budget_revisions_agency' })
  agency?: Agency;

  @Column({ name: 'award_id', type: 'uuid' })
  awardId: string;

  @ManyToOne(() => Award)
  @JoinColumn([
    {
      name: 'agency_id',
      referencedColumnName: 'agencyId',
      foreignKeyConstraintName: 'FK_award_budget_revisions_award',
    },
    {
      name: 'award_id',
      referencedColumnName: 'id',
      foreignKeyConstraintName: 'FK_award_budget_revisions_award',
    },
  ])
  award?: Award;

  @Column({ type: 'text' })
  status: BudgetRevisionStatus;

  @Column({ name: 'base_budget_version', type: 'integer' })
  baseBudgetVersion: number;

  @Column({ type: 'jsonb' })
  lines: AwardBudgetSnapshotLine[];

  @Column({ type: 'jsonb' })
  changes: BudgetLineChange[];

  @Column({ name: 'tolerance_percent', type: 'numeric', precision: 5, scale: 2 })
  tolerancePercent: string;

  @Column({ type: 'text' })
  reason: string;

  @Column({ name: 'proposed_by', type: 'uuid' })
  proposedBy: string;

  @Column({ name: 'proposed_at', type: 'timestamptz', default: () => 'now()' })
  proposedAt: Date;

  @Column({ name: 'decided_by', type: 'uuid', nullable: true })
  decidedBy: string | null;

  @Column({ name: 'decided_at', type: 'timestamptz', nullable: true })
  decidedAt: Date | null;

  @Column({ name: 'decision_reason', type: 'text', nullable: true })
  decisionReason: string | null;
}
