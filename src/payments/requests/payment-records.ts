import { Injectable } from '@nestjs/common';
import { TenantDb } from '../../core/context/tenant-db';
import { fromCents, normalizeAmount, toCents } from '../../core/money/money';
import { DutyDirectory, partiesKey } from '../../identity/duties/duty-directory';
import {
  approvalChain,
  approvalContentHash,
  ApprovalRecord,
  statusAfterApprovals,
} from '../approvals/approval-chain';
import { PaymentApproval } from '../entities/payment-approval.entity';
import { payeeRequesters, Payees } from '../payees/payees.service';
import { isOpenPaymentRequest, PaymentRequest } from '../entities/payment-request.entity';
import { PaymentRequestLine } from '../entities/payment-request-line.entity';
import { PaymentRequestNotFoundError } from '../payments.errors';
import { isUuid } from '../../core/ids';
import { entitySql, sql } from '../../core/database/sql-statement';

/** Unpaid statuses: their amounts are reserved against the award. */
export const UNPAID = ['submitted', 'awaiting_second_approval', 'approved', 'batched'] as const;

/** Money an award has in play, read in one statement (one snapshot). Cents. */
export interface AwardPosition {
  undisbursed: bigint;
  advanceOutstanding: bigint;
  /** Cash unpaid requests will still take. */
  committedCash: bigint;
  /** Advanced cash unpaid reimbursements will use up. */
  committedAdvance: bigint;
}

export type RequestScope = { organizationId: string } | Record<string, never>;

/** A request locked for a decision, with what the decision reads (one statement). */
export interface LockedRequest {
  request: PaymentRequest;
  /** In code order. */
  lines: PaymentRequestLine[];
  /** Oldest first. */
  approvals: ApprovalRecord[];
}

/** A decision to record; `requestChanged` also writes the request's decided columns. */
export interface DecisionInput {
  approverId: string;
  approverEmail: string | null;
  decision: 'approved' | 'rejected';
  reason: string | null;
}

// The decision path's reads in one round trip: the request row locked, its lines and approvals.
// Run after the award lock: every writer of approvals and lines holds it, so this statement's
// snapshot (taken once that lock is held) sees all of them.
const LOCK_WITH_DETAILS = entitySql(
  'payments.request-lock-with-details',
  PaymentRequest,
  'r',
  `SELECT {columns},
  (SELECT COALESCE(json_agg({json:l} ORDER BY l.function_code, l.object_code), '[]')
     FROM payment_request_lines l WHERE l.agency_id = r.agency_id AND l.request_id = r.id) AS lines,
  (SELECT COALESCE(json_agg({json:a} ORDER BY a.decided_at), '[]')
     FROM payment_approvals a WHERE a.agency_id = r.agency_id AND a.request_id = r.id) AS approvals
  FROM payment_requests r WHERE r.agency_id = $1 AND r.id = $2
  FOR UPDATE OF r`,
  {
    nested: {
      lines: { entity: PaymentRequestLine, alias: 'l' },
      approvals: { entity: PaymentApproval, alias: 'a' },
    },
  },
);

const INSERT_DECISION_TEXT = `INSERT INTO payment_approvals
  (agency_id, request_id, approver_id, approver_email, decision, amount, content_hash, reason)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING decided_at AS "decidedAt"`;
const INSERT_DECISION = sql<Pick<PaymentApproval, 'decidedAt'>>(
  'payments.approval-insert',
  INSERT_DECISION_TEXT,
);

// The decision and the request's new state in one statement (both rows are ours, locked).
const INSERT_DECISION_UPDATE_REQUEST = sql<Pick<PaymentApproval, 'decidedAt'>>(
  'payments.approval-insert-and-request-update',
  `WITH decision AS (${INSERT_DECISION_TEXT})
  UPDATE payment_requests r
     SET status = $9, approved_at = $10, rejected_at = $11, rejection_reason = $12,
         amount = $6, advance_applied = $13, reduction_reason = $14, required_approvals = $15,
         content_hash = $7
    FROM decision
   WHERE r.agency_id = $1 AND r.id = $2
  RETURNING decision."decidedAt"`,
);

const AWARD_OF = sql<Pick<PaymentRequest, 'awardId'>>(
  'payments.request-award',
  `SELECT award_id AS "awardId" FROM payment_requests WHERE agency_id = $1 AND id = $2`,
);

const UPDATE_LINE_AMOUNTS = sql(
  'payments.request-lines-update-amounts',
  `UPDATE payment_request_lines l SET amount = v.amount::numeric(14,2)
     FROM unnest($3::uuid[], $4::text[]) AS v(id, amount)
    WHERE l.agency_id = $1 AND l.request_id = $2 AND l.id = v.id`,
);

