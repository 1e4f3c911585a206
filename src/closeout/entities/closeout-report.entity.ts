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
import { Award } from '../../awards/entities/award.entity';

export interface ExpenditureLine {
  functionCode: string;
  objectCode: string;
  amount: string;
}

export type CloseoutStatus = 'submitted' | 'returned' | 'closed';

/**
 * The final expenditure report of an award (one per award) and, once the award is closed, the
 * settlement computed from it and the ledger: unspent balance, refund due, carryover.
 */
@Entity({ name: 'closeout_reports' })
@Unique('UQ_closeout_reports_award', ['agencyId', 'awardId'])
@Check('CHK_closeout_reports_status', `"status" IN ('submitted', 'returned', 'closed')`)
export class CloseoutReport {
  @PrimaryColumn({
    name: 'agency_id',
    type: 'uuid',
    primaryKeyConstraintName: 'PK_closeout_reports',
  })
  agencyId: string;

  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_closeout_reports' })
  id: string;

  @ManyToOne(() => Agency)
  @JoinColumn({ name: 'agency_id', foreignKeyConstraintName: 'FK_closeout_reports_agency' })
  agency?: Agency;

  @Column({ name: 'award_id', type: 'uuid' })
  awardId: string;

  @ManyToOne(() => Award)
  @JoinColumn([
    {
      name: 'agency_id',
      referencedColumnName: 'agencyId',
      foreignKeyConstraintName: 'FK_closeout_reports_award',
    },
    {
      name: 'award_id',
      referencedColumnName: 'id',
      foreignKeyConstraintName: 'FK_closeout_reports_award',
    },
  ])
  award?: Award;

  @Column({ type: 'text', default: 'submitted' })
  status: CloseoutStatus;

  @Column({ type: 'jsonb' })
  expenditures: ExpenditureLine[];

  @Column({ name: 'total_expenditures', type: 'numeric', precision: 14, scale: 2 })
  totalExpenditures: string;

  @Column({ type: 'text', default: '' })
  notes: string;

  @Column({ name: 'submitted_by', type: 'uuid' })
  submittedBy: string;

  @Column({ name: 'submitted_at', type: 'timestamptz', default: () => 'now()' })
  submittedAt: Date;

  @Column({ name: 'return_reason', type: 'text', nullable: true })
  returnReason: string | null;

  /** The settlement, set when the award closes. */
  @Column({ type: 'jsonb', nullable: true })
  settlement: CloseoutSettlement | null;

  @Column({ name: 'carryover_award_id', type: 'uuid', nullable: true })
  carryoverAwardId: string | null;

  @Column({ name: 'closed_by', type: 'uuid', nullable: true })
  closedBy: string | null;

  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true })
  closedAt: Date | null;
}

export interface CloseoutSettlement {
  obligated: string;
  expenditures: string;
  /** Reimbursed costs paid in cash or from advanced cash. */
  reimbursed: string;
  advanceOutstanding: string;
  advanceLiquidated: string;
  unspent: string;
  refundDue: string;
  carryover: string;
  carryoverCap: string | null;
}
