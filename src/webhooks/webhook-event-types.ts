/**
 * The events an agency's systems can subscribe to, and what each one's `data` carries. Every
 * `data` names the agency (`agencyCode`) and the ids a receiver needs to fetch the rest through
 * the API; money is a decimal string, as everywhere in the API.
 */
export interface WebhookEventData {
  'application.submitted': {
    agencyCode: string;
    applicationId: string;
    organizationId: string;
    programId: string;
    submissionNumber: number;
    amountRequested: string;
    submittedAt: string;
  };
  'decision.released': {
    agencyCode: string;
    decisionId: string;
    applicationId: string;
    organizationId: string;
    programId: string;
    outcome: 'approved' | 'denied' | 'waitlisted';
    /** The amount approved; null unless approved. */
    amount: string | null;
    releasedAt: string;
  };
  'award.accepted': {
    agencyCode: string;
    awardId: string;
    reference: string;
    organizationId: string;
    programId: string;
    amount: string;
    acceptedAt: string;
  };
  'payment_request.approved': {
    agencyCode: string;
    paymentRequestId: string;
    reference: string;
    awardId: string;
    organizationId: string;
    amount: string;
    approvedAt: string;
  };
  'payment_batch.created': {
    agencyCode: string;
    paymentBatchId: string;
    reference: string;
    windowStart: string;
    windowEnd: string;
    payBy: string;
    total: string;
    paymentCount: number;
    paymentRequestIds: string[];
  };
  /** An ACH return (reason code such as R03): declared for subscribers; see README. */
  'payment.returned': {
    agencyCode: string;
    paymentRequestId: string;
    paymentBatchId: string;
    amount: string;
    returnCode: string;
    returnedAt: string;
  };
}

export type WebhookEventType = keyof WebhookEventData;

export const WEBHOOK_EVENT_TYPES: readonly WebhookEventType[] = [
  'application.submitted',
  'decision.released',
  'award.accepted',
  'payment_request.approved',
  'payment_batch.created',
  'payment.returned',
];

export function isWebhookEventType(value: string): value is WebhookEventType {
  return (WEBHOOK_EVENT_TYPES as readonly string[]).includes(value);
}