/** Sums as text: money never becomes a JS number. */
const POSITION = sql<{
  undisbursed: string;
  advanceOutstanding: string;
  committedCash: string;
  committedAdvance: string;
}>(
  'payments.award-position',
  `SELECT
     (SELECT COALESCE(SUM(CASE side WHEN 'credit' THEN amount ELSE -amount END), 0)
        FROM ledger_entries WHERE agency_id = $1 AND award_id = $2
         AND account = 'undisbursed_obligation')::text AS undisbursed,
     (SELECT COALESCE(SUM(CASE side WHEN 'debit' THEN amount ELSE -amount END), 0)
        FROM ledger_entries WHERE agency_id = $1 AND award_id = $2
         AND account = 'advance_outstanding')::text AS "advanceOutstanding",
     (SELECT COALESCE(SUM(amount - advance_applied), 0) FROM payment_requests
       WHERE agency_id = $1 AND award_id = $2 AND status = ANY($3))::text AS "committedCash",
     (SELECT COALESCE(SUM(advance_applied), 0) FROM payment_requests
       WHERE agency_id = $1 AND award_id = $2 AND status = ANY($3))::text AS "committedAdvance"`,
);

const LINE_USAGE = sql<{ code: string; used: string }>(
  'payments.award-line-usage',
  `SELECT l.function_code || '/' || l.object_code AS code, SUM(l.amount)::text AS used
     FROM payment_request_lines l
     JOIN payment_requests r ON r.agency_id = l.agency_id AND r.id = l.request_id
    WHERE r.agency_id = $1 AND r.award_id = $2 AND r.status <> 'rejected'
      AND ($3::uuid IS NULL OR r.id <> $3::uuid)
    GROUP BY 1`,
);

const REBIND_PAYEE = sql(
  'payments.request-rebind-payee',
  `UPDATE payment_requests
      SET payee_id = $3, payee_version = $4, content_hash = $5, status = $6, approved_at = $7
    WHERE agency_id = $1 AND id = $2`,
);

const BIND_PAYEE = sql(
  'payments.request-bind-payee',
  `UPDATE payment_requests SET payee_id = $3, payee_version = $4, content_hash = $5
    WHERE agency_id = $1 AND id = $2`,
);

/** Loading and locking payment requests, their lines and approvals; the award's position. */
@Injectable()
export class PaymentRecords {
  constructor(
    private readonly db: TenantDb,
    private readonly duties: DutyDirectory,
    private readonly payees: Payees,
  ) {}

  async find(scope: RequestScope, requestId: string, lock = false): Promise<PaymentRequest> {
    if (!isUuid(requestId)) throw new PaymentRequestNotFoundError();
    const qb = this.db
      .repo(PaymentRequest)
      .createQueryBuilder('r')
      .where('r.agency_id = :agencyId AND r.id = :requestId', {
        agencyId: this.db.agencyId,
        requestId,
      });
    if ('organizationId' in scope && scope.organizationId) {
      if (!isUuid(scope.organizationId)) throw new PaymentRequestNotFoundError();
      qb.andWhere('r.organization_id = :organizationId', { organizationId: scope.organizationId });
    }
    if (lock) qb.setLock('pessimistic_write');
    const request = await qb.getOne();
    if (!request) throw new PaymentRequestNotFoundError();
    return request;
  }

  /** The request's award (it never changes), read unlocked: the award is locked first. */
  async awardOf(requestId: string): Promise<string> {
    if (!isUuid(requestId)) throw new PaymentRequestNotFoundError();
    const rows = await this.db.rows(AWARD_OF, [this.db.agencyId, requestId]);
    if (rows.length === 0) throw new PaymentRequestNotFoundError();
    return rows[0].awardId;
  }

  /** Locks the request (FOR UPDATE) and reads its lines and approvals. Hold the award lock. */
  async lockWithDetails(requestId: string): Promise<LockedRequest> {
    const [row] = await this.db.rows(LOCK_WITH_DETAILS, [this.db.agencyId, requestId]);
    if (!row) throw new PaymentRequestNotFoundError();
    const { lines, approvals, ...request } = row;
    return { request, lines, approvals };
  }

  /** New amounts of existing lines (an approver approving less), in one statement. */
  async updateLineAmounts(requestId: string, lines: PaymentRequestLine[]): Promise<void> {
    await this.db.rows(UPDATE_LINE_AMOUNTS, [
      this.db.agencyId,
      requestId,
      lines.map((l) => l.id),
      lines.map((l) => l.amount),
    ]);
  }

