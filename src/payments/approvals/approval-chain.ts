import { createHash } from 'node:crypto';
import { canonicalJson } from '../../core/idempotency/canonical-json';
import { toCents } from '../../core/money/money';

/**
 * Segregation of duties (2 CFR 200.303) as pure rules: how many approvals a request needs,
 * what an approval is bound to (a hash of the content approved, the payee that will be paid
 * included), and which approvals still count after the content changed (an approver reduced
 * the amount, or the organization's bank details changed). Who may decide at all is the one
 * rule in identity/duties/separation-of-duties.ts.
 */
/** The fields of a payment request an approval approves (the payee binding included). */
export interface ApprovedRequest {
  id: string;
  awardId: string;
  type: string;
  amount: string;
  periodStart: string;
  periodEnd: string;
  /** The organization's active payee (id and version) when approved: a new one lapses it. */
  payeeId: string | null;
  payeeVersion: number | null;
}

export interface ApprovedLine {
  functionCode: string;
  objectCode: string;
  amount: string;
}

/**
 * The one place the approval content hash is assembled: what an approval of this request
 * approves. Line order does not matter; any change to a field or a line, or to the payee
 * binding, changes it. The shape hashed is stored in every approval, so it must not change.
 */
export function approvalContentHash(request: ApprovedRequest, lines: ApprovedLine[]): string {
  const content = {
    requestId: request.id,
    awardId: request.awardId,
    type: request.type,
    amount: request.amount,
    periodStart: request.periodStart,
    periodEnd: request.periodEnd,
    lines: lines
      .map((l) => ({ functionCode: l.functionCode, objectCode: l.objectCode, amount: l.amount }))
      .sort((a, b) =>
        `${a.functionCode}/${a.objectCode}`.localeCompare(`${b.functionCode}/${b.objectCode}`),
      ),
    payee:
      request.payeeId && request.payeeVersion !== null
        ? { id: request.payeeId, version: request.payeeVersion }
        : null,
  };
  return createHash('sha256').update(canonicalJson(content)).digest('hex');
}

/** At or above the agency's threshold a second, different finance officer must approve. */
export function requiredApprovals(amount: string, dualApprovalThreshold: string): number {
  return toCents(amount) >= toCents(dualApprovalThreshold) ? 2 : 1;
}

/**
 * The status of a request still being decided, from the approvals of its current content: the
 * one place `awaiting_second_approval` is decided (stored, so the finance queue can filter on
 * it). Complete is `approved`; some but not all is `awaiting_second_approval`; none (or only
 * approvals of content since changed) is `submitted`.
 */
export function statusAfterApprovals(
  countingApprovals: number,
  required: number,
): 'submitted' | 'awaiting_second_approval' | 'approved' {
  if (countingApprovals >= required) return 'approved';
  return countingApprovals > 0 ? 'awaiting_second_approval' : 'submitted';
}

export interface ApprovalRecord {
  approverId: string;
  approverEmail: string | null;
  decision: 'approved' | 'rejected';
  amount: string;
  contentHash: string;
  reason: string | null;
  decidedAt: Date;
}

export type ApproverCheck = 'ok' | 'own_request' | 'already_approved';

export function checkApprover(
  approverId: string,
  requestedBy: string,
  approvals: ApprovalRecord[],
  contentHash: string,
): ApproverCheck {
  if (approverId === requestedBy) return 'own_request';
  const already = approvals.some(
    (a) =>
      a.approverId === approverId && a.decision === 'approved' && a.contentHash === contentHash,
  );
  return already ? 'already_approved' : 'ok';
}

/** Distinct approvers of exactly this content: only they count toward the requirement. */
export function countingApprovers(approvals: ApprovalRecord[], contentHash: string): string[] {
  return [
    ...new Set(
      approvals
        .filter((a) => a.decision === 'approved' && a.contentHash === contentHash)
        .map((a) => a.approverId),
    ),
  ];
}

export interface ApprovalChainView {
  required: number;
  satisfied: boolean;
  approvals: Array<{
    approverId: string;
    approverEmail: string | null;
    decision: 'approved' | 'rejected';
    amount: string;
    contentHash: string;
    reason: string | null;
    decidedAt: string;
    /** False when the request changed after this approval (it no longer counts). */
    counts: boolean;
  }>;
  /** Approvals still needed, and who may give them. */
  pending: Array<{
    step: number;
    role: 'finance_officer';
    excludedUserIds: string[];
    description: string;
  }>;
}

export function approvalChain(input: {
  requestedBy: string;
  required: number;
  contentHash: string;
  approvals: ApprovalRecord[];
  open: boolean;
  /** Others the separation-of-duties rule excludes: members, inviters, the payee's changers. */
  alsoExcluded?: string[];
}): ApprovalChainView {
  const counting = countingApprovers(input.approvals, input.contentHash);
  const satisfied = counting.length >= input.required;
  const excluded = [...new Set([input.requestedBy, ...counting, ...(input.alsoExcluded ?? [])])];
  const pending = [];
  if (input.open) {
    for (let step = counting.length + 1; step <= input.required; step++) {
      pending.push({
        step,
        role: 'finance_officer' as const,
        excludedUserIds: excluded,
        description:
          step === 1
            ? 'A finance officer other than the requester, the requesting organization’s members, whoever invited the requester and whoever requested the payee’s bank details'
            : `A finance officer other than the requester, the requesting organization’s members, whoever invited the requester, whoever requested the payee’s bank details and the ${counting.length === 1 ? 'first approver' : 'earlier approvers'}`,
      });
    }
  }
  return {
    required: input.required,
    satisfied,
    approvals: input.approvals.map((a) => ({
      approverId: a.approverId,
      approverEmail: a.approverEmail,
      decision: a.decision,
      amount: a.amount,
      contentHash: a.contentHash,
      reason: a.reason,
      decidedAt: a.decidedAt.toISOString(),
      counts: a.decision === 'approved' && a.contentHash === input.contentHash,
    })),
    pending,
  };
}
