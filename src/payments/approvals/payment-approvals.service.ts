import { Injectable } from '@nestjs/common';
import { AgencyDirectory } from '../../agencies/agency-directory';
import { AwardFinance } from '../../awards/award-finance';
import { AwardNotifications } from '../../awards/award-notifications';
import { prorate } from '../../awards/budget/award-budget-math';
import { AuditLog } from '../../core/audit/audit-log';
import { Clock } from '../../core/clock/clock';
import { RequestContext } from '../../core/context/request-context';
import { TenantDb } from '../../core/context/tenant-db';
import { FieldProblem } from '../../core/errors/domain-error';
import { fromCents, isAmount, minCents, toCents } from '../../core/money/money';
import { AgencyCalendar } from '../agency-calendar';
import { PaymentApproval } from '../entities/payment-approval.entity';
import { PaymentRequest } from '../entities/payment-request.entity';
import { PaymentRequestLine } from '../entities/payment-request-line.entity';
import {
  AlreadyApprovedError,
  InvalidReductionError,
  NotAwaitingApprovalError,
  SelfApprovalError,
} from '../payments.errors';
import { PaymentRecords } from '../requests/payment-records';
import { PaymentSettlement } from '../settlement/payment-settlement';
import {
  approvalContentHash,
  checkApprover,
  countingApprovers,
  requiredApprovals,
} from './approval-chain';

export interface ApprovalInput {
  /** Approve less than the current amount (a reason is then required). */
  amount?: string;
  lines?: Array<{ functionCode: string; objectCode: string; amount: string }>;
  reason?: string;
}

/**
 * Finance officers' decisions. The award row, then the request row, are locked, so two
 * approvals of one request are decided one after another. Nobody decides on a request they
 * created; an approver approves given content once; at or above the agency's threshold two
 * different approvers of the same content are needed.
 */
@Injectable()
export class PaymentApprovals {
  constructor(
    private readonly db: TenantDb,
    private readonly context: RequestContext,
    private readonly records: PaymentRecords,
    private readonly awards: AwardFinance,
    private readonly agencies: AgencyDirectory,
    private readonly calendar: AgencyCalendar,
    private readonly clock: Clock,
    private readonly settlement: PaymentSettlement,
    private readonly audit: AuditLog,
    private readonly notifications: AwardNotifications,
  ) {}

  async approve(requestId: string, input: ApprovalInput) {
    const { request, award } = await this.lockOpen(requestId);
    const approver = this.context.requireUser();
    if (approver.userId === request.requestedBy) throw new SelfApprovalError();
    const approvals = await this.records.approvals(request.id);
    if (input.amount !== undefined || input.lines !== undefined) await this.reduce(request, input);
    const verdict = checkApprover(
      approver.userId,
      request.requestedBy,
      approvals,
      request.contentHash,
    );
    if (verdict === 'already_approved') throw new AlreadyApprovedError();

    const repo = this.db.repo(PaymentApproval);
    const approval = repo.create({
      agencyId: this.db.agencyId,
      requestId: request.id,
      approverId: approver.userId,
      approverEmail: approver.email ?? null,
      decision: 'approved',
      amount: request.amount,
      contentHash: request.contentHash,
      reason: input.reason ?? null,
    });
    await repo.save(approval);
    const counting = countingApprovers([...approvals, approval], request.contentHash);
    const complete = counting.length >= request.requiredApprovals;
    if (complete) {
      request.status = 'approved';
      // The server's clock: which cut-off window the approval falls in decides its batch.
      request.approvedAt = this.clock.now();
    }
    await this.db.repo(PaymentRequest).save(request);
    await this.audit.record({
      action: complete ? 'payment_request.approved' : 'payment_request.approval_recorded',
      entityType: 'payment_request',
      entityId: request.id,
      before: { status: 'submitted' },
      after: {
        status: request.status,
        approver: approver.userId,
        amount: request.amount,
        contentHash: request.contentHash,
        approvals: `${counting.length}/${request.requiredApprovals}`,
      },
    });
    if (complete) {
      await this.notifications.send(
        'payment.approved',
        {
          awardRef: award.reference,
          requestRef: request.reference,
          amount: fromCents(toCents(request.amount)),
        },
        [request.requestedBy],
      );
      // Covered entirely by advanced cash: nothing for the bank to pay, book it now.
      if (toCents(request.amount) === toCents(request.advanceApplied)) {
        await this.settlement.settle(request, this.calendar.today(), award.reference);
      }
    }
    return this.records.view(request);
  }

