import { fromCents, minCents, toCents } from '../../core/money/money';

export interface RankedRequest {
  applicationId: string;
  rank: number;
  /** Amount requested, decimal string. */
  requested: string;
}

export interface FundingRules {
  fundsAvailable: string;
  /** Fund the first application that no longer fits with what is left. */
  allowPartialAward: boolean;
  /** A partial award below the program's floor is not offered. */
  awardFloor?: string;
}

export interface Recommendation {
  applicationId: string;
  rank: number;
  outcome: 'approved' | 'waitlisted';
  amount: string; // "0.00" when waitlisted
  partial: boolean;
  remainingAfter: string;
}

/**
 * Funds down the ranked list until the money runs out. Once an application does not fit (and no
 * partial award is made), everything below it is waitlisted: skipping ahead to smaller requests
 * would fund by size, not by merit. Denials are the program officer's call, not the formula's.
 */
export function recommendFunding(ranked: RankedRequest[], rules: FundingRules): Recommendation[] {
  let remaining = toCents(rules.fundsAvailable);
  const floor = rules.awardFloor ? toCents(rules.awardFloor) : 0n;
  let exhausted = false;
  return [...ranked]
    .sort((a, b) => a.rank - b.rank)
    .map((request) => {
      const requested = toCents(request.requested);
      let amount = 0n;
      let partial = false;
      if (!exhausted) {
        if (requested <= remaining) {
          amount = requested;
        } else {
          exhausted = true;
          const offer = minCents(remaining, requested);
          if (rules.allowPartialAward && offer > 0n && offer >= floor) {
            amount = offer;
            partial = true;
          }
        }
      }
      remaining -= amount;
      return {
        applicationId: request.applicationId,
        rank: request.rank,
        outcome: amount > 0n ? ('approved' as const) : ('waitlisted' as const),
        amount: fromCents(amount),
        partial,
        remainingAfter: fromCents(remaining),
      };
    });
}
