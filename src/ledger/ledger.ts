import { Injectable } from '@nestjs/common';
import { RequestContext } from '../core/context/request-context';
import { TenantDb } from '../core/context/tenant-db';
import { fromCents, toCents } from '../core/money/money';
import { LedgerAccount } from './entities/ledger-entry.entity';
import { LedgerKind } from './entities/ledger-transaction.entity';
import { entitySql, sql } from '../core/database/sql-statement';
import { LedgerEntry } from './entities/ledger-entry.entity';
import { LedgerTransaction } from './entities/ledger-transaction.entity';

// clock_timestamp(), not now(): postings made in one transaction keep their order.
const INSERT_TRANSACTION = sql<Pick<LedgerTransaction, 'id'>>(
  'ledger.transaction-insert',
  `INSERT INTO ledger_transactions (agency_id, award_id, kind, source_type, source_id, memo, created_by, created_at)
   VALUES ($1, $2, $3, $4, $5, $6, $7, clock_timestamp()) RETURNING id`,
);

const INSERT_ENTRIES = sql(
  'ledger.entries-insert',
  `INSERT INTO ledger_entries (agency_id, transaction_id, award_id, account, side, amount)
   SELECT $1, $2, $3, e.account, e.side, e.amount::numeric(14,2)
     FROM unnest($4::text[], $5::text[], $6::text[]) AS e(account, side, amount)`,
);

const LEGS = entitySql(
  'ledger.transaction-legs',
  LedgerEntry,
  'e',
  `SELECT {columns}
     FROM ledger_transactions t
     JOIN ledger_entries e ON e.agency_id = t.agency_id AND e.transaction_id = t.id
    WHERE t.agency_id = $1 AND t.id = $2`,
  { pick: ['awardId', 'account', 'side', 'amount'] },
);

const FIND = entitySql(
  'ledger.transaction-of-source',
  LedgerTransaction,
  't',
  `SELECT {columns} FROM ledger_transactions t
    WHERE t.agency_id = $1 AND t.kind = $2 AND t.source_type = $3 AND t.source_id = $4`,
  { pick: ['id'] },
);

/** Net debit per account, as text: money never becomes a JS number. */
const BALANCES = sql<{ account: LedgerEntry['account']; net: string }>(
  'ledger.award-balances',
  `SELECT account,
          SUM(CASE side WHEN 'debit' THEN amount ELSE -amount END)::numeric(16,2)::text AS net
     FROM ledger_entries
    WHERE agency_id = $1 AND award_id = $2
    GROUP BY account`,
);

const HISTORY = entitySql(
  'ledger.award-history',
  LedgerTransaction,
  't',
  `SELECT {columns}, json_agg({json:e} ORDER BY e.side DESC, e.account) AS entries
     FROM ledger_transactions t
     JOIN ledger_entries e ON e.agency_id = t.agency_id AND e.transaction_id = t.id
    WHERE t.agency_id = $1 AND t.award_id = $2
    GROUP BY t.agency_id, t.id
    ORDER BY t.created_at, t.id`,
  {
    pick: ['id', 'kind', 'sourceType', 'sourceId', 'memo', 'createdAt'],
    nested: { entries: { entity: LedgerEntry, alias: 'e' } },
  },
);

/** One leg of a posting; exactly one of debit/credit, in cents. Zero legs are dropped. */
export interface PostingLeg {
  account: LedgerAccount;
  debit?: bigint;
  credit?: bigint;
}

export interface PostingInput {
  awardId: string;
  kind: LedgerKind;
  sourceType: string;
  sourceId: string;
  memo: string;
  legs: PostingLeg[];
}

/** An award's balances, derived from its ledger entries (never stored). Cents. */
export interface AwardBalances {
  /** Currently obligated to the subrecipient (net of adjustments and deobligation). */
  obligated: bigint;
  /** Obligated and not yet drawn down by reimbursed costs. */
  undisbursed: bigint;
  /** Cash advanced and not yet accounted for by costs: the subrecipient's cash on hand. */
  advanceOutstanding: bigint;
  /** Cash paid out. */
  disbursed: bigint;
  refundReceivable: bigint;
}

export class UnbalancedPostingError extends Error {}

