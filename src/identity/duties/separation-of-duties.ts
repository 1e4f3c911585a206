/**
 * Separation of duties between people (2 CFR 200.303), as one pure rule for every decision about
 * money: approving or rejecting a payment request, creating the batch that pays it, activating a
 * payee change, deciding a budget revision, approving an award amendment.
 *
 * The person deciding may not be:
 * - the requester (whoever created what is decided: the payment request, the payee change, the
 *   revision, the amendment);
 * - a member of the requesting organization, in any role, while that membership is active (a
 *   finance officer who also sits in the district's business office decides for their district);
 * - the person who invited the requester (an insider who creates an account for an accomplice
 *   and then approves what that account asks for);
 * - for a payment, whoever requested the bank details it would be paid to (they chose the
 *   account; someone else decides to pay into it); for the batch that pays it, their activator
 *   too (payees.service.ts says who counts where).
 *
 * Checked in that order, so the answer names the plainest reason. The facts come from
 * DutyDirectory (identity's public surface), never from a caller's own reading of the tables.
 */
export type DutyConflict = 'requester' | 'organization_member' | 'inviter' | 'payee_changer';

export interface DutyFacts {
  deciderId: string;
  requesterId: string;
  /** The decider holds an active membership (any role) in the requesting organization. */
  deciderIsOrganizationMember: boolean;
  /** The decider issued an invitation to the requester (any, open or closed). */
  deciderInvitedRequester: boolean;
  /** The decider chose the bank details the money would be paid to (see payees.service.ts). */
  deciderChangedPayee?: boolean;
}

export function dutyConflict(facts: DutyFacts): DutyConflict | null {
  if (facts.deciderId === facts.requesterId) return 'requester';
  if (facts.deciderIsOrganizationMember) return 'organization_member';
  if (facts.deciderInvitedRequester) return 'inviter';
  if (facts.deciderChangedPayee) return 'payee_changer';
  return null;
}

/** The rule in words, for approval chains and problem documents. */
export const DUTY_RULE_TEXT =
  'someone other than the requester, the members of the requesting organization and whoever invited the requester';

export const DUTY_CONFLICT_TEXT: Record<DutyConflict, string> = {
  requester: 'you made this request',
  organization_member: 'you are a member of the requesting organization',
  inviter: 'you invited the requester',
  payee_changer: 'you chose the bank details it would be paid to',
};
