import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AgencyDirectory } from '../../agencies/agency-directory';
import { AwardCommitments } from '../../awards/award-commitments';
import { AwardFinance } from '../../awards/award-finance';
import { AwardNotifications } from '../../awards/award-notifications';
import { AuditLog } from '../../core/audit/audit-log';
import { Clock } from '../../core/clock/clock';
import { RequestContext } from '../../core/context/request-context';
import { TenantDb } from '../../core/context/tenant-db';
import { fromCents, toCents } from '../../core/money/money';
import { decodeCursor, pageLimit, TIME_AND_ID, toPage } from '../../core/pagination/keyset-cursor';
import { lineCeilingCents } from '../../awards/budget/award-budget-math';
import { AgencyCalendar } from '../agency-calendar';
import { approvalContentHash, requiredApprovals } from '../approvals/approval-chain';
import {
  PaymentRequest,
  PaymentRequestStatus,
  PaymentType,
} from '../entities/payment-request.entity';
import { PaymentRequestLine } from '../entities/payment-request-line.entity';
import { balancesView, Ledger } from '../../ledger/ledger';
import { Payees } from '../payees/payees.service';
import {
  AwardNotActiveError,
  ExceedsBalanceError,
  ExceedsBudgetLineError,
  OutsidePeriodOfAvailabilityError,
  PaymentRequestInvalidError,
  PaymentTypeNotAllowedError,
} from '../payments.errors';
import { PaymentRecords, remainingCents, RequestScope } from './payment-records';
import {
  advanceToApply,
  budgetLineProblems,
  combineLines,
  periodProblem,
  RequestLine,
} from './payment-request-rules';

export interface PaymentRequestInput {
  type: PaymentType;
  periodStart: string;
  periodEnd: string;
  description?: string;
  lines: RequestLine[];
}

type LockedAward = Awaited<ReturnType<AwardFinance['lock']>>;

/** What validation established about a new request: its merged lines and amounts in cents. */
interface CheckedRequest {
  lines: RequestLine[];
  amount: bigint;
  applied: bigint;
  approvalsRequired: number;
}

/**
 * Draw-downs on an award. Every check runs with the award row locked (FOR UPDATE), so
 * concurrent requests on one award are checked one after another against balances that
 * include each other: their total can never pass the award.
 */
@Injectable()
export class PaymentRequests {
  constructor(
    private readonly db: TenantDb,
    private readonly context: RequestContext,
    private readonly records: PaymentRecords,
    private readonly awards: AwardFinance,
    private readonly agencies: AgencyDirectory,
    private readonly calendar: AgencyCalendar,
    private readonly clock: Clock,
    private readonly ledger: Ledger,
    private readonly audit: AuditLog,
    private readonly notifications: AwardNotifications,
    private readonly payees: Payees,
    commitments: AwardCommitments,
  ) {
    commitments.register({
      committed: async (awardId) => (await this.records.position(awardId)).committedCash,
      lineUsage: (awardId) => this.records.lineUsage(awardId),
    });
  }

  async create(organizationId: string, awardId: string, input: PaymentRequestInput) {
    const award = await this.awards.lock({ organizationId }, awardId);
    const checked = await this.validate(award, input);
    const request = await this.persist(award, input, checked);
    const view = await this.records.view(request);
    await this.announce(award, request, view);
    return view;
  }

