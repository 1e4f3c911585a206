import { Injectable } from '@nestjs/common';
import { Clock } from '../core/clock/clock';
import { AwardFinance, AwardScope } from '../awards/award-finance';
import { AwardNotifications } from '../awards/award-notifications';
import { prorate } from '../awards/budget/award-budget-math';
import { AuditLog } from '../core/audit/audit-log';
import { RequestContext } from '../core/context/request-context';
import { TenantDb } from '../core/context/tenant-db';
import { FieldProblem } from '../core/errors/domain-error';
import { fromCents, toCents } from '../core/money/money';
import { Ledger } from '../ledger/ledger';
import { PaymentDirectory } from '../payments/payment-directory';
import {
  CarryoverNotAllowedError,
  CloseoutReportNotFoundError,
  CloseoutStateError,
  ExpenditureReportInvalidError,
} from './closeout.errors';
import { isSettlementProblem, settle, Settlement, settlementView } from './closeout-settlement';
import { CloseoutReport, ExpenditureLine } from './entities/closeout-report.entity';

const reportView = (r: CloseoutReport) => ({
  id: r.id,
  awardId: r.awardId,
  status: r.status,
  expenditures: r.expenditures,
  totalExpenditures: fromCents(toCents(r.totalExpenditures)),
  notes: r.notes,
  submittedBy: r.submittedBy,
  submittedAt: r.submittedAt.toISOString(),
  returnReason: r.returnReason,
  settlement: r.settlement,
  carryoverAwardId: r.carryoverAwardId,
  closedBy: r.closedBy,
  closedAt: r.closedAt?.toISOString() ?? null,
});

/**
 * Closeout: the representative's final expenditure report, then (program or finance officer)
 * the settlement from the ledger: advanced cash liquidated against the reported costs, refunds
 * due, the unspent balance deobligated and, where the program allows, carried over (up to its
 * cap) into a next-year award; the award closes.
 */
@Injectable()
export class CloseoutService {
  constructor(
    private readonly db: TenantDb,
    private readonly context: RequestContext,
    private readonly awards: AwardFinance,
    private readonly ledger: Ledger,
    private readonly payments: PaymentDirectory,
    private readonly audit: AuditLog,
    private readonly notifications: AwardNotifications,
    private readonly clock: Clock,
  ) {}

  async submit(
    organizationId: string,
    awardId: string,
    input: { expenditures: ExpenditureLine[]; notes?: string },
  ) {
    const award = await this.awards.lock({ organizationId }, awardId);
    if (award.status !== 'active') {
      throw new CloseoutStateError(
        'closeout.award_not_active',
        `A final report needs an active award (this one is ${award.status}).`,
      );
    }
    const budget = await this.awards.budgetLines(award.id);
    const problems: FieldProblem[] = [];
    const lines = new Map<string, bigint>();
    input.expenditures.forEach((l, i) => {
      const key = `${l.functionCode}/${l.objectCode}`;
      if (!budget.some((b) => `${b.functionCode}/${b.objectCode}` === key)) {
        problems.push({
          pointer: `/expenditures/${i}`,
          detail: `${key} is not a line of the award's budget`,
        });
      }
      lines.set(key, (lines.get(key) ?? 0n) + toCents(l.amount));
    });
    if (problems.length > 0) throw new ExpenditureReportInvalidError(problems);
    const expenditures = [...lines.entries()].sort().map(([key, cents]) => {
      const [functionCode, objectCode] = key.split('/');
      return { functionCode, objectCode, amount: fromCents(cents) };
    });
    const total = [...lines.values()].reduce((s, c) => s + c, 0n);
    const repo = this.db.repo(CloseoutReport);
    const existing = await repo.findOne({
      where: { agencyId: this.db.agencyId, awardId: award.id },
    });
    if (existing?.status === 'closed') {
      throw new CloseoutStateError(
        'closeout.already_closed',
        'The award is closed; its report can no longer change.',
      );
    }
    const report = existing ?? repo.create({ agencyId: this.db.agencyId, awardId: award.id });
    Object.assign(report, {
      status: 'submitted',
      expenditures,
      totalExpenditures: fromCents(total),
      notes: input.notes ?? '',
      submittedBy: this.context.requireUser().userId,
      submittedAt: this.clock.now(),
      returnReason: null,
    });
    await repo.save(report);
    await this.audit.record({
      action: existing ? 'closeout_report.resubmitted' : 'closeout_report.submitted',
      entityType: 'award',
      entityId: award.id,
      after: reportView(report),
    });
    await this.notifications.send(
      'closeout.submitted',
      {
        awardRef: award.reference,
        programTitle: award.programTitle,
        expenditures: fromCents(total),
      },
      [award.offeredBy, report.submittedBy],
    );
    return { report: reportView(report), preview: await this.preview(award, report) };
  }

  async get(scope: AwardScope, awardId: string) {
    const award = await this.awards.find(scope, awardId);
    const report = await this.find(award.id);
    return {
      report: reportView(report),
      preview: report.status === 'closed' ? null : await this.preview(award, report),
    };
  }

  async returnReport(awardId: string, reason: string) {
    const award = await this.awards.lock({}, awardId);
    const report = await this.find(award.id);
    if (report.status !== 'submitted') {
      throw new CloseoutStateError('closeout.not_submitted', `The report is ${report.status}.`);
    }
    report.status = 'returned';
    report.returnReason = reason;
    await this.db.repo(CloseoutReport).save(report);
    await this.audit.record({
      action: 'closeout_report.returned',
      entityType: 'award',
      entityId: award.id,
      after: { status: 'returned', reason },
    });
    return reportView(report);
  }

