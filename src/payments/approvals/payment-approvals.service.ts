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
import { isOpenPaymentRequest, PaymentRequest } from '../entities/payment-request.entity';
import { PaymentRequestLine } from '../entities/payment-request-line.entity';
import {
  AlreadyApprovedError,
  InvalidReductionError,
  NotAwaitingApprovalError,
  SelfApprovalError,
} from '../payments.errors';
import { DutyDirectory } from '../../identity/duties/duty-directory';
import { Payee } from '../entities/payee.entity';
import { payeeRequesters, Payees, sameBinding } from '../payees/payees.service';
import { PaymentRecords } from '../requests/payment-records';
import { PaymentSettlement } from '../settlement/payment-settlement';
import { WebhookEvents } from '../../webhooks/webhook-events';
import {
  approvalContentHash,
  checkApprover,
  countingApprovers,
  requiredApprovals,
  statusAfterApprovals,
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
    private readonly duties: DutyDirectory,
    private readonly payees: Payees,
    private readonly webhooks: WebhookEvents,
  ) {}

  async approve(requestId: string, input: ApprovalInput) {
    const { request, lines, approvals, awardReference } = await this.lockOpen(requestId);
    const approver = this.context.requireUser();
    const payee = await this.mayDecide(request);
    // The approval binds the payee that will be paid: a request still bound to an older payee
    // is re-bound first, so approvals given before the change stop counting.
    if (!sameBinding(request, payee)) {
      const binding = payee ? { id: payee.id, version: payee.version } : null;
      const previousHash = request.contentHash;
      await this.records.bindPayee(request, lines, binding);
      await this.audit.record({
        action: 'payment_request.payee_rebound',
        entityType: 'payment_request',
        entityId: request.id,
        before: { status: request.status, contentHash: previousHash },
        after: {
          status: request.status,
          contentHash: request.contentHash,
          payeeId: binding?.id ?? null,
          payeeVersion: binding?.version ?? null,
          approvalsLapsed: true,
        },
      });
    }
    const reduced =
      input.amount !== undefined || input.lines !== undefined
        ? await this.reduceToApprovedAmount(request, lines, input)
        : false;
    const verdict = checkApprover(
      approver.userId,
      request.requestedBy,
      approvals,
      request.contentHash,
    );
    if (verdict === 'already_approved') throw new AlreadyApprovedError();

    // Whoever already approved this content, and now this approver.
    const counting = [...countingApprovers(approvals, request.contentHash), approver.userId];
    const previousStatus = request.status;
    request.status = statusAfterApprovals(counting.length, request.requiredApprovals);
    const complete = request.status === 'approved';
    if (complete) {
      // The server's clock: which cut-off window the approval falls in decides its batch.
      request.approvedAt = this.clock.now();
    }
    const approval = await this.records.recordDecision(
      request,
      {
        approverId: approver.userId,
        approverEmail: approver.email ?? null,
        decision: 'approved',
        reason: input.reason ?? null,
      },
      complete || reduced || request.status !== previousStatus,
    );
    await this.audit.record({
      action: complete ? 'payment_request.approved' : 'payment_request.approval_recorded',
      entityType: 'payment_request',
      entityId: request.id,
      before: { status: previousStatus },
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
          awardRef: awardReference,
          requestRef: request.reference,
          amount: fromCents(toCents(request.amount)),
        },
        [request.requestedBy],
      );
      await this.webhooks.publish('payment_request.approved', {
        agencyCode: this.webhooks.agencyCode,
        paymentRequestId: request.id,
        reference: request.reference,
        awardId: request.awardId,
        organizationId: request.organizationId,
        amount: fromCents(toCents(request.amount)),
        approvedAt: request.approvedAt!.toISOString(),
      });
      // Covered entirely by advanced cash: nothing for the bank to pay, book it now.
      if (toCents(request.amount) === toCents(request.advanceApplied)) {
        await this.settlement.settle(request, this.calendar.today(), awardReference);
      }
    }
    return this.records.viewWith(request, lines, [...approvals, approval]);
  }

  async reject(requestId: string, reason: string) {
    const { request, lines, approvals, awardReference } = await this.lockOpen(requestId);
    const officer = this.context.requireUser();
    await this.mayDecide(request);
    const previousStatus = request.status;
    request.status = 'rejected';
    request.rejectedAt = this.clock.now();
    request.rejectionReason = reason;
    const rejection = await this.records.recordDecision(
      request,
      {
        approverId: officer.userId,
        approverEmail: officer.email ?? null,
        decision: 'rejected',
        reason,
      },
      true,
    );
    await this.audit.record({
      action: 'payment_request.rejected',
      entityType: 'payment_request',
      entityId: request.id,
      before: { status: previousStatus },
      after: { status: 'rejected', reason, by: officer.userId },
    });
    await this.notifications.send(
      'payment.rejected',
      {
        awardRef: awardReference,
        requestRef: request.reference,
        amount: fromCents(toCents(request.amount)),
        reason,
      },
      [request.requestedBy],
    );
    return this.records.viewWith(request, lines, [...approvals, rejection]);
  }

  /**
   * The separation-of-duties rule (identity/duties): not the requester, a member of the
   * district, whoever invited the requester, nor whoever chose the payee. Returns the payee.
   */
  private async mayDecide(request: PaymentRequest): Promise<Payee | undefined> {
    const payee = (await this.payees.active([request.organizationId])).get(request.organizationId);
    await this.duties.assertMayDecide(
      'payment_request',
      {
        requesterId: request.requestedBy,
        organizationId: request.organizationId,
        payeeChangedBy: payeeRequesters(payee),
      },
      () => new SelfApprovalError(),
    );
    return payee;
  }

  /**
   * Locks in the one order every money path uses: the award, then the request (read with its
   * lines and approvals in the same statement).
   */
  private async lockOpen(requestId: string) {
    const awardId = await this.records.awardOf(requestId);
    const awardReference = await this.awards.lockReference(awardId);
    const locked = await this.records.lockWithDetails(requestId);
    if (!isOpenPaymentRequest(locked.request.status))
      throw new NotAwaitingApprovalError(locked.request.status);
    return { ...locked, awardReference };
  }

  /**
   * Approving less than requested: the amount and lines shrink (never grow), the content hash
   * changes, so earlier approvals of the larger amount no longer count, and the threshold is
   * re-applied. Returns whether anything was reduced.
   */
  private async reduceToApprovedAmount(
    request: PaymentRequest,
    lines: PaymentRequestLine[],
    input: ApprovalInput,
  ): Promise<boolean> {
    const problems: FieldProblem[] = [];
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
    if (target === current) return false;

    for (const line of lines) {
      const amount = next.find(
        (l) => l.functionCode === line.functionCode && l.objectCode === line.objectCode,
      )!.amount;
      line.amount = fromCents(toCents(amount));
    }
    await this.records.updateLineAmounts(request.id, lines);
    const finance = this.agencies.configOf(this.db.agencyId).finance;
    request.amount = fromCents(target);
    request.advanceApplied = fromCents(minCents(toCents(request.advanceApplied), target));
    request.reductionReason = input.reason ?? null;
    request.requiredApprovals = requiredApprovals(request.amount, finance.dualApprovalThreshold);
    request.contentHash = approvalContentHash(request, lines);
    return true;
  }
}
