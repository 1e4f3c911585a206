import { fromCents, minCents, toCents } from '../../core/money/money';
import { lineCeilingCents } from '../../awards/budget/award-budget-math';

/** Pure checks of a payment request against its award; amounts in cents. */
export interface RequestLine {
  functionCode: string;
  objectCode: string;
  amount: string;
}

export function combineLines(lines: RequestLine[]): RequestLine[] {
  const merged = new Map<string, bigint>();
  for (const l of lines) {
    const key = `${l.functionCode}/${l.objectCode}`;
    merged.set(key, (merged.get(key) ?? 0n) + toCents(l.amount));
  }
  return [...merged.entries()].sort().map(([key, cents]) => {
    const [functionCode, objectCode] = key.split('/');
    return { functionCode, objectCode, amount: fromCents(cents) };
  });
}

export type PeriodProblem =
  { kind: 'outside_award'; detail: string } | { kind: 'future_costs'; detail: string };

/**
 * Costs must fall within the award's period of performance (its period of availability);
 * a reimbursement claims costs already incurred, so its period cannot end after today.
 */
export function periodProblem(
  type: 'reimbursement' | 'advance',
  period: { start: string; end: string },
  award: { start: string; end: string },
  today: string,
): PeriodProblem | undefined {
  if (period.start < award.start || period.end > award.end) {
    return {
      kind: 'outside_award',
      detail: `Costs from ${period.start} to ${period.end} fall outside the award's period of availability (${award.start} to ${award.end}).`,
    };
  }
  if (type === 'reimbursement' && period.end > today) {
    return {
      kind: 'future_costs',
      detail: `A reimbursement claims costs already paid; the period cannot end after today (${today}).`,
    };
  }
  return undefined;
}

export interface LineProblem {
  pointer: string;
  detail: string;
  functionCode: string;
  objectCode: string;
  available: string;
}

/**
 * Each line against its budget line: what is already requested or paid on it plus this request
 * may not pass the line's amount plus the agency's tolerance. Unknown lines are problems too.
 */
export function budgetLineProblems(
  lines: RequestLine[],
  budget: Array<{ functionCode: string; objectCode: string; amount: string }>,
  used: Map<string, bigint>,
  tolerancePercent: string,
): { unknown: LineProblem[]; beyond: LineProblem[] } {
  const unknown: LineProblem[] = [];
  const beyond: LineProblem[] = [];
  lines.forEach((line, i) => {
    const key = `${line.functionCode}/${line.objectCode}`;
    const budgetLine = budget.find((b) => `${b.functionCode}/${b.objectCode}` === key);
    const base = { functionCode: line.functionCode, objectCode: line.objectCode };
    if (!budgetLine || toCents(budgetLine.amount) === 0n) {
      unknown.push({
        ...base,
        pointer: `/lines/${i}`,
        detail: `${key} is not a line of the award's budget`,
        available: '0.00',
      });
      return;
    }
    const ceiling = lineCeilingCents(budgetLine.amount, tolerancePercent);
    const available = ceiling - (used.get(key) ?? 0n);
    if (toCents(line.amount) > available) {
      beyond.push({
        ...base,
        pointer: `/lines/${i}/amount`,
        detail: `${key}: ${line.amount} exceeds what the line has left within tolerance (${fromCents(available > 0n ? available : 0n)})`,
        available: fromCents(available > 0n ? available : 0n),
      });
    }
  });
  return { unknown, beyond };
}

/** A reimbursement first uses the award's advanced cash on hand; the rest is paid in cash. */
export function advanceToApply(amount: bigint, cashOnHandFree: bigint): bigint {
  return cashOnHandFree > 0n ? minCents(amount, cashOnHandFree) : 0n;
}
