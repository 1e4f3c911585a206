/**
 * A payment request's statuses, in order: submitted → (awaiting_second_approval) → approved →
 * batched → paid, or rejected. At or above the agency's dual-approval threshold a request with
 * one approval of its current content waits for a second, different finance officer
 * (2 CFR 200.303); approval-chain.ts `statusAfterApprovals` decides which.
 */
export const PAYMENT_REQUEST_STATUSES = [
  'submitted',
  'awaiting_second_approval',
  'approved',
  'rejected',
  'batched',
  'paid',
] as const;
export type PaymentRequestStatus = (typeof PAYMENT_REQUEST_STATUSES)[number];

/** Waiting for a finance officer's decision: no approval yet, or one of two. */
export const OPEN_PAYMENT_REQUEST_STATUSES = ['submitted', 'awaiting_second_approval'] as const;
export type OpenPaymentRequestStatus = (typeof OPEN_PAYMENT_REQUEST_STATUSES)[number];

export const isOpenPaymentRequest = (status: string): status is OpenPaymentRequestStatus =>
  (OPEN_PAYMENT_REQUEST_STATUSES as readonly string[]).includes(status);
