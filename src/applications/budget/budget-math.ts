import Decimal from 'decimal.js';
import { FieldProblem } from '../../core/errors/domain-error';

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

const ZERO = new Decimal(0);
const sum = (values: Decimal[]) => values.reduce((a, b) => a.plus(b), ZERO);
const fixed = (d: Decimal) => d.toFixed(2);
const lineNo = (i: number) => `line ${i + 1}`;

/**
 * The budget as applicants and program officers read it: a function x object matrix with row
 * (function) and column (object) totals, and the direct / indirect split. All sums are exact
 * decimals; amounts leave as two-decimal strings.
 */
export function budgetSummary(lines: BudgetLineValue[]) {
  const functionCodes = [...new Set(lines.map((l) => l.functionCode))].sort();
  const objectCodes = [...new Set(lines.map((l) => l.objectCode))].sort();
  const cell = new Map<string, Decimal>();
  const rows = new Map<string, Decimal>();
  const columns = new Map<string, Decimal>();
  let direct = ZERO;
  let indirect = ZERO;
  for (const l of lines) {
    const amount = new Decimal(l.amount);
    const key = `${l.functionCode}|${l.objectCode}`;
    cell.set(key, (cell.get(key) ?? ZERO).plus(amount));
    rows.set(l.functionCode, (rows.get(l.functionCode) ?? ZERO).plus(amount));
    columns.set(l.objectCode, (columns.get(l.objectCode) ?? ZERO).plus(amount));
    if (l.indirect) indirect = indirect.plus(amount);
    else direct = direct.plus(amount);
  }
  return {
    total: fixed(direct.plus(indirect)),
    directTotal: fixed(direct),
    indirectTotal: fixed(indirect),
    matrix: {
      functionCodes,
      objectCodes,
      rows: functionCodes.map((f) => ({
        functionCode: f,
        cells: objectCodes.map((o) =>
          cell.has(`${f}|${o}`) ? fixed(cell.get(`${f}|${o}`)!) : null,
        ),
        total: fixed(rows.get(f)!),
      })),
      columnTotals: objectCodes.map((o) => fixed(columns.get(o)!)),
      total: fixed(direct.plus(indirect)),
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
    if (new Decimal(l.amount).lte(0)) {
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
  const total = sum(lines.map((l) => new Decimal(l.amount)));
  if (rules.mustTotalRequested && amountRequested !== null && !total.eq(amountRequested)) {
    problems.push({
      pointer: prefix,
      detail: `lines ${lines.map((_, i) => i + 1).join(', ')} total ${fixed(total)}, but the amount requested is ${new Decimal(amountRequested).toFixed(2)} (difference ${fixed(new Decimal(amountRequested).minus(total))})`,
    });
  }
  if (rules.indirectCostCapPercent !== undefined) {
    const indirectIdx = lines.map((l, i) => (l.indirect ? i : -1)).filter((i) => i >= 0);
    const indirect = sum(indirectIdx.map((i) => new Decimal(lines[i].amount)));
    const direct = total.minus(indirect);
    const cap = direct
      .times(rules.indirectCostCapPercent)
      .dividedBy(100)
      .toDecimalPlaces(2, Decimal.ROUND_DOWN);
    if (indirect.gt(cap)) {
      problems.push({
        pointer: prefix,
        detail: `indirect costs on lines ${indirectIdx.map((i) => i + 1).join(', ')} total ${fixed(indirect)}, above the cap of ${rules.indirectCostCapPercent}% of direct costs (${fixed(cap)})`,
      });
    }
  }
  return problems;
}
