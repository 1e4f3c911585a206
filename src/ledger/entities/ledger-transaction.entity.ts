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
import { Award } from '../../awards/entities/award.entity';

export const LEDGER_KINDS = [
  'obligation',
  'adjustment',
  'disbursement',
  'advance',
  'liquidation',
  'deobligation',
  'refund_due',
  'reversal',
] as const;
export type LedgerKind = (typeof LEDGER_KINDS)[number];

/**
 * One balanced posting (double entry): its entries' debits equal its credits, checked by a
 * deferred trigger at commit. Append-only; a correction is a `reversal` of an earlier
 * transaction. (kind, source) is unique, so the same payment can never be posted twice.
 */
@Entity({ name: 'ledger_transactions' })
@Unique('UQ_ledger_transactions_source', ['agencyId', 'kind', 'sourceType', 'sourceId'])
// An award's postings in order (its ledger history); also backs the foreign key to awards.
@Index('IDX_ledger_transactions_award', ['agencyId', 'awardId', 'createdAt', 'id'])
@Check(
  'CHK_ledger_transactions_kind',
  `"kind" IN ('obligation', 'adjustment', 'disbursement', 'advance', 'liquidation', 'deobligation', 'refund_due', 'reversal')`,
)
export class LedgerTransaction {
  @PrimaryColumn({
    name: 'agency_id',
    type: 'uuid',
    primaryKeyConstraintName: 'PK_ledger_transactions',
  })
  agencyId: string;

  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_ledger_transactions' })
  id: string;

  @ManyToOne(() => Agency)
  @JoinColumn({ name: 'agency_id', foreignKeyConstraintName: 'FK_ledger_transactions_agency' })
  agency?: Agency;

  @Column({ name: 'award_id', type: 'uuid' })
  awardId: string;

  @ManyToOne(() => Award)
  @JoinColumn([
    {
      name: 'agency_id',
      referencedColumnName: 'agencyId',
      foreignKeyConstraintName: 'FK_ledger_transactions_award',
    },
    {
      name: 'award_id',
      referencedColumnName: 'id',
      foreignKeyConstraintName: 'FK_ledger_transactions_award',
    },
  ])
  award?: Award;

  @Column({ type: 'text' })
  kind: LedgerKind;

  /** What caused it: 'award', 'amendment', 'payment_request', 'closeout', 'ledger_transaction'. */
  @Column({ name: 'source_type', type: 'text' })
  sourceType: string;

  @Column({ name: 'source_id', type: 'uuid' })
  sourceId: string;

  @Column({ type: 'text' })
  memo: string;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;
}
