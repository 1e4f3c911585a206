/**
 * Where awards come from: the reviews module's released funding decisions and published final
 * formula allocations. The awards module depends only on this shape; the reviews module's
 * public reader is bound to FUNDING_DECISIONS in AwardsModule.
 */
export interface ApprovedDecision {
  decisionId: string;
  applicationId: string;
  programId: string;
  organizationId: string;
  amount: string;
  releasedAt: Date | string | null;
}

export interface FinalAllocation {
  allocationId: string;
  programId: string;
  organizationId: string;
  amount: string;
  publishedAt: Date | string | null;
}

export interface FundingDecisionsPort {
  getApprovedDecision(decisionId: string): Promise<ApprovedDecision>;
  getFinalAllocation(allocationId: string): Promise<FinalAllocation>;
}

export const FUNDING_DECISIONS = Symbol('FUNDING_DECISIONS');

/** What an award is made from, whichever way it was decided. */
export interface FundingSourceInput {
  source: 'decision' | 'allocation' | 'carryover';
  sourceId: string;
  applicationId?: string | null;
  programId: string;
  organizationId: string;
  amount: string;
  /** The date of the federal award to the agency (2 CFR 200.332(b)(1)(iv)). */
  federalAwardDate?: string | null;
  performanceStart?: string;
  performanceEnd?: string;
  /** Budget lines; absent = the application's submitted budget (scaled to the amount). */
  budget?: Array<{
    functionCode: string;
    objectCode: string;
    description?: string;
    amount: string;
  }>;
  carryoverFromAwardId?: string | null;
}
