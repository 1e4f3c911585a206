import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { newEventId, newSigningSecret, signedHeaders } from './webhook-signature';

/** The spec's formula, computed here without the library. */
function expected(secret: string, id: string, timestamp: string, body: string): string {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

describe('webhook signatures', () => {
  it('signs id.timestamp.body with every current secret', () => {
    const [a, b] = [newSigningSecret(), newSigningSecret()];
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const id = newEventId();
    expect(id).toMatch(/^msg_[0-9a-f]{32}$/);
    const body = JSON.stringify({ type: 'payment_request.approved', data: { amount: '1.00' } });
    const at = new Date('2026-10-05T15:00:00.789Z');
    const headers = signedHeaders([a, b], id, at, body);
    expect(headers['webhook-timestamp']).toBe(String(Date.parse('2026-10-05T15:00:00Z') / 1000));
    expect(headers['webhook-signature']).toBe(
      `${expected(a, id, headers['webhook-timestamp'], body)} ${expected(b, id, headers['webhook-timestamp'], body)}`,
    );
  });

  it('verifies with the reference library under either secret', () => {
    const [a, b] = [newSigningSecret(), newSigningSecret()];
    const body = '{"type":"award.accepted"}';
    const headers = signedHeaders([a, b], newEventId(), new Date(), body);
    expect(new Webhook(b).verify(body, { ...headers })).toEqual({ type: 'award.accepted' });
    expect(() => new Webhook(newSigningSecret()).verify(body, { ...headers })).toThrow();
  });
});