/**
 * The double-entry ledger: append-only postings of balanced legs. The database enforces the
 * same (a deferred trigger checks each transaction balances at commit; UPDATE, DELETE and
 * TRUNCATE are refused), this class keeps callers from ever trying. Posting twice for the
 * same (kind, source) fails on a unique key, so a payment cannot be booked twice.
 */
@Injectable()
export class Ledger {
  constructor(
    private readonly db: TenantDb,
    private readonly context: RequestContext,
  ) {}

  async post(input: PostingInput): Promise<string> {
    const legs = input.legs
      .map((leg) => ({ ...leg, debit: leg.debit ?? 0n, credit: leg.credit ?? 0n }))
      .filter((leg) => leg.debit !== 0n || leg.credit !== 0n);
    let balance = 0n;
    for (const leg of legs) {
      if (leg.debit < 0n || leg.credit < 0n || (leg.debit > 0n && leg.credit > 0n)) {
        throw new UnbalancedPostingError(`a leg is either a positive debit or a positive credit`);
      }
      balance += leg.debit - leg.credit;
    }
    if (legs.length < 2 || balance !== 0n) {
      throw new UnbalancedPostingError(`${input.kind} posting does not balance`);
    }
    const [tx] = await this.db.rows(INSERT_TRANSACTION, [
      this.db.agencyId,
      input.awardId,
      input.kind,
      input.sourceType,
      input.sourceId,
      input.memo,
      this.context.actor?.userId ?? null,
    ]);
    await this.db.rows(INSERT_ENTRIES, [
      this.db.agencyId,
      tx.id,
      input.awardId,
      legs.map((l) => l.account),
      legs.map((l) => (l.debit > 0n ? 'debit' : 'credit')),
      legs.map((l) => fromCents(l.debit > 0n ? l.debit : l.credit)),
    ]);
    return tx.id;
  }

  /** A correction: the same legs with sides swapped, pointing at what it reverses. */
  async reverse(transactionId: string, memo: string): Promise<string> {
    const rows = await this.db.rows(LEGS, [this.db.agencyId, transactionId]);
    if (rows.length === 0) throw new Error(`no ledger transaction ${transactionId}`);
    return this.post({
      awardId: rows[0].awardId,
      kind: 'reversal',
      sourceType: 'ledger_transaction',
      sourceId: transactionId,
      memo,
      legs: rows.map((r) =>
        r.side === 'debit'
          ? { account: r.account, credit: toCents(r.amount) }
          : { account: r.account, debit: toCents(r.amount) },
      ),
    });
  }

  /** The posting of this kind for this source, if any (e.g. an award's obligation). */
  async find(kind: LedgerKind, sourceType: string, sourceId: string): Promise<string | undefined> {
    const rows = await this.db.rows(FIND, [this.db.agencyId, kind, sourceType, sourceId]);
    return rows[0]?.id;
  }

  async balances(awardId: string): Promise<AwardBalances> {
    const rows = await this.db.rows(BALANCES, [this.db.agencyId, awardId]);
    const net = (account: LedgerAccount) => {
      const row = rows.find((r) => r.account === account);
      return row ? toCents(row.net) : 0n;
    };
    return {
      obligated: net('program_funds'),
      undisbursed: -net('undisbursed_obligation'),
      advanceOutstanding: net('advance_outstanding'),
      disbursed: -net('cash'),
      refundReceivable: net('refund_receivable'),
    };
  }

  /** The award's postings, oldest first, each with its legs (for the award's ledger view). */
  async history(awardId: string) {
    const rows = await this.db.rows(HISTORY, [this.db.agencyId, awardId]);
    return rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      source: { type: r.sourceType, id: r.sourceId },
      memo: r.memo,
      postedAt: r.createdAt.toISOString(),
      entries: r.entries.map((e) => ({
        account: e.account,
        side: e.side,
        amount: fromCents(toCents(e.amount)),
      })),
    }));
  }
}

export const balancesView = (b: AwardBalances) => ({
  obligated: fromCents(b.obligated),
  undisbursed: fromCents(b.undisbursed),
  cashOnHand: fromCents(b.advanceOutstanding),
  disbursed: fromCents(b.disbursed),
  refundReceivable: fromCents(b.refundReceivable),
});
