import { fromCents, normalizeAmount, toCents } from '../core/money/money';
import { Award } from './entities/award.entity';
import { AwardBudgetLine } from './entities/award-budget-line.entity';
import { AwardNotice } from './entities/award-notice.entity';
import { AwardVersion } from './entities/award-version.entity';

/** The award as the API shows it: the 2 CFR 200.332 data grouped under `subaward`. */
export function awardView(award: Award, notice?: AwardNotice | null) {
  return {
    id: award.id,
    reference: award.reference,
    status: award.status,
    /** The total obligated (also under `subaward` with the rest of the 2 CFR 200.332 data). */
    amount: normalizeAmount(award.amount),
    source: { kind: award.source, id: award.sourceId },
    programId: award.programId,
    organizationId: award.organizationId,
    applicationId: award.applicationId,
    carryoverFromAwardId: award.carryoverFromAwardId,
    version: award.version,
    budgetVersion: award.budgetVersion,
    subaward: {
      subrecipientName: award.subrecipientName,
      subrecipientUei: award.subrecipientUei,
      fain: award.fain,
      federalAwardDate: award.federalAwardDate,
      assistanceListing: {
        number: award.assistanceListingNumber,
        title: award.assistanceListingTitle,
      },
      programTitle: award.programTitle,
      fiscalYear: award.fiscalYear,
      periodOfPerformance: { start: award.performanceStart, end: award.performanceEnd },
      amountObligatedThisAction: normalizeAmount(award.amountThisAction),
      totalAmountObligated: normalizeAmount(award.amount),
    },
    offeredAt: award.offeredAt.toISOString(),
    acceptedAt: award.acceptedAt?.toISOString() ?? null,
    acceptedBy: award.acceptedBy,
    acceptance: award.acceptance
      ? { name: award.acceptance.name, title: award.acceptance.title }
      : null,
    declinedAt: award.declinedAt?.toISOString() ?? null,
    closedAt: award.closedAt?.toISOString() ?? null,
    notice: notice
      ? {
          version: notice.version,
          status: notice.status,
          sha256: notice.sha256,
          bytes: notice.bytes,
          generatedAt: notice.generatedAt?.toISOString() ?? null,
        }
      : null,
  };
}

export type AwardView = ReturnType<typeof awardView>;

export function budgetView(award: Award, lines: AwardBudgetLine[]) {
  const items = lines.map((l) => ({
    functionCode: l.functionCode,
    objectCode: l.objectCode,
    description: l.description,
    amount: normalizeAmount(l.amount),
    approvedAmount: normalizeAmount(l.approvedAmount),
  }));
  const total = lines.reduce((sum, l) => sum + toCents(l.amount), 0n);
  // The function x object grid with row and column totals, as applicants budget.
  const byFunction = new Map<string, bigint>();
  const byObject = new Map<string, bigint>();
  for (const l of lines) {
    byFunction.set(l.functionCode, (byFunction.get(l.functionCode) ?? 0n) + toCents(l.amount));
    byObject.set(l.objectCode, (byObject.get(l.objectCode) ?? 0n) + toCents(l.amount));
  }
  const totals = (m: Map<string, bigint>) =>
    Object.fromEntries([...m.entries()].sort().map(([k, v]) => [k, fromCents(v)]));
  return {
    awardId: award.id,
    budgetVersion: award.budgetVersion,
    total: fromCents(total),
    awardAmount: normalizeAmount(award.amount),
    lines: items,
    totalsByFunction: totals(byFunction),
    totalsByObject: totals(byObject),
  };
}

export function versionView(v: AwardVersion) {
  return {
    version: v.version,
    action: v.action,
    amount: normalizeAmount(v.amount),
    amountThisAction: normalizeAmount(v.amountThisAction),
    periodOfPerformance: { start: v.performanceStart, end: v.performanceEnd },
    budget: v.budget,
    reason: v.reason,
    sourceId: v.sourceId,
    approvedBy: v.approvedBy,
    createdAt: v.createdAt.toISOString(),
  };
}
