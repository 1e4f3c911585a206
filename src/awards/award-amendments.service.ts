import { Injectable } from '@nestjs/common';
import { AgencyDirectory } from '../agencies/agency-directory';
import { AuditLog } from '../core/audit/audit-log';
import { Clock } from '../core/clock/clock';
import { RequestContext } from '../core/context/request-context';
import { TenantDb } from '../core/context/tenant-db';
import { FieldProblem } from '../core/errors/domain-error';
import { fromCents, isAmount, normalizeAmount, toCents } from '../core/money/money';
import { DutyDirectory } from '../identity/duties/duty-directory';
import { Ledger } from '../ledger/ledger';
import { AwardCommitments } from './award-commitments';
import { AwardNotifications } from './award-notifications';
import { AwardRecords } from './award-records';
import { isUuid } from '../core/ids';
import {
  AmendmentBelowCommittedError,
  AmendmentNotFoundError,
  AmendmentStateError,
  AwardInvalidError,
  BudgetInvalidError,
  SelfApprovalError,
} from './awards.errors';
import { AwardsService } from './awards.service';
import { AwardBudget } from './budget/award-budget.service';
import { budgetTotalCents, combineByCode } from './budget/award-budget-math';
import { Award } from './entities/award.entity';
import { AwardAmendment } from './entities/award-amendment.entity';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export interface AmendmentInput {
  amount?: string;
  performanceStart?: string;
  performanceEnd?: string;
  budget?: Array<{
    functionCode: string;
    objectCode: string;
    description?: string;
    amount: string;
  }>;
  reason: string;
}

const amendmentView = (a: AwardAmendment) => ({
  id: a.id,
  awardId: a.awardId,
  status: a.status,
  baseVersion: a.baseVersion,
  amount: a.amount === null ? null : normalizeAmount(a.amount),
  periodOfPerformance:
    a.performanceStart || a.performanceEnd
      ? { start: a.performanceStart, end: a.performanceEnd }
      : null,
  budget: a.budget,
  reason: a.reason,
  proposedBy: a.proposedBy,
  proposedAt: a.proposedAt.toISOString(),
  decidedBy: a.decidedBy,
  decidedAt: a.decidedAt?.toISOString() ?? null,
  decisionReason: a.decisionReason,
  resultVersion: a.resultVersion,
});

/**
 * Amendments to amount, period or budget: proposed by one person with award.manage and
 * approved by a different one; approval makes the next award version, posts the obligation
 * adjustment to the ledger and queues the amended notice.
 */
@Injectable()
export class AwardAmendments {
  constructor(
    private readonly db: TenantDb,
    private readonly context: RequestContext,
    private readonly records: AwardRecords,
    private readonly awards: AwardsService,
    private readonly agencies: AgencyDirectory,
    private readonly ledger: Ledger,
    private readonly commitments: AwardCommitments,
    private readonly budgets: AwardBudget,
    private readonly audit: AuditLog,
    private readonly notices: AwardNotifications,
    private readonly duties: DutyDirectory,
    private readonly clock: Clock,
  ) {}

  async propose(awardId: string, input: AmendmentInput) {
    const award = await this.records.find({}, awardId, true);
    this.awards.requireStatus(award, ['offered', 'active'], 'amended');
    const problems: FieldProblem[] = [];
    if (input.amount !== undefined && (!isAmount(input.amount) || toCents(input.amount) <= 0n)) {
      problems.push({ pointer: '/amount', detail: 'must be a positive decimal amount' });
    }
    const start = input.performanceStart ?? award.performanceStart;
    const end = input.performanceEnd ?? award.performanceEnd;
    if (!DATE.test(start) || !DATE.test(end) || end < start) {
      problems.push({
        pointer: '/performanceEnd',
        detail: 'the period must start on or before it ends',
      });
    }
    const changesSomething =
      input.amount !== undefined || input.performanceStart || input.performanceEnd || input.budget;
    if (!changesSomething)
      problems.push({ pointer: '', detail: 'change the amount, period or budget' });
    if (problems.length > 0) throw new AwardInvalidError(problems);
    const amount = input.amount === undefined ? null : fromCents(toCents(input.amount));
    const budget = input.budget ? this.checkBudget(input.budget, amount ?? award.amount) : null;
    const hasBudget = (await this.records.budgetLines(award.id)).length > 0;
    if (amount !== null && amount !== normalizeAmount(award.amount) && !budget && hasBudget) {
      throw new BudgetInvalidError([
        { pointer: '/budget', detail: 'a change of amount needs the budget for the new amount' },
      ]);
    }
    const repo = this.db.repo(AwardAmendment);
    const amendment = await repo.save(
      repo.create({
        agencyId: this.db.agencyId,
        awardId: award.id,
        status: 'proposed',
        baseVersion: award.version,
        amount,
        performanceStart: input.performanceStart ?? null,
        performanceEnd: input.performanceEnd ?? null,
        budget,
        reason: input.reason,
        proposedBy: this.context.requireUser().userId,
      }),
    );
    await this.audit.record({
      action: 'award_amendment.proposed',
      entityType: 'award',
      entityId: award.id,
      after: amendmentView(amendment),
    });
    return amendmentView(amendment);
  }