  async close(awardId: string, input: { carryoverProgramId?: string }) {
    const award = await this.awards.lock({}, awardId);
    if (award.status !== 'active') {
      throw new CloseoutStateError(
        'closeout.award_not_active',
        `Only an active award can be closed (this one is ${award.status}).`,
      );
    }
    const report = await this.find(award.id);
    if (report.status !== 'submitted') {
      throw new CloseoutStateError(
        'closeout.not_submitted',
        `The final report is ${report.status}; it must be submitted.`,
      );
    }
    if (await this.payments.hasUnpaidRequests(award.id)) {
      throw new CloseoutStateError(
        'closeout.open_payment_requests',
        'Payment requests on this award are still open; decide and pay them first.',
      );
    }
    const terms = await this.awards.carryoverTerms(award.programId);
    if (input.carryoverProgramId && !terms.carryoverAllowed) throw new CarryoverNotAllowedError();
    const s = await this.settlement(
      award,
      report,
      terms.carryoverAllowed && !!input.carryoverProgramId,
      terms.carryoverCapPercent,
    );
    await this.post(award, report, s);

    let carryoverAwardId: string | null = null;
    if (s.carryover > 0n && input.carryoverProgramId) {
      const budget = (await this.awards.budgetLines(award.id)).map((l) => ({
        functionCode: l.functionCode,
        objectCode: l.objectCode,
        description: l.description,
        amount: l.amount,
      }));
      const carried = await this.awards.createCarryover({
        source: 'carryover',
        sourceId: award.id,
        programId: input.carryoverProgramId,
        organizationId: award.organizationId,
        amount: fromCents(s.carryover),
        federalAwardDate: award.federalAwardDate,
        budget: budget.length > 0 ? prorate(budget, s.carryover) : undefined,
        carryoverFromAwardId: award.id,
      });
      carryoverAwardId = carried.id;
    }
    const view = settlementView(s);
    await this.awards.close(award, view);
    Object.assign(report, {
      status: 'closed',
      settlement: view,
      carryoverAwardId,
      closedBy: this.context.requireUser().userId,
      closedAt: this.clock.now(),
    });
    await this.db.repo(CloseoutReport).save(report);
    await this.audit.record({
      action: 'closeout_report.closed',
      entityType: 'award',
      entityId: award.id,
      after: reportView(report),
    });
    await this.awards.notifyOrganization(award, 'award.closed', {
      awardRef: award.reference,
      programTitle: award.programTitle,
      unspent: view.unspent,
      refundDue: view.refundDue,
      carryover: view.carryover,
    });
    return reportView(report);
  }

  private async find(awardId: string): Promise<CloseoutReport> {
    const report = await this.db.repo(CloseoutReport).findOne({
      where: { agencyId: this.db.agencyId, awardId },
    });
    if (!report) throw new CloseoutReportNotFoundError();
    return report;
  }

  private async settlement(
    award: { id: string },
    report: CloseoutReport,
    carryoverAllowed: boolean,
    capPercent: string | null,
  ): Promise<Settlement> {
    const b = await this.ledger.balances(award.id);
    const result = settle({
      obligated: b.obligated,
      undisbursed: b.undisbursed,
      advanceOutstanding: b.advanceOutstanding,
      expenditures: toCents(report.totalExpenditures),
      carryoverAllowed,
      carryoverCapBasisPoints: capPercent === null ? null : toCents(capPercent),
    });
    if (isSettlementProblem(result)) {
      throw result.code === 'unpaid_costs'
        ? new CloseoutStateError(
            'closeout.unpaid_costs',
            `Reported costs of ${fromCents(result.unpaid)} were never requested or paid; request payment before closing.`,
            { unpaid: fromCents(result.unpaid) },
          )
        : new CloseoutStateError(
            'closeout.expenditures_exceed_award',
            'The reported costs exceed the amount obligated.',
            { obligated: fromCents(result.obligated) },
          );
    }
    return result;
  }

  /** What closing would settle, for the report's readers (nothing is posted). */
  private async preview(award: { id: string; programId: string }, report: CloseoutReport) {
    const terms = await this.awards.carryoverTerms(award.programId);
    try {
      return settlementView(
        await this.settlement(award, report, terms.carryoverAllowed, terms.carryoverCapPercent),
      );
    } catch (error) {
      if (error instanceof CloseoutStateError)
        return { problem: error.code, detail: error.message };
      throw error;
    }
  }

  private async post(
    award: { id: string; reference: string },
    report: CloseoutReport,
    s: Settlement,
  ): Promise<void> {
    const source = { awardId: award.id, sourceType: 'closeout', sourceId: report.id };
    if (s.advanceLiquidated > 0n) {
      await this.ledger.post({
        ...source,
        kind: 'liquidation',
        memo: `Advances of ${award.reference} liquidated by the final expenditure report`,
        legs: [
          { account: 'undisbursed_obligation', debit: s.advanceLiquidated },
          { account: 'advance_outstanding', credit: s.advanceLiquidated },
        ],
      });
    }
    if (s.refundDue > 0n) {
      await this.ledger.post({
        ...source,
        kind: 'refund_due',
        memo: `Refund due from the subrecipient of ${award.reference}`,
        legs: [
          { account: 'refund_receivable', debit: s.refundDue },
          { account: 'advance_outstanding', credit: s.refundFromAdvance },
          { account: 'undisbursed_obligation', credit: s.overReimbursed },
        ],
      });
    }
    if (s.unspent > 0n) {
      await this.ledger.post({
        ...source,
        kind: 'deobligation',
        memo: `Unspent balance of ${award.reference} deobligated at closeout`,
        legs: [
          { account: 'undisbursed_obligation', debit: s.unspent },
          { account: 'program_funds', credit: s.unspent },
        ],
      });
    }
  }
}