  async reject(requestId: string, reason: string) {
    const { request, award } = await this.lockOpen(requestId);
    const officer = this.context.requireUser();
    if (officer.userId === request.requestedBy) throw new SelfApprovalError();
    const repo = this.db.repo(PaymentApproval);
    await repo.save(
      repo.create({
        agencyId: this.db.agencyId,
        requestId: request.id,
        approverId: officer.userId,
        approverEmail: officer.email ?? null,
        decision: 'rejected',
        amount: request.amount,
        contentHash: request.contentHash,
        reason,
      }),
    );
    request.status = 'rejected';
    request.rejectedAt = this.clock.now();
    request.rejectionReason = reason;
    await this.db.repo(PaymentRequest).save(request);
    await this.audit.record({
      action: 'payment_request.rejected',
      entityType: 'payment_request',
      entityId: request.id,
      before: { status: 'submitted' },
      after: { status: 'rejected', reason, by: officer.userId },
    });
    await this.notifications.send(
      'payment.rejected',
      {
        awardRef: award.reference,
        requestRef: request.reference,
        amount: fromCents(toCents(request.amount)),
        reason,
      },
      [request.requestedBy],
    );
    return this.records.view(request);
  }

  /** Locks in the one order every money path uses: the award, then the request. */
  private async lockOpen(requestId: string) {
    const unlocked = await this.records.find({}, requestId);
    const award = await this.awards.lock({}, unlocked.awardId);
    const request = await this.records.find({}, requestId, true);
    if (request.status !== 'submitted') throw new NotAwaitingApprovalError(request.status);
    return { request, award };
  }

  /**
   * Approving less: the amount and lines shrink (never grow), the content hash changes, so
   * earlier approvals of the larger amount no longer count, and the threshold is re-applied.
   */
  private async reduce(request: PaymentRequest, input: ApprovalInput): Promise<void> {
    const problems: FieldProblem[] = [];
    const lines = await this.records.lines(request.id);
    const current = toCents(request.amount);
    let next = lines.map((l) => ({
      functionCode: l.functionCode,
      objectCode: l.objectCode,
      description: '',
      amount: l.amount,
    }));
    if (input.lines) {
      const given = new Map(
        input.lines.map((l) => [`${l.functionCode}/${l.objectCode}`, l.amount]),
      );
      next = next.map((l) => ({
        ...l,
        amount: given.get(`${l.functionCode}/${l.objectCode}`) ?? l.amount,
      }));
      input.lines.forEach((l, i) => {
        const line = lines.find(
          (x) => x.functionCode === l.functionCode && x.objectCode === l.objectCode,
        );
        if (!line)
          problems.push({ pointer: `/lines/${i}`, detail: 'is not a line of this request' });
        else if (
          !isAmount(l.amount) ||
          toCents(l.amount) < 0n ||
          toCents(l.amount) > toCents(line.amount)
        ) {
          problems.push({
            pointer: `/lines/${i}/amount`,
            detail: `must be from 0.00 to ${line.amount}`,
          });
        }
      });
    }
    if (problems.length > 0) throw new InvalidReductionError(problems);
    const target =
      input.amount !== undefined
        ? toCents(input.amount)
        : next.reduce((s, l) => s + toCents(l.amount), 0n);
    if (!input.lines) next = prorate(next, target);
    const total = next.reduce((s, l) => s + toCents(l.amount), 0n);
    if (target <= 0n || target > current)
      problems.push({
        pointer: '/amount',
        detail: `must be more than 0.00 and at most ${fromCents(current)}`,
      });
    else if (total !== target)
      problems.push({ pointer: '/lines', detail: `must total ${fromCents(target)}` });
    if (target < current && !input.reason?.trim())
      problems.push({ pointer: '/reason', detail: 'approving less than requested needs a reason' });
    if (problems.length > 0) throw new InvalidReductionError(problems);
    if (target === current) return;

    for (const line of lines) {
      const amount = next.find(
        (l) => l.functionCode === line.functionCode && l.objectCode === line.objectCode,
      )!.amount;
      line.amount = fromCents(toCents(amount));
    }
    await this.db.repo(PaymentRequestLine).save(lines);
    const finance = this.agencies.configOf(this.db.agencyId).finance;
    request.amount = fromCents(target);
    request.advanceApplied = fromCents(minCents(toCents(request.advanceApplied), target));
    request.reductionReason = input.reason ?? null;
    request.requiredApprovals = requiredApprovals(request.amount, finance.dualApprovalThreshold);
    request.contentHash = approvalContentHash({
      requestId: request.id,
      awardId: request.awardId,
      type: request.type,
      amount: request.amount,
      periodStart: request.periodStart,
      periodEnd: request.periodEnd,
      lines: lines.map((l) => ({
        functionCode: l.functionCode,
        objectCode: l.objectCode,
        amount: l.amount,
      })),
    });
  }
}