  /** Every rule a new request must pass, with the award locked; throws the first broken. */
  private async validate(award: LockedAward, input: PaymentRequestInput): Promise<CheckedRequest> {
    if (award.status !== 'active') throw new AwardNotActiveError(award.status);
    const finance = this.agencies.configOf(this.db.agencyId).finance;
    if (!finance.paymentModels.includes(input.type)) {
      throw new PaymentTypeNotAllowedError(input.type, finance.paymentModels);
    }
    const lines = combineLines(input.lines);
    const amount = lines.reduce((sum, l) => sum + toCents(l.amount), 0n);
    if (
      lines.length === 0 ||
      lines.some((l) => toCents(l.amount) <= 0n) ||
      input.periodEnd < input.periodStart
    ) {
      throw new PaymentRequestInvalidError([
        {
          pointer: '/lines',
          detail:
            'at least one line, every amount positive; the period must not end before it starts',
        },
      ]);
    }
    const period = periodProblem(
      input.type,
      { start: input.periodStart, end: input.periodEnd },
      { start: award.performanceStart, end: award.performanceEnd },
      this.calendar.today(),
    );
    if (period?.kind === 'outside_award') {
      throw new OutsidePeriodOfAvailabilityError(
        award.performanceStart,
        award.performanceEnd,
        period.detail,
      );
    }
    if (period) {
      throw new PaymentRequestInvalidError(
        [{ pointer: '/periodEnd', detail: period.detail }],
        'payment.future_costs',
        period.detail,
      );
    }
    const check = budgetLineProblems(
      lines,
      await this.awards.budgetLines(award.id),
      await this.records.lineUsage(award.id),
      finance.budgetTolerancePercent,
    );
    if (check.unknown.length > 0) {
      throw new PaymentRequestInvalidError(
        check.unknown,
        'payment.unknown_budget_line',
        'A line is not in the award budget.',
      );
    }
    if (check.beyond.length > 0) throw new ExceedsBudgetLineError(check.beyond);

    const position = await this.records.position(award.id);
    const applied =
      input.type === 'reimbursement'
        ? advanceToApply(amount, position.advanceOutstanding - position.committedAdvance)
        : 0n;
    const available = remainingCents(position);
    if (amount - applied > available) {
      throw new ExceedsBalanceError(
        fromCents(amount - applied),
        fromCents(available > 0n ? available : 0n),
      );
    }
    return {
      lines,
      amount,
      applied,
      approvalsRequired: requiredApprovals(fromCents(amount), finance.dualApprovalThreshold),
    };
  }

  /** Writes the request and its lines, bound to the payee that would be paid now. */
  private async persist(
    award: LockedAward,
    input: PaymentRequestInput,
    checked: CheckedRequest,
  ): Promise<PaymentRequest> {
    const id = randomUUID();
    const amountText = fromCents(checked.amount);
    // Bound from the start to whoever would be paid now; a later payee change lapses approvals.
    const payee = await this.payees.binding(award.organizationId);
    const repo = this.db.repo(PaymentRequest);
    const request = repo.create({
      agencyId: this.db.agencyId,
      id,
      reference: `PR-${id.slice(0, 8).toUpperCase()}`,
      awardId: award.id,
      organizationId: award.organizationId,
      type: input.type,
      status: 'submitted',
      amountRequested: amountText,
      amount: amountText,
      advanceApplied: fromCents(checked.applied),
      periodStart: input.periodStart,
      periodEnd: input.periodEnd,
      description: input.description ?? '',
      requiredApprovals: checked.approvalsRequired,
      payeeId: payee?.id ?? null,
      payeeVersion: payee?.version ?? null,
      requestedBy: this.context.requireUser().userId,
      requestedAt: this.clock.now(),
    });
    request.contentHash = approvalContentHash(request, checked.lines);
    await repo.save(request);
    const lineRepo = this.db.repo(PaymentRequestLine);
    await lineRepo.save(
      checked.lines.map((l) =>
        lineRepo.create({
          agencyId: this.db.agencyId,
          requestId: id,
          functionCode: l.functionCode,
          objectCode: l.objectCode,
          amountRequested: l.amount,
          amount: l.amount,
        }),
      ),
    );
    return request;
  }

  /** The audit record and the submitter's notice. */
  private async announce(
    award: LockedAward,
    request: PaymentRequest,
    view: Awaited<ReturnType<PaymentRecords['view']>>,
  ): Promise<void> {
    await this.audit.record({
      action: 'payment_request.submitted',
      entityType: 'payment_request',
      entityId: request.id,
      after: { ...view, approvalChain: undefined },
    });
    await this.notifications.send(
      'payment.submitted',
      {
        awardRef: award.reference,
        requestRef: request.reference,
        amount: request.amount,
        approvalsRequired: request.requiredApprovals,
      },
      [request.requestedBy],
    );
  }

  async get(scope: RequestScope, requestId: string) {
    return this.records.view(await this.records.find(scope, requestId));
  }

