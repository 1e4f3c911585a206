import { fromCents, MONEY, normalizeAmount, toCents } from '../../core/money/money';
import type { BudgetLineValue } from '../../applications/budget/budget-math';
import type { FormBody } from './answer-form';

export const cellName = (functionCode: string, objectCode: string) =>
  `cell-${functionCode}-${objectCode}`;

export interface BudgetGrid {
  functionCodes: string[];
  objectCodes: string[];
  /** What each cell shows (as typed, or the saved amount). */
  cells: Map<string, string>;
  /** Cells whose value is not an amount. */
  invalid: Array<{ functionCode: string; objectCode: string }>;
  rowTotals: Map<string, string>;
  columnTotals: Map<string, string>;
  total: string;
  /** One budget line per filled cell (descriptions and the indirect flag carried over). */
  lines: BudgetLineValue[];
}

const clean = (v: string | string[] | undefined) =>
  (Array.isArray(v) ? (v[v.length - 1] ?? '') : (v ?? '')).replace(/[$,\s]/g, '');

/**
 * The budget matrix (allowed function codes x allowed object codes): from the saved lines, or
 * from a posted form. Totals run on integer cents (src/core/money), never floats; a cell that is
 * not an amount counts for nothing and is reported.
 */
export function budgetGrid(
  functionCodes: string[],
  objectCodes: string[],
  saved: BudgetLineValue[],
  body?: FormBody,
): BudgetGrid {
  const savedCents = new Map<string, bigint>();
  const carried = new Map<string, BudgetLineValue>();
  for (const l of saved) {
    const key = cellName(l.functionCode, l.objectCode);
    savedCents.set(key, (savedCents.get(key) ?? 0n) + toCents(l.amount));
    if (!carried.has(key)) carried.set(key, l);
  }
  const cells = new Map<string, string>();
  const invalid: BudgetGrid['invalid'] = [];
  const rows = new Map<string, bigint>();
  const columns = new Map<string, bigint>();
  const lines: BudgetLineValue[] = [];
  let total = 0n;
  for (const f of functionCodes) {
    for (const o of objectCodes) {
      const key = cellName(f, o);
      let cents: bigint | undefined;
      if (body) {
        const typed = clean(body[key]);
        cells.set(key, typed);
        if (typed !== '') {
          if (MONEY.test(typed)) cents = toCents(normalizeAmount(typed));
          else invalid.push({ functionCode: f, objectCode: o });
        }
      } else {
        cents = savedCents.get(key);
        cells.set(key, cents === undefined ? '' : fromCents(cents));
      }
      if (cents === undefined) continue;
      rows.set(f, (rows.get(f) ?? 0n) + cents);
      columns.set(o, (columns.get(o) ?? 0n) + cents);
      total += cents;
      if (cents > 0n) {
        const before = carried.get(key);
        lines.push({
          functionCode: f,
          objectCode: o,
          description: before?.description ?? '',
          amount: fromCents(cents),
          indirect: before?.indirect ?? false,
        });
      }
    }
  }
  const totals = (codes: string[], sums: Map<string, bigint>) =>
    new Map(codes.map((c) => [c, fromCents(sums.get(c) ?? 0n)]));
  return {
    functionCodes,
    objectCodes,
    cells,
    invalid,
    rowTotals: totals(functionCodes, rows),
    columnTotals: totals(objectCodes, columns),
    total: fromCents(total),
    lines,
  };
}
