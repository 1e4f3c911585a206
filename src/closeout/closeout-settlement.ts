import { fromCents, maxCents, minCents } from '../core/money/money';

/**
 * Settling an award at closeout from its ledger balances and the final expenditure report,
 * all in cents. Reimbursed costs are what the undisbursed obligation was drawn down by; advanced
 * cash still outstanding is first used for reported costs (liquidated), the rest is owed back,
 * as is anything reimbursed beyond the reported costs. The unspent balance is deobligated and,
 * where the program allows, carried over up to its cap.
 */
export interface SettlementInput {
  obligated: bigint;
  undisbursed: bigint;
  advanceOutstanding: bigint;
  expenditures: bigint;
  carryoverAllowed: boolean;
  /** Basis points of the obligated amount (15% = 1500); null = no cap. */
  carryoverCapBasisPoints: bigint | null;
}

export type SettlementProblem =
  | { code: 'expenditures_exceed_award'; obligated: bigint; expenditures: bigint }
  | { code: 'unpaid_costs'; unpaid: bigint };

export interface Settlement {
  obligated: bigint;
  expenditures: bigint;
  reimbursed: bigint;
  advanceOutstanding: bigint;
  advanceLiquidated: bigint;
  refundFromAdvance: bigint;
  overReimbursed: bigint;
  refundDue: bigint;
  unspent: bigint;
  carryover: bigint;
  carryoverCap: bigint | null;
}

export function settle(input: SettlementInput): Settlement | SettlementProblem {
  const { obligated, expenditures, advanceOutstanding } = input;
  if (expenditures > obligated) {
    return { code: 'expenditures_exceed_award', obligated, expenditures };
  }
  const reimbursed = obligated - input.undisbursed;
  const unpaid = expenditures - reimbursed - advanceOutstanding;
  if (unpaid > 0n) return { code: 'unpaid_costs', unpaid };
  const advanceLiquidated = minCents(advanceOutstanding, maxCents(0n, expenditures - reimbursed));
  const refundFromAdvance = advanceOutstanding - advanceLiquidated;
  const overReimbursed = maxCents(0n, reimbursed - expenditures);
  const unspent = obligated - expenditures;
  const carryoverCap =
    input.carryoverCapBasisPoints === null
      ? null
      : (obligated * input.carryoverCapBasisPoints) / 10_000n;
  const carryover = input.carryoverAllowed
    ? carryoverCap === null
      ? unspent
      : minCents(unspent, carryoverCap)
    : 0n;
  return {
    obligated,
    expenditures,
    reimbursed,
    advanceOutstanding,
    advanceLiquidated,
    refundFromAdvance,
    overReimbursed,
    refundDue: refundFromAdvance + overReimbursed,
    unspent,
    carryover,
    carryoverCap,
  };
}

export function isSettlementProblem(
  value: Settlement | SettlementProblem,
): value is SettlementProblem {
  return 'code' in value;
}

export function settlementView(s: Settlement) {
  return {
    obligated: fromCents(s.obligated),
    expenditures: fromCents(s.expenditures),
    reimbursed: fromCents(s.reimbursed),
    advanceOutstanding: fromCents(s.advanceOutstanding),
    advanceLiquidated: fromCents(s.advanceLiquidated),
    unspent: fromCents(s.unspent),
    refundDue: fromCents(s.refundDue),
    carryover: fromCents(s.carryover),
    carryoverCap: s.carryoverCap === null ? null : fromCents(s.carryoverCap),
  };
}
