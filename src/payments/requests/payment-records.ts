import { Injectable } from '@nestjs/common';
import { TenantDb } from '../../core/context/tenant-db';
import { fromCents, toCents } from '../../core/money/money';
import { approvalChain, ApprovalRecord } from '../approvals/approval-chain';
import { PaymentApproval } from '../entities/payment-approval.entity';
import { PaymentRequest } from '../entities/payment-request.entity';
import { PaymentRequestLine } from '../entities/payment-request-line.entity';
import { PaymentRequestNotFoundError } from '../payments.errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const money = (v: string) => fromCents(toCents(v));

/** Unpaid statuses: their amounts are reserved against the award. */
export const UNPAID = ['submitted', 'approved', 'batched'] as const;

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

/** Loading and locking payment requests, their lines and approvals; the award's position. */
@Injectable()
export class PaymentRecords {
  constructor(private readonly db: TenantDb) {}

  async find(scope: RequestScope, requestId: string, lock = false): Promise<PaymentRequest> {
    if (!UUID.test(requestId)) throw new PaymentRequestNotFoundError();
    const qb = this.db
      .repo(PaymentRequest)
      .createQueryBuilder('r')
      .where('r.agency_id = :agencyId AND r.id = :requestId', {
        agencyId: this.db.agencyId,
        requestId,
      });
    if ('organizationId' in scope && scope.organizationId) {
      if (!UUID.test(scope.organizationId)) throw new PaymentRequestNotFoundError();
      qb.andWhere('r.organization_id = :organizationId', { organizationId: scope.organizationId });
    }
    if (lock) qb.setLock('pessimistic_write');
    const request = await qb.getOne();
    if (!request) throw new PaymentRequestNotFoundError();
    return request;
  }

  async lines(requestId: string): Promise<PaymentRequestLine[]> {
    return (await this.linesOf([requestId])).get(requestId) ?? [];
  }

  async approvals(requestId: string): Promise<ApprovalRecord[]> {
    return (await this.approvalsOf([requestId])).get(requestId) ?? [];
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
    const [row]: Array<Record<string, string>> = await this.db.manager.query(
      `SELECT
         (SELECT COALESCE(SUM(CASE side WHEN 'credit' THEN amount ELSE -amount END), 0)
            FROM ledger_entries WHERE agency_id = $1 AND award_id = $2
             AND account = 'undisbursed_obligation')::text AS undisbursed,
         (SELECT COALESCE(SUM(CASE side WHEN 'debit' THEN amount ELSE -amount END), 0)
            FROM ledger_entries WHERE agency_id = $1 AND award_id = $2
             AND account = 'advance_outstanding')::text AS advance_outstanding,
         (SELECT COALESCE(SUM(amount - advance_applied), 0) FROM payment_requests
           WHERE agency_id = $1 AND award_id = $2 AND status = ANY($3))::text AS committed_cash,
         (SELECT COALESCE(SUM(advance_applied), 0) FROM payment_requests
           WHERE agency_id = $1 AND award_id = $2 AND status = ANY($3))::text AS committed_advance`,
      [this.db.agencyId, awardId, [...UNPAID]],
    );
    return {
      undisbursed: toCents(row.undisbursed),
      advanceOutstanding: toCents(row.advance_outstanding),
      committedCash: toCents(row.committed_cash),
      committedAdvance: toCents(row.committed_advance),
    };
  }

  /** Per budget line, what live requests (unpaid or paid) already charge to it. */
  async lineUsage(awardId: string, excludeRequestId?: string): Promise<Map<string, bigint>> {
    const rows: Array<{ code: string; used: string }> = await this.db.manager.query(
      `SELECT l.function_code || '/' || l.object_code AS code, SUM(l.amount)::text AS used
         FROM payment_request_lines l
         JOIN payment_requests r ON r.agency_id = l.agency_id AND r.id = l.request_id
        WHERE r.agency_id = $1 AND r.award_id = $2 AND r.status <> 'rejected'
          AND ($3::uuid IS NULL OR r.id <> $3::uuid)
        GROUP BY 1`,
      [this.db.agencyId, awardId, excludeRequestId ?? null],
    );
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
    return requests.map((r) =>
      paymentRequestView(r, lines.get(r.id) ?? [], approvals.get(r.id) ?? []),
    );
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

export function remainingCents(p: AwardPosition): bigint {
  return p.undisbursed - p.advanceOutstanding - p.committedCash;
}

export function paymentRequestView(
  r: PaymentRequest,
  lines: PaymentRequestLine[],
  approvals: ApprovalRecord[],
) {
  return {
    id: r.id,
    reference: r.reference,
    awardId: r.awardId,
    organizationId: r.organizationId,
    type: r.type,
    status: r.status,
    amountRequested: money(r.amountRequested),
    amount: money(r.amount),
    /** Advanced cash this reimbursement uses up; the bank pays `cashAmount`. */
    advanceApplied: money(r.advanceApplied),
    cashAmount: fromCents(toCents(r.amount) - toCents(r.advanceApplied)),
    period: { start: r.periodStart, end: r.periodEnd },
    description: r.description,
    lines: lines.map((l) => ({
      functionCode: l.functionCode,
      objectCode: l.objectCode,
      amountRequested: money(l.amountRequested),
      amount: money(l.amount),
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
    approvalChain: approvalChain({
      requestedBy: r.requestedBy,
      required: r.requiredApprovals,
      contentHash: r.contentHash,
      approvals,
      open: r.status === 'submitted',
    }),
  };
}

export type PaymentRequestView = ReturnType<typeof paymentRequestView>;