  /**
   * Records a finance officer's decision bound to the request's current amount and content
   * hash; with `requestChanged`, writes the request's decided state (status, decision times,
   * reduced amount and hash) in the same statement. Returns the decision as the chain shows it.
   */
  async recordDecision(
    request: PaymentRequest,
    input: DecisionInput,
    requestChanged: boolean,
  ): Promise<ApprovalRecord> {
    const decisionValues = [
      this.db.agencyId,
      request.id,
      input.approverId,
      input.approverEmail,
      input.decision,
      request.amount,
      request.contentHash,
      input.reason,
    ];
    const rows = requestChanged
      ? await this.db.rows(INSERT_DECISION_UPDATE_REQUEST, [
          ...decisionValues,
          request.status,
          request.approvedAt,
          request.rejectedAt,
          request.rejectionReason,
          request.advanceApplied,
          request.reductionReason,
          request.requiredApprovals,
        ])
      : await this.db.rows(INSERT_DECISION, decisionValues);
    if (rows.length !== 1) throw new Error(`payment request ${request.id} was not updated`);
    return {
      approverId: input.approverId,
      approverEmail: input.approverEmail,
      decision: input.decision,
      amount: request.amount,
      contentHash: request.contentHash,
      reason: input.reason,
      decidedAt: rows[0].decidedAt,
    };
  }

  /** The lines of these requests in one query, by request, each in code order. */
  async linesOf(requestIds: string[]): Promise<Map<string, PaymentRequestLine[]>> {
    if (requestIds.length === 0) return new Map();
    const rows = await this.db
      .repo(PaymentRequestLine)
      .createQueryBuilder('l')
      .where('l.agency_id = :agencyId AND l.request_id = ANY(:requestIds::uuid[])', {
        agencyId: this.db.agencyId,
        requestIds,
      })
      .orderBy('l.request_id')
      .addOrderBy('l.function_code')
      .addOrderBy('l.object_code')
      .getMany();
    return groupBy(rows, (l) => l.requestId);
  }

  /** The approvals of these requests in one query, by request, each oldest first. */
  async approvalsOf(requestIds: string[]): Promise<Map<string, PaymentApproval[]>> {
    if (requestIds.length === 0) return new Map();
    const rows = await this.db
      .repo(PaymentApproval)
      .createQueryBuilder('a')
      .where('a.agency_id = :agencyId AND a.request_id = ANY(:requestIds::uuid[])', {
        agencyId: this.db.agencyId,
        requestIds,
      })
      .orderBy('a.request_id')
      .addOrderBy('a.decided_at')
      .getMany();
    return groupBy(rows, (a) => a.requestId);
  }

  async position(awardId: string): Promise<AwardPosition> {
    const [row] = await this.db.rows(POSITION, [this.db.agencyId, awardId, [...UNPAID]]);
    return {
      undisbursed: toCents(row.undisbursed),
      advanceOutstanding: toCents(row.advanceOutstanding),
      committedCash: toCents(row.committedCash),
      committedAdvance: toCents(row.committedAdvance),
    };
  }

  /** Per budget line, what live requests (unpaid or paid) already charge to it. */
  async lineUsage(awardId: string, excludeRequestId?: string): Promise<Map<string, bigint>> {
    const rows = await this.db.rows(LINE_USAGE, [
      this.db.agencyId,
      awardId,
      excludeRequestId ?? null,
    ]);
    return new Map(rows.map((r) => [r.code, toCents(r.used)]));
  }

  async view(request: PaymentRequest) {
    return (await this.views([request]))[0];
  }

  /** Views of a page of requests: two queries (lines, approvals) whatever the page size. */
  async views(requests: PaymentRequest[]): Promise<PaymentRequestView[]> {
    const ids = requests.map((r) => r.id);
    // One connection per transaction: queries run one after another, never in parallel.
    const lines = await this.linesOf(ids);
    const approvals = await this.approvalsOf(ids);
    const excluded = await this.excludedApprovers(requests);
    return requests.map((r) =>
      paymentRequestView(
        r,
        lines.get(r.id) ?? [],
        approvals.get(r.id) ?? [],
        excluded.get(partiesKey(partiesOf(r))),
      ),
    );
  }

  /** A request's view from what a decision already holds (lines, approvals). */
  async viewWith(
    request: PaymentRequest,
    lines: PaymentRequestLine[],
    approvals: ApprovalRecord[],
  ) {
    const excluded = await this.excludedApprovers([request]);
    return paymentRequestView(
      request,
      lines,
      approvals,
      excluded.get(partiesKey(partiesOf(request))),
    );
  }

  /** For the open requests among these: who besides the requester may not approve them. */
  async excludedApprovers(requests: PaymentRequest[]): Promise<Map<string, string[]>> {
    const payees = await this.payees.active(requests.map((r) => r.organizationId));
    return this.duties.excluded(
      requests
        .filter((r) => isOpenPaymentRequest(r.status))
        .map((r) => ({
          ...partiesOf(r),
          payeeChangedBy: payeeRequesters(payees.get(r.organizationId)),
        })),
    );
  }

