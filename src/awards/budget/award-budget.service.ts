import { Injectable } from '@nestjs/common';
import { Clock } from '../../core/clock/clock';
import { AgencyDirectory } from '../../agencies/agency-directory';
import { AuditLog } from '../../core/audit/audit-log';
import { RequestContext } from '../../core/context/request-context';
import { TenantDb } from '../../core/context/tenant-db';
import { FieldProblem } from '../../core/errors/domain-error';
import { etagOf, IfMatch, ifMatchHolds } from '../../core/idempotency/etag';
import { DutyDirectory } from '../../identity/duties/duty-directory';
import { fromCents, normalizeAmount, toCents } from '../../core/money/money';
import { AwardCommitments } from '../award-commitments';
import { AwardNotifications } from '../award-notifications';
import { AwardRecords, AwardScope } from '../award-records';
import { isUuid } from '../../core/ids';
import { budgetView } from '../award.view';
import {
  BudgetInvalidError,
  BudgetPreconditionRequiredError,
  BudgetRevisionNotFoundError,
  BudgetRevisionStateError,
  BudgetStaleError,
  SelfApprovalError,
} from '../awards.errors';
import { AwardsService } from '../awards.service';
import { Award } from '../entities/award.entity';
import { BudgetRevision } from '../entities/budget-revision.entity';
import {
  BudgetLineInput,
  budgetTotalCents,
  combineByCode,
  compareBudgets,
} from './award-budget-math';

const revisionView = (r: BudgetRevision) => ({
  id: r.id,
  awardId: r.awardId,
  status: r.status,
  baseBudgetVersion: r.baseBudgetVersion,
  tolerancePercent: r.tolerancePercent,
  lines: r.lines,
  changes: r.changes,
  requiresApproval: r.changes.some((c) => c.beyondTolerance),
  reason: r.reason,
  proposedBy: r.proposedBy,
  proposedAt: r.proposedAt.toISOString(),
  decidedBy: r.decidedBy,
  decidedAt: r.decidedAt?.toISOString() ?? null,
  decisionReason: r.decisionReason,
});

/**
 * The award budget by function x object code and the applicant's revisions. A revision keeps
 * the total; lines within the agency's tolerance of their approved amount apply at once, a line
 * beyond it waits for a program officer, and only an approved revision counts (for payment
 * requests and as the next award version).
 */
@Injectable()
export class AwardBudget {
  constructor(
    private readonly db: TenantDb,
    private readonly context: RequestContext,
    private readonly records: AwardRecords,
    private readonly awards: AwardsService,
    private readonly agencies: AgencyDirectory,
    private readonly commitments: AwardCommitments,
    private readonly audit: AuditLog,
    private readonly notices: AwardNotifications,
    private readonly duties: DutyDirectory,
    private readonly clock: Clock,
  ) {}

  async view(scope: AwardScope, awardId: string) {
    const award = await this.records.find(scope, awardId);
    return budgetView(award, await this.records.budgetLines(award.id));
  }

  async propose(
    organizationId: string,
    awardId: string,
    input: { lines: BudgetLineInput[]; reason: string },
    ifMatch: IfMatch,
  ) {
    if (ifMatch.kind === 'missing') throw new BudgetPreconditionRequiredError();
    const award = await this.records.find({ organizationId }, awardId, true);
    if (!ifMatchHolds(ifMatch, award.budgetVersion))
      throw new BudgetStaleError(etagOf(award.budgetVersion));
    this.awards.requireStatus(award, ['active'], 'revised');
    const pending = await this.db.repo(BudgetRevision).findOne({
      where: { agencyId: this.db.agencyId, awardId: award.id, status: 'pending' },
    });
    if (pending) {
      throw new BudgetRevisionStateError(
        'A revision of this budget is waiting for approval; it must be decided first.',
        'award.budget_revision_pending',
      );
    }
    const lines = combineByCode(input.lines);
    this.checkLines(award, lines);
    await this.checkUsage(award.id, lines);
    const current = await this.records.budgetLines(award.id);
    const tolerance = this.agencies.configOf(this.db.agencyId).finance.budgetTolerancePercent;
    const changes = compareBudgets(
      current.map((l) => ({ ...l, amount: l.approvedAmount })),
      lines,
      tolerance,
    );
    const currentChanges = compareBudgets(current, lines, tolerance);
    if (currentChanges.length === 0) {
      throw new BudgetInvalidError([{ pointer: '/lines', detail: 'the budget is unchanged' }]);
    }
    const needsApproval = changes.some((c) => c.beyondTolerance);
    const repo = this.db.repo(BudgetRevision);
    const revision = await repo.save(
      repo.create({
        agencyId: this.db.agencyId,
        awardId: award.id,
        status: needsApproval ? 'pending' : 'applied',
        baseBudgetVersion: award.budgetVersion,
        lines,
        changes,
        tolerancePercent: tolerance,
        reason: input.reason,
        proposedBy: this.context.requireUser().userId,
      }),
    );
    if (!needsApproval) {
      await this.records.replaceBudget(award.id, lines, false);
      award.budgetVersion += 1;
      await this.records.save(award);
    }
    await this.audit.record({
      action: needsApproval ? 'budget_revision.proposed' : 'budget_revision.applied',
      entityType: 'award',
      entityId: award.id,
      after: revisionView(revision),
    });
    await this.notices.send(
      'budget.revision',
      { awardRef: award.reference, status: revision.status },
      needsApproval ? [revision.proposedBy, award.offeredBy] : [revision.proposedBy],
    );
    return {
      revision: revisionView(revision),
      budget: budgetView(award, await this.records.budgetLines(award.id)),
    };
  }

