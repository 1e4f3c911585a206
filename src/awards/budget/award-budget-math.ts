import { fromCents, percentToBasisPoints, shareOfCents, toCents } from '../../core/money/money';

/**
 * Budget arithmetic on integer cents: combining application lines into function x object
 * lines, scaling a budget to an award amount, and comparing a proposed budget with the
 * approved one against the agency's tolerance.
 */
export interface BudgetLineInput {
  functionCode: string;
  objectCode: string;
  description?: string;
  amount: string;
}

export interface AwardBudgetLineValue {
  functionCode: string;
  objectCode: string;
  description: string;
  amount: string;
}

const codeKey = (l: { functionCode: string; objectCode: string }) =>
  `${l.functionCode}/${l.objectCode}`;

const byCode = (a: AwardBudgetLineValue, b: AwardBudgetLineValue) =>
  a.functionCode === b.functionCode
    ? a.objectCode.localeCompare(b.objectCode)
    : a.functionCode.localeCompare(b.functionCode);

/** One line per function x object code: amounts summed, descriptions joined. */
export function combineByCode(lines: BudgetLineInput[]): AwardBudgetLineValue[] {
  const merged = new Map<string, { line: AwardBudgetLineValue; cents: bigint; notes: string[] }>();
  for (const line of lines) {
    const key = codeKey(line);
    const entry = merged.get(key) ?? {
      line: {
        functionCode: line.functionCode,
        objectCode: line.objectCode,
        description: '',
        amount: '0.00',
      },
      cents: 0n,
      notes: [],
    };
    entry.cents += toCents(line.amount);
    const note = line.description?.trim();
    if (note && !entry.notes.includes(note)) entry.notes.push(note);
    merged.set(key, entry);
  }
  return [...merged.values()]
    .map(({ line, cents, notes }) => ({
      ...line,
      description: notes.join('; ').slice(0, 500),
      amount: fromCents(cents),
    }))
    .sort(byCode);
}

export function budgetTotalCents(lines: Array<{ amount: string }>): bigint {
  return lines.reduce((sum, l) => sum + toCents(l.amount), 0n);
}

/**
 * Scales lines to total exactly `targetCents` (an award for less than was requested):
 * proportional shares rounded down, the leftover cents to the largest remainders.
 */
export function prorate(
  lines: AwardBudgetLineValue[],
  targetCents: bigint,
): AwardBudgetLineValue[] {
  const total = budgetTotalCents(lines);
  if (total === targetCents || total === 0n) return lines;
  const shares = lines.map((line, index) => {
    const product = toCents(line.amount) * targetCents;
    return { index, cents: product / total, remainder: product % total };
  });
  let leftover = targetCents - shares.reduce((s, x) => s + x.cents, 0n);
  const order = [...shares].sort((a, b) =>
    a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1,
  );
  for (const share of order) {
    if (leftover <= 0n) break;
    share.cents += 1n;
    leftover -= 1n;
  }
  return lines.map((line, index) => ({ ...line, amount: fromCents(shares[index].cents) }));
}

export interface LineChange {
  functionCode: string;
  objectCode: string;
  approved: string;
  proposed: string;
  changePercent: string | null;
  beyondTolerance: boolean;
}

/**
 * Every line that differs between the approved and the proposed budget. A line is beyond
 * tolerance when |proposed - approved| exceeds tolerance% of approved; a new line (approved 0)
 * always is.
 */
export function compareBudgets(
  approved: Array<{ functionCode: string; objectCode: string; amount: string }>,
  proposed: Array<{ functionCode: string; objectCode: string; amount: string }>,
  tolerancePercent: string,
): LineChange[] {
  const bp = percentToBasisPoints(tolerancePercent);
  const before = new Map(approved.map((l) => [codeKey(l), toCents(l.amount)]));
  const after = new Map(proposed.map((l) => [codeKey(l), toCents(l.amount)]));
  const keys = [...new Set([...before.keys(), ...after.keys()])].sort();
  const changes: LineChange[] = [];
  for (const key of keys) {
    const a = before.get(key) ?? 0n;
    const p = after.get(key) ?? 0n;
    if (a === p) continue;
    const delta = p > a ? p - a : a - p;
    const [functionCode, objectCode] = key.split('/');
    changes.push({
      functionCode,
      objectCode,
      approved: fromCents(a),
      proposed: fromCents(p),
      changePercent:
        a === 0n
          ? null
          : // Hundredths of a percent, rounded half up, print like cents.
            fromCents((delta * 20_000n + a) / (2n * a)),
      beyondTolerance: a === 0n || delta * 10_000n > a * bp,
    });
  }
  return changes;
}

/** The most a budget line may carry in requests: its amount plus the tolerance. */
export function lineCeilingCents(amount: string, tolerancePercent: string): bigint {
  const cents = toCents(amount);
  return cents + shareOfCents(cents, percentToBasisPoints(tolerancePercent));
}
