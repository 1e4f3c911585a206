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
import { Award } from '../../awards/entities/award.entity';
import { LedgerTransaction } from './ledger-transaction.entity';

export const LEDGER_ACCOUNTS = [
  'program_funds',
  'undisbursed_obligation',
  'advance_outstanding',
  'cash',
  'refund_receivable',
] as const;
export type LedgerAccount = (typeof LEDGER_ACCOUNTS)[number];

/** One side of a posting: an account of one award, debited or credited a positive amount. */
@Entity({ name: 'ledger_entries' })
@Index('IDX_ledger_entries_award_account', ['agencyId', 'awardId', 'account'])
@Index('IDX_ledger_entries_transaction', ['agencyId', 'transactionId'])
@Check('CHK_ledger_entries_side', `"side" IN ('debit', 'credit')`)
@Check('CHK_ledger_entries_amount', `"amount" > 0`)
@Check(
  'CHK_ledger_entries_account',
  `"account" IN ('program_funds', 'undisbursed_obligation', 'advance_outstanding', 'cash', 'refund_receivable')`,
)
export class LedgerEntry {
  @PrimaryColumn({ name: 'agency_id', type: 'uuid', primaryKeyConstraintName: 'PK_ledger_entries' })
  agencyId: string;

  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_ledger_entries' })
  id: string;

  @ManyToOne(() => Agency)
  @JoinColumn({ name: 'agency_id', foreignKeyConstraintName: 'FK_ledger_entries_agency' })
  agency?: Agency;

  @Column({ name: 'transaction_id', type: 'uuid' })
  transactionId: string;

  @ManyToOne(() => LedgerTransaction)
  @JoinColumn([
    {
      name: 'agency_id',
      referencedColumnName: 'agencyId',
      foreignKeyConstraintName: 'FK_ledger_entries_transaction',
    },
    {
      name: 'transaction_id',
      referencedColumnName: 'id',
      foreignKeyConstraintName: 'FK_ledger_entries_transaction',
    },
  ])
  transaction?: LedgerTransaction;

  @Column({ name: 'award_id', type: 'uuid' })
  awardId: string;

  @ManyToOne(() => Award)
  @JoinColumn([
    {
      name: 'agency_id',
      referencedColumnName: 'agencyId',
      foreignKeyConstraintName: 'FK_ledger_entries_award',
    },
    {
      name: 'award_id',
      referencedColumnName: 'id',
      foreignKeyConstraintName: 'FK_ledger_entries_award',
    },
  ])
  award?: Award;

  @Column({ type: 'text' })
  account: LedgerAccount;

  @Column({ type: 'text' })
  side: 'debit' | 'credit';

  @Column({ type: 'numeric', precision: 14, scale: 2 })
  amount: string;
}