  async list(
    scope: RequestScope,
    query: {
      /** One status, or any of several (the finance pages' queue: every open status). */
      status?: PaymentRequestStatus | PaymentRequestStatus[];
      awardId?: string;
      cursor?: string;
      limit?: string;
    },
  ) {
    const limit = pageLimit(query.limit);
    const qb = this.db
      .repo(PaymentRequest)
      .createQueryBuilder('r')
      .where('r.agency_id = :agencyId', { agencyId: this.db.agencyId });
    if ('organizationId' in scope && scope.organizationId) {
      qb.andWhere('r.organization_id = :organizationId', { organizationId: scope.organizationId });
    }
    if (Array.isArray(query.status)) {
      qb.andWhere('r.status = ANY(:statuses::text[])', { statuses: query.status });
    } else if (query.status) {
      qb.andWhere('r.status = :status', { status: query.status });
    }
    if (query.awardId) qb.andWhere('r.award_id = :awardId', { awardId: query.awardId });
    const cursor = decodeCursor(query.cursor, TIME_AND_ID);
    if (cursor) {
      qb.andWhere('(r.requested_at, r.id) < (:at::timestamptz, :id::uuid)', {
        at: cursor[0],
        id: cursor[1],
      });
    }
    const rows = await qb
      .orderBy('r.requested_at', 'DESC')
      .addOrderBy('r.id', 'DESC')
      .limit(limit + 1)
      .getMany();
    const views = await this.records.views(rows.slice(0, limit));
    const byId = new Map(views.map((v) => [v.id, v]));
    return toPage(
      rows,
      limit,
      (r) => [r.requestedAt.toISOString(), r.id],
      (r) => byId.get(r.id)!,
    );
  }

  /**
   * Each budget line of the award with what live requests already charge to it and what is
   * left: on the line itself, and what a new request may still take within the agency's
   * tolerance (the ceiling `create` checks).
   */
  async lineBalances(scope: RequestScope, awardId: string) {
    const award = await this.awards.find(scope, awardId);
    const tolerance = this.agencies.configOf(this.db.agencyId).finance.budgetTolerancePercent;
    const used = await this.records.lineUsage(award.id);
    return (await this.awards.budgetLines(award.id)).map((line) => {
      const key = `${line.functionCode}/${line.objectCode}`;
      const charged = used.get(key) ?? 0n;
      const available = lineCeilingCents(line.amount, tolerance) - charged;
      return {
        functionCode: line.functionCode,
        objectCode: line.objectCode,
        description: line.description,
        budgeted: fromCents(toCents(line.amount)),
        requested: fromCents(charged),
        remaining: fromCents(toCents(line.amount) - charged),
        availableWithinTolerance: fromCents(available > 0n ? available : 0n),
      };
    });
  }

  /**
   * Requests of several organizations (one person's) still waiting for approval, oldest first,
   * in one query: the front door's task list (no approval chain; the request's page shows it).
   */
  async waitingForOrganizations(organizationIds: string[], limit = 100) {
    if (organizationIds.length === 0) return [];
    const rows = await this.db
      .repo(PaymentRequest)
      .createQueryBuilder('r')
      .where('r.agency_id = :agencyId AND r.organization_id = ANY(:ids::uuid[])', {
        agencyId: this.db.agencyId,
        ids: organizationIds,
      })
      .andWhere("r.status IN ('submitted', 'awaiting_second_approval')")
      .orderBy('r.requested_at', 'ASC')
      .addOrderBy('r.id', 'ASC')
      .limit(limit)
      .getMany();
    return rows.map((r) => ({
      id: r.id,
      reference: r.reference,
      awardId: r.awardId,
      organizationId: r.organizationId,
      amount: fromCents(toCents(r.amount)),
      requestedAt: r.requestedAt.toISOString(),
    }));
  }

  /** The kinds of request this agency accepts (Missouri: reimbursements only). */
  paymentModels(): PaymentType[] {
    return [...this.agencies.configOf(this.db.agencyId).finance.paymentModels];
  }

  /** How many finance officers must approve a request of this amount (the agency's threshold). */
  approvalsNeeded(amount: string): number {
    const finance = this.agencies.configOf(this.db.agencyId).finance;
    return requiredApprovals(amount, finance.dualApprovalThreshold);
  }

  /** The award's money: ledger balances, what unpaid requests reserve, what is left. */
  async awardPosition(scope: RequestScope, awardId: string) {
    const award = await this.awards.find(scope, awardId);
    const balances = await this.ledger.balances(award.id);
    const position = await this.records.position(award.id);
    const remaining = remainingCents(position);
    return {
      awardId: award.id,
      ...balancesView(balances),
      committed: fromCents(position.committedCash),
      remaining: fromCents(remaining),
    };
  }
}
