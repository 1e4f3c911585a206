import { randomBytes, randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

/**
 * Standard Webhooks (standardwebhooks.com) signing, through its reference library: the
 * signature is `v1,` + base64 HMAC-SHA256 of `<webhook-id>.<webhook-timestamp>.<body>` keyed by
 * the secret's bytes (`whsec_<base64>`). During a rotation both secrets sign, space-separated;
 * a receiver accepts the message when any signature verifies.
 */
export function newSigningSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** The event's id: one per event, the same for every endpoint, attempt and replay. */
export function newEventId(): string {
  return `msg_${randomUUID().replace(/-/g, '')}`;
}

export interface SignedHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

export function signedHeaders(
  secrets: string[],
  eventId: string,
  at: Date,
  body: string,
): SignedHeaders {
  return {
    'webhook-id': eventId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': secrets.map((s) => new Webhook(s).sign(eventId, at, body)).join(' '),
  };
}