  /**
   * The organization's payee changed: its open requests are bound to the new payee (their
   * content hash changes, so approvals given so far stop counting) and approved, unbatched
   * ones, and those awaiting a second approval, go back to `submitted` for approval. Locks
   * those request rows. Returns what changed.
   */
  async rebindToPayee(
    organizationId: string,
    payee: { id: string; version: number } | null,
  ): Promise<Array<{ request: PaymentRequest; previousStatus: string; previousHash: string }>> {
    const requests = await this.db
      .repo(PaymentRequest)
      .createQueryBuilder('r')
      .where('r.agency_id = :agencyId AND r.organization_id = :organizationId', {
        agencyId: this.db.agencyId,
        organizationId,
      })
      .andWhere("r.status IN ('submitted', 'awaiting_second_approval', 'approved')")
      .orderBy('r.id')
      .setLock('pessimistic_write')
      .getMany();
    const lines = await this.linesOf(requests.map((r) => r.id));
    const changed = [];
    for (const request of requests) {
      const previous = { previousStatus: request.status, previousHash: request.contentHash };
      request.payeeId = payee?.id ?? null;
      request.payeeVersion = payee?.version ?? null;
      request.contentHash = approvalContentHash(request, lines.get(request.id) ?? []);
      // The new hash has no approvals yet.
      request.status = statusAfterApprovals(0, request.requiredApprovals);
      request.approvedAt = null;
      await this.db.rows(REBIND_PAYEE, [
        this.db.agencyId,
        request.id,
        request.payeeId,
        request.payeeVersion,
        request.contentHash,
        request.status,
        request.approvedAt,
      ]);
      changed.push({ request, ...previous });
    }
    return changed;
  }

  /** Binds one request (locked by the caller) to the payee; its content hash follows. */
  async bindPayee(
    request: PaymentRequest,
    lines: PaymentRequestLine[],
    payee: { id: string; version: number } | null,
  ): Promise<void> {
    request.payeeId = payee?.id ?? null;
    request.payeeVersion = payee?.version ?? null;
    request.contentHash = approvalContentHash(request, lines);
    await this.db.rows(BIND_PAYEE, [
      this.db.agencyId,
      request.id,
      request.payeeId,
      request.payeeVersion,
      request.contentHash,
    ]);
  }
}

function groupBy<T>(rows: T[], key: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const group = groups.get(key(row));
    if (group) group.push(row);
    else groups.set(key(row), [row]);
  }
  return groups;
}

const partiesOf = (r: PaymentRequest) => ({
  requesterId: r.requestedBy,
  organizationId: r.organizationId,
});

export function remainingCents(p: AwardPosition): bigint {
  return p.undisbursed - p.advanceOutstanding - p.committedCash;
}

export function paymentRequestView(
  r: PaymentRequest,
  lines: PaymentRequestLine[],
  approvals: ApprovalRecord[],
  alsoExcluded: string[] = [],
) {
  return {
    id: r.id,
    reference: r.reference,
    awardId: r.awardId,
    organizationId: r.organizationId,
    type: r.type,
    status: r.status,
    amountRequested: normalizeAmount(r.amountRequested),
    amount: normalizeAmount(r.amount),
    /** Advanced cash this reimbursement uses up; the bank pays `cashAmount`. */
    advanceApplied: normalizeAmount(r.advanceApplied),
    cashAmount: fromCents(toCents(r.amount) - toCents(r.advanceApplied)),
    period: { start: r.periodStart, end: r.periodEnd },
    description: r.description,
    lines: lines.map((l) => ({
      functionCode: l.functionCode,
      objectCode: l.objectCode,
      amountRequested: normalizeAmount(l.amountRequested),
      amount: normalizeAmount(l.amount),
    })),
    contentHash: r.contentHash,
    reductionReason: r.reductionReason,
    rejectionReason: r.rejectionReason,
    requestedBy: r.requestedBy,
    requestedAt: r.requestedAt.toISOString(),
    approvedAt: r.approvedAt?.toISOString() ?? null,
    rejectedAt: r.rejectedAt?.toISOString() ?? null,
    batchId: r.batchId,
    paidOn: r.paidOn,
    paidAt: r.paidAt?.toISOString() ?? null,
    /** The payee (id, version) the approvals are bound to; null while there is none. */
    payee: r.payeeId ? { id: r.payeeId, version: r.payeeVersion } : null,
    approvalChain: approvalChain({
      requestedBy: r.requestedBy,
      required: r.requiredApprovals,
      contentHash: r.contentHash,
      approvals,
      open: isOpenPaymentRequest(r.status),
      alsoExcluded,
    }),
  };
}

export type PaymentRequestView = ReturnType<typeof paymentRequestView>;