  async approve(awardId: string, amendmentId: string, reason?: string) {
    const award = await this.records.find({}, awardId, true);
    const amendment = await this.find(award.id, amendmentId);
    const approver = this.context.requireUser().userId;
    const newCents = await this.validateApproval(award, amendment);
    const change = await this.persistApproval(award, amendment, newCents, approver, reason);
    await this.announceApproval(award, amendment, change);
    return amendmentView(amendment);
  }

  /**
   * An amendment may be approved by someone other than its proposer, on the award version it
   * was proposed on, never below what is already paid or committed, with a budget the spending
   * so far fits. Returns the new award amount in cents. The award row is locked.
   */
  private async validateApproval(award: Award, amendment: AwardAmendment): Promise<bigint> {
    await this.duties.assertMayDecide(
      'award_amendment',
      { requesterId: amendment.proposedBy, organizationId: award.organizationId },
      () => new SelfApprovalError('an amendment', 'award.amendment_self_approval'),
    );
    this.awards.requireStatus(award, ['offered', 'active'], 'amended');
    if (amendment.baseVersion !== award.version) {
      throw new AmendmentStateError(
        `The award changed (version ${award.version}) since this amendment was proposed on version ${amendment.baseVersion}; propose it again.`,
        'award.amendment_stale',
      );
    }
    const oldCents = toCents(award.amount);
    const newCents = amendment.amount === null ? oldCents : toCents(amendment.amount);
    if (newCents < oldCents) {
      const b = await this.ledger.balances(award.id);
      const minimum =
        b.obligated -
        b.undisbursed +
        b.advanceOutstanding +
        (await this.commitments.committed(award.id));
      if (newCents < minimum) throw new AmendmentBelowCommittedError(fromCents(minimum));
    }
    if (amendment.budget) await this.budgets.checkUsage(award.id, amendment.budget, '/budget');
    return newCents;
  }

  /**
   * The obligation adjustment on the ledger, the next award version (amount, period, budget)
   * and the amendment's decision. Returns what the audit record needs.
   */
  private async persistApproval(
    award: Award,
    amendment: AwardAmendment,
    newCents: bigint,
    approver: string,
    reason: string | undefined,
  ): Promise<{ before: Record<string, unknown>; ledgerTransactionId: string | null }> {
    const delta = newCents - toCents(award.amount);
    const ledgerTransactionId =
      delta === 0n
        ? null
        : await this.ledger.post({
            awardId: award.id,
            kind: 'adjustment',
            sourceType: 'amendment',
            sourceId: amendment.id,
            memo: `Amendment of award ${award.reference} to ${fromCents(newCents)}`,
            legs:
              delta > 0n
                ? [
                    { account: 'program_funds', debit: delta },
                    { account: 'undisbursed_obligation', credit: delta },
                  ]
                : [
                    { account: 'undisbursed_obligation', debit: -delta },
                    { account: 'program_funds', credit: -delta },
                  ],
          });
    const before = {
      version: award.version,
      amount: normalizeAmount(award.amount),
      start: award.performanceStart,
      end: award.performanceEnd,
    };
    award.version += 1;
    award.amount = fromCents(newCents);
    award.amountThisAction = fromCents(delta);
    award.performanceStart = amendment.performanceStart ?? award.performanceStart;
    award.performanceEnd = amendment.performanceEnd ?? award.performanceEnd;
    if (amendment.budget) {
      await this.records.replaceBudget(award.id, amendment.budget, true);
      award.budgetVersion += 1;
    }
    await this.records.save(award);
    const lines = await this.records.budgetLines(award.id);
    await this.records.addVersion({
      awardId: award.id,
      version: award.version,
      action: 'amendment',
      amount: award.amount,
      amountThisAction: award.amountThisAction,
      performanceStart: award.performanceStart,
      performanceEnd: award.performanceEnd,
      budget: lines.map((l) => ({
        functionCode: l.functionCode,
        objectCode: l.objectCode,
        description: l.description,
        amount: normalizeAmount(l.approvedAmount),
      })),
      reason: amendment.reason,
      sourceId: amendment.id,
      approvedBy: approver,
    });
    Object.assign(amendment, {
      status: 'approved',
      decidedBy: approver,
      decidedAt: this.clock.now(),
      decisionReason: reason ?? null,
      resultVersion: award.version,
    });
    await this.db.repo(AwardAmendment).save(amendment);
    return { before, ledgerTransactionId };
  }

