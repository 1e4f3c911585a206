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

export type AmendmentStatus = 'proposed' | 'approved' | 'rejected';

/**
 * A proposed change to an award's amount, period or budget. It counts only once a second
 * person with award.manage approves it: then it becomes the award's next version.
 */
@Entity({ name: 'award_amendments' })
@Index('IDX_award_amendments_award', ['agencyId', 'awardId', 'proposedAt'])
@Check('CHK_award_amendments_status', `"status" IN ('proposed', 'approved', 'rejected')`)
export class AwardAmendment {
  @PrimaryColumn({
    name: 'agency_id',
    type: 'uuid',
    primaryKeyConstraintName: 'PK_award_amendments',
  })
  agencyId: string;

  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_award_amendments' })
  id: string;

  @ManyToOne(() => Agency)
  @JoinColumn({ name: 'agency_id', foreignKeyConstraintName: 'FK_award_amendments_agency' })
  agency?: Agency;

  @Column({ name: 'award_id', type: 'uuid' })
  awardId: string;

  @ManyToOne(() => Award)
  @JoinColumn([
    {
      name: 'agency_id',
      referencedColumnName: 'agencyId',
      foreignKeyConstraintName: 'FK_award_amendments_award',
    },
    {
      name: 'award_id',
      referencedColumnName: 'id',
      foreignKeyConstraintName: 'FK_award_amendments_award',
    },
  ])
  award?: Award;

  @Column({ type: 'text', default: 'proposed' })
  status: AmendmentStatus;

  /** The award version this was proposed against: approving it on a newer version is refused. */
  @Column({ name: 'base_version', type: 'integer' })
  baseVersion: number;

  @Column({ type: 'numeric', precision: 14, scale: 2, nullable: true })
  amount: string | null;

  @Column({ name: 'performance_start', type: 'date', nullable: true })
  performanceStart: string | null;

  @Column({ name: 'performance_end', type: 'date', nullable: true })
  performanceEnd: string | null;

  @Column({ type: 'jsonb', nullable: true })
  budget: AwardBudgetSnapshotLine[] | null;

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

  @Column({ name: 'result_version', type: 'integer', nullable: true })
  resultVersion: number | null;
}
