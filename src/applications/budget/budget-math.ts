import { FieldProblem } from '../../core/errors/domain-error';
import {
  fromCents,
  percentToBasisPoints,
  shareOfCents,
  sumCents,
  toCents,
} from '../../core/money/money';

export interface BudgetLineValue {
  functionCode: string;
  objectCode: string;
  description: string;
  amount: string;
  indirect?: boolean;
}

export interface BudgetRulesInEffect {
  allowedFunctionCodes: string[];
  allowedObjectCodes: string[];
  indirectCostCapPercent?: string;
  mustTotalRequested: boolean;
}

const lineNo = (i: number) => `line ${i + 1}`;

/**
 * The budget as applicants and program officers read it: a function x object matrix with row
 * (function) and column (object) totals, and the direct / indirect split. Sums run on integer
 * cents; amounts leave as two-decimal strings.
 */
export function budgetSummary(lines: BudgetLineValue[]) {
  const functionCodes = [...new Set(lines.map((l) => l.functionCode))].sort();
  const objectCodes = [...new Set(lines.map((l) => l.objectCode))].sort();
  const cell = new Map<string, bigint>();
  const rows = new Map<string, bigint>();
  const columns = new Map<string, bigint>();
  let direct = 0n;
  let indirect = 0n;
  for (const l of lines) {
    const amount = toCents(l.amount);
    const key = `${l.functionCode}|${l.objectCode}`;
    cell.set(key, (cell.get(key) ?? 0n) + amount);
    rows.set(l.functionCode, (rows.get(l.functionCode) ?? 0n) + amount);
    columns.set(l.objectCode, (columns.get(l.objectCode) ?? 0n) + amount);
    if (l.indirect) indirect += amount;
    else direct += amount;
  }
  return {
    total: fromCents(direct + indirect),
    directTotal: fromCents(direct),
    indirectTotal: fromCents(indirect),
    matrix: {
      functionCodes,
      objectCodes,
      rows: functionCodes.map((f) => ({
        functionCode: f,
        cells: objectCodes.map((o) =>
          cell.has(`${f}|${o}`) ? fromCents(cell.get(`${f}|${o}`)!) : null,
        ),
        total: fromCents(rows.get(f)!),
      })),
      columnTotals: objectCodes.map((o) => fromCents(columns.get(o)!)),
      total: fromCents(direct + indirect),
    },
  };
}

/**
 * Problems a budget may never have, even in a draft: a code the program (and agency) does not
 * allow, a malformed or non-positive amount. Each names its line by JSON Pointer.
 */
export function lineProblems(
  lines: BudgetLineValue[],
  rules: BudgetRulesInEffect,
  prefix = '/lines',
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  lines.forEach((l, i) => {
    if (!rules.allowedFunctionCodes.includes(l.functionCode)) {
      problems.push({
        pointer: `${prefix}/${i}/functionCode`,
        detail: `${lineNo(i)}: function code ${l.functionCode} is not allowed (allowed: ${rules.allowedFunctionCodes.join(', ')})`,
      });
    }
    if (!rules.allowedObjectCodes.includes(l.objectCode)) {
      problems.push({
        pointer: `${prefix}/${i}/objectCode`,
        detail: `${lineNo(i)}: object code ${l.objectCode} is not allowed (allowed: ${rules.allowedObjectCodes.join(', ')})`,
      });
    }
    if (toCents(l.amount) <= 0n) {
      problems.push({
        pointer: `${prefix}/${i}/amount`,
        detail: `${lineNo(i)}: must be more than 0.00`,
      });
    }
  });
  return problems;
}

/**
 * Problems that block submission: the line problems, plus the totals. When the budget does not
 * total the amount requested, the problem names every line that makes up the total.
 */
export function submissionBudgetProblems(
  lines: BudgetLineValue[],
  rules: BudgetRulesInEffect,
  amountRequested: string | null,
  prefix = '/budget/lines',
): FieldProblem[] {
  const problems = lineProblems(lines, rules, prefix);
  if (lines.length === 0) {
    problems.push({ pointer: prefix, detail: 'the budget has no lines' });
    return problems;
  }
  const total = sumCents(lines.map((l) => toCents(l.amount)));
  const requested = amountRequested === null ? null : toCents(amountRequested);
  if (rules.mustTotalRequested && requested !== null && total !== requested) {
    problems.push({
      pointer: prefix,
      detail: `lines ${lines.map((_, i) => i + 1).join(', ')} total ${fromCents(total)}, but the amount requested is ${fromCents(requested)} (difference ${fromCents(requested - total)})`,
    });
  }
  if (rules.indirectCostCapPercent !== undefined) {
    const indirectIdx = lines.map((l, i) => (l.indirect ? i : -1)).filter((i) => i >= 0);
    const indirect = sumCents(indirectIdx.map((i) => toCents(lines[i].amount)));
    const direct = total - indirect;
    const cap = shareOfCents(direct, percentToBasisPoints(rules.indirectCostCapPercent));
    if (indirect > cap) {
      problems.push({
        pointer: prefix,
        detail: `indirect costs on lines ${indirectIdx.map((i) => i + 1).join(', ')} total ${fromCents(indirect)}, above the cap of ${rules.indirectCostCapPercent}% of direct costs (${fromCents(cap)})`,
      });
    }
  }
  return problems;
}