  async decide(
    awardId: string,
    revisionId: string,
    decision: 'approved' | 'rejected',
    reason?: string,
  ) {
    const award = await this.records.find({}, awardId, true);
    const revision = isUuid(revisionId)
      ? await this.db.repo(BudgetRevision).findOne({
          where: { agencyId: this.db.agencyId, awardId: award.id, id: revisionId },
          lock: { mode: 'pessimistic_write' },
        })
      : null;
    if (!revision) throw new BudgetRevisionNotFoundError();
    if (revision.status !== 'pending') {
      throw new BudgetRevisionStateError(`The revision is ${revision.status}, not pending.`);
    }
    const officer = this.context.requireUser().userId;
    // Approving and rejecting alike: a district's own member must not decide its revision.
    await this.duties.assertMayDecide(
      'budget_revision',
      { requesterId: revision.proposedBy, organizationId: award.organizationId },
      () => new SelfApprovalError('a budget revision', 'award.budget_self_approval'),
    );
    if (decision === 'approved') {
      this.awards.requireStatus(award, ['active'], 'revised');
      if (revision.baseBudgetVersion !== award.budgetVersion) {
        throw new BudgetRevisionStateError(
          'The budget changed since this revision was proposed; it must be proposed again.',
          'award.budget_revision_stale',
        );
      }
      await this.checkUsage(award.id, revision.lines);
      await this.records.replaceBudget(award.id, revision.lines, true);
      award.budgetVersion += 1;
      award.version += 1;
      award.amountThisAction = '0.00';
      await this.records.save(award);
      await this.records.addVersion({
        awardId: award.id,
        version: award.version,
        action: 'budget_revision',
        amount: award.amount,
        amountThisAction: '0.00',
        performanceStart: award.performanceStart,
        performanceEnd: award.performanceEnd,
        budget: revision.lines,
        reason: revision.reason,
        sourceId: revision.id,
        approvedBy: officer,
      });
      await this.awards.queueNotice(award.id, award.version);
    }
    Object.assign(revision, {
      status: decision,
      decidedBy: officer,
      decidedAt: this.clock.now(),
      decisionReason: reason ?? null,
    });
    await this.db.repo(BudgetRevision).save(revision);
    await this.audit.record({
      action: `budget_revision.${decision}`,
      entityType: 'award',
      entityId: award.id,
      after: revisionView(revision),
    });
    await this.notices.toOrganization(
      award,
      'budget.revision',
      { awardRef: award.reference, status: decision, reason },
      [revision.proposedBy],
    );
    return revisionView(revision);
  }

  /** The agency's tolerance: a line may move this percent of its approved amount without approval. */
  tolerancePercent(): string {
    return this.agencies.configOf(this.db.agencyId).finance.budgetTolerancePercent;
  }

  async revisions(scope: AwardScope, awardId: string) {
    const award = await this.records.find(scope, awardId);
    const rows = await this.db.repo(BudgetRevision).find({
      where: { agencyId: this.db.agencyId, awardId: award.id },
      order: { proposedAt: 'ASC' },
    });
    return { items: rows.map(revisionView) };
  }

  /** A line may not drop below what payment requests already charge to it. */
  async checkUsage(awardId: string, lines: BudgetLineInput[], pointer = '/lines'): Promise<void> {
    const usage = await this.commitments.lineUsage(awardId);
    const problems: FieldProblem[] = [];
    for (const [code, used] of usage) {
      const index = lines.findIndex((l) => `${l.functionCode}/${l.objectCode}` === code);
      const amount = index < 0 ? 0n : toCents(lines[index].amount);
      if (amount < used) {
        problems.push({
          pointer: index < 0 ? pointer : `${pointer}/${index}/amount`,
          detail: `${code} already carries ${fromCents(used)} in payment requests`,
        });
      }
    }
    if (problems.length > 0) throw new BudgetInvalidError(problems);
  }

  private checkLines(award: Award, lines: BudgetLineInput[]): void {
    const finance = this.agencies.configOf(this.db.agencyId).finance;
    const problems: FieldProblem[] = [];
    lines.forEach((l, i) => {
      if (!finance.allowedFunctionCodes.includes(l.functionCode)) {
        problems.push({
          pointer: `/lines/${i}/functionCode`,
          detail: `${l.functionCode} is not allowed`,
        });
      }
      if (!finance.allowedObjectCodes.includes(l.objectCode)) {
        problems.push({
          pointer: `/lines/${i}/objectCode`,
          detail: `${l.objectCode} is not allowed`,
        });
      }
    });
    if (budgetTotalCents(lines) !== toCents(award.amount)) {
      problems.push({
        pointer: '/lines',
        detail: `must total the award amount ${normalizeAmount(award.amount)}`,
      });
    }
    if (problems.length > 0) throw new BudgetInvalidError(problems);
  }
}