  /** The amended award notice (a job), the audit record and the organization's notice. */
  private async announceApproval(
    award: Award,
    amendment: AwardAmendment,
    change: { before: Record<string, unknown>; ledgerTransactionId: string | null },
  ): Promise<void> {
    await this.awards.queueNotice(award.id, award.version);
    await this.audit.record({
      action: 'award_amendment.approved',
      entityType: 'award',
      entityId: award.id,
      before: change.before,
      after: { ...amendmentView(amendment), ledgerTransactionId: change.ledgerTransactionId },
    });
    await this.notices.toOrganization(
      award,
      'award.amended',
      {
        awardRef: award.reference,
        programTitle: award.programTitle,
        amount: award.amount,
        version: award.version,
        reason: amendment.reason,
      },
      [amendment.proposedBy],
    );
  }

  async reject(awardId: string, amendmentId: string, reason: string) {
    const award = await this.records.find({}, awardId, true);
    const amendment = await this.find(award.id, amendmentId);
    Object.assign(amendment, {
      status: 'rejected',
      decidedBy: this.context.requireUser().userId,
      decidedAt: this.clock.now(),
      decisionReason: reason,
    });
    await this.db.repo(AwardAmendment).save(amendment);
    await this.audit.record({
      action: 'award_amendment.rejected',
      entityType: 'award',
      entityId: award.id,
      after: amendmentView(amendment),
    });
    return amendmentView(amendment);
  }

  async list(awardId: string) {
    const award = await this.records.find({}, awardId);
    const rows = await this.db.repo(AwardAmendment).find({
      where: { agencyId: this.db.agencyId, awardId: award.id },
      order: { proposedAt: 'ASC' },
    });
    return { items: rows.map(amendmentView) };
  }

  private async find(awardId: string, amendmentId: string): Promise<AwardAmendment> {
    const amendment = isUuid(amendmentId)
      ? await this.db.repo(AwardAmendment).findOne({
          where: { agencyId: this.db.agencyId, awardId, id: amendmentId },
          lock: { mode: 'pessimistic_write' },
        })
      : null;
    if (!amendment) throw new AmendmentNotFoundError();
    if (amendment.status !== 'proposed') {
      throw new AmendmentStateError(`The amendment is already ${amendment.status}.`);
    }
    return amendment;
  }

  private checkBudget(lines: NonNullable<AmendmentInput['budget']>, amount: string) {
    const combined = combineByCode(lines);
    const finance = this.agencies.configOf(this.db.agencyId).finance;
    const problems: FieldProblem[] = [];
    combined.forEach((l, i) => {
      if (
        !finance.allowedFunctionCodes.includes(l.functionCode) ||
        !finance.allowedObjectCodes.includes(l.objectCode)
      ) {
        problems.push({
          pointer: `/budget/${i}`,
          detail: `${l.functionCode} x ${l.objectCode} is not an allowed code pair`,
        });
      }
    });
    if (budgetTotalCents(combined) !== toCents(amount)) {
      problems.push({
        pointer: '/budget',
        detail: `must total the award amount ${normalizeAmount(amount)}`,
      });
    }
    if (problems.length > 0) throw new BudgetInvalidError(problems);
    return combined;
  }
}
