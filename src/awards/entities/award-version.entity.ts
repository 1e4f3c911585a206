import {
  Check,
  Column,
  Entity,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  Unique,
} from 'typeorm';
import { Agency } from '../../agencies/entities/agency.entity';
import { Award } from './award.entity';

export interface AwardBudgetSnapshotLine {
  functionCode: string;
  objectCode: string;
  description: string;
  amount: string;
}

export const AWARD_ACTIONS = ['award', 'amendment', 'budget_revision'] as const;
export type AwardAction = (typeof AWARD_ACTIONS)[number];

/**
 * One version of an award: the terms as of an action (the original award, an approved
 * amendment, an approved budget revision). Append-only: a trigger refuses UPDATE and DELETE.
 */
@Entity({ name: 'award_versions' })
@Unique('UQ_award_versions_number', ['agencyId', 'awardId', 'version'])
@Check('CHK_award_versions_action', `"action" IN ('award', 'amendment', 'budget_revision')`)
export class AwardVersion {
  @PrimaryColumn({ name: 'agency_id', type: 'uuid', primaryKeyConstraintName: 'PK_award_versions' })
  agencyId: string;

  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_award_versions' })
  id: string;

  @ManyToOne(() => Agency)
  @JoinColumn({ name: 'agency_id', foreignKeyConstraintName: 'FK_award_versions_agency' })
  agency?: Agency;

  @Column({ name: 'award_id', type: 'uuid' })
  awardId: string;

  @ManyToOne(() => Award)
  @JoinColumn([
    {
      name: 'agency_id',
      referencedColumnName: 'agencyId',
      foreignKeyConstraintName: 'FK_award_versions_award',
    },
    {
      name: 'award_id',
      referencedColumnName: 'id',
      foreignKeyConstraintName: 'FK_award_versions_award',
    },
  ])
  award?: Award;

  @Column({ type: 'integer' })
  version: number;

  @Column({ type: 'text' })
  action: AwardAction;

  @Column({ type: 'numeric', precision: 14, scale: 2 })
  amount: string;

  @Column({ name: 'amount_this_action', type: 'numeric', precision: 14, scale: 2 })
  amountThisAction: string;

  @Column({ name: 'performance_start', type: 'date' })
  performanceStart: string;

  @Column({ name: 'performance_end', type: 'date' })
  performanceEnd: string;

  @Column({ type: 'jsonb' })
  budget: AwardBudgetSnapshotLine[];

  @Column({ type: 'text', nullable: true })
  reason: string | null;

  /** The amendment or budget revision this version came from. */
  @Column({ name: 'source_id', type: 'uuid', nullable: true })
  sourceId: string | null;

  @Column({ name: 'approved_by', type: 'uuid', nullable: true })
  approvedBy: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;
}
