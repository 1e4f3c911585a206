import { createHmac, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { Webhook } from 'standardwebhooks';
import { TenantRunner } from '../src/core/context/tenant-db';
import { MAX_ENDPOINTS_PER_AGENCY } from '../src/webhooks/webhook-endpoints.service';
import { WebhookEvents } from '../src/webhooks/webhook-events';
import { WebhookResolver } from '../src/webhooks/webhook-resolver';
import { agencyId, asAgencyOwner, ownerPool, signedInStaff, SignedIn } from './factories/identity';
import {
  activeAward,
  api,
  approve,
  expectStatus,
  requestPayment,
  reimbursement,
} from './factories/finance';
import { TEST_REDIS_URL, deleteRedisKeys } from './jobs/redis';
import { intoMeritReview, programWithSubmissions } from './factories/reviews';
import { freePort, waitFor } from './jobs/waiting';
import type { UsedTestApp } from './support/use-test-app';
import { useTestApp } from './support/use-test-app';

// Waits are for events and fail only on a hang (test/jobs/waiting.ts); this is the last resort.
jest.setTimeout(15 * 60_000);

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A loopback HTTP receiver: answers each path's queued statuses in turn (then 200). */
class Receiver {
  readonly received: Received[] = [];
  private readonly answers = new Map<string, number[]>();
  private server?: Server;
  port = 0;

  async start(): Promise<void> {
    this.port = await freePort();
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const path = req.url ?? '/';
        this.received.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString() });
        const queued = this.answers.get(path);
        const status =
          queued && queued.length > 0 ? queued.shift()! : (this.always.get(path) ?? 200);
        res.writeHead(status, { 'content-type': 'text/plain' }).end(`answer ${status}`);
      });
    });
    this.server.listen(this.port, '127.0.0.1');
    await once(this.server, 'listening');
  }

  private readonly always = new Map<string, number>();
  answer(path: string, statuses: number[], then = 200): void {
    this.answers.set(path, [...statuses]);
    this.always.set(path, then);
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  at(path: string): Received[] {
    return this.received.filter((r) => r.path === path);
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, 'close');
  }
}

/** Standard Webhooks' signature, computed here by hand (not by the code under test). */
function signatureFor(secret: string, received: Received): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const content = `${String(received.headers['webhook-id'])}.${String(received.headers['webhook-timestamp'])}.${received.body}`;
  return `v1,${createHmac('sha256', key).update(content).digest('base64')}`;
}

function signatures(received: Received): string[] {
  return String(received.headers['webhook-signature']).split(' ');
}

function endpointsApi(agencyCode: string): string {
  return `${api(agencyCode)}/webhook-endpoints`;
}

async function register(
  t: UsedTestApp,
  admin: SignedIn,
  body: Record<string, unknown>,
  agencyCode = 'mo-dese',
) {
  return t.request({
    method: 'POST',
    url: endpointsApi(agencyCode),
    token: admin.token,
    payload: body,
  });
}

/** The delivery log's one delivery once it is no longer pending. */
async function settledDelivery(
  t: UsedTestApp,
  admin: SignedIn,
  endpointId: string,
  attempts: number,
): Promise<any> {
  return waitFor<any>(`a delivery of ${endpointId} with ${attempts} attempts`, async () => {
    const list = await t.request({
      method: 'GET',
      url: `${endpointsApi('mo-dese')}/${endpointId}/deliveries`,
      token: admin.token,
    });
    expectStatus(list, 200, 'delivery log');
    const [delivery] = list.json().items;
    if (!delivery || delivery.attempts < attempts || delivery.state === 'pending') return undefined;
    const detail = await t.request({
      method: 'GET',
      url: `${endpointsApi('mo-dese')}/${endpointId}/deliveries/${delivery.id}`,
      token: admin.token,
    });
    expectStatus(detail, 200, 'delivery');
    return detail.json();
  });
}

/** Announces an event in the agency as a service does, in a transaction of its own. */
async function publishBatchCreated(t: UsedTestApp, agencyCode: string): Promise<void> {
  const id = await agencyId(t, agencyCode);
  await t.app.get(TenantRunner).run({ agencyId: id, agencyCode }, { kind: 'system' }, () =>
    t.app.get(WebhookEvents).publish('payment_batch.created', {
      agencyCode,
      paymentBatchId: '00000000-0000-4000-8000-000000000001',
      reference: 'PB-2026-10-01',
      windowStart: '2026-09-02',
      windowEnd: '2026-10-01',
      payBy: '2026-10-21',
      total: '1000.00',
      paymentCount: 1,
      paymentRequestIds: [],
    }),
  );
}

describe.each(['in-process', 'bullmq'] as const)('webhooks on the %s job driver', (driver) => {
  const receiver = new Receiver();
  const prefix = `gc-webhooks-${randomBytes(4).toString('hex')}`;
  const t = useTestApp({
    env: () => ({
      WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
      // Short waits so the test waits for events, not for minutes.
      WEBHOOK_RETRY_SCHEDULE: '100ms,100ms,100ms',
      WEBHOOK_DISABLE_AFTER_FAILURES: '4',
      JOB_POLL_MS: '100',
      ...(driver === 'bullmq'
        ? { REDIS_URL: TEST_REDIS_URL, WORKER_IN_PROCESS: 'true', JOB_QUEUE_PREFIX: prefix }
        : {}),
    }),
  });
  let admin: SignedIn;

  beforeAll(async () => {
    await receiver.start();
    admin = await signedInStaff(t, 'mo-dese', ['agency_admin']);
  });
  t.cleanup(async () => {
    await receiver.stop();
    if (driver === 'bullmq') await deleteRedisKeys(TEST_REDIS_URL, prefix);
  });

  it('delivers a signed payment_request.approved, survives a receiver that fails twice, logs the attempts and replays', async () => {
    const path = '/hooks/finance';
    receiver.answer(path, [500, 500]);
    const created = await register(t, admin, {
      url: receiver.url(path),
      events: ['payment_request.approved'],
      description: 'State accounting system',
    });
    expectStatus(created, 201, 'register endpoint');
    const endpoint = created.json();
    expect(endpoint).toMatchObject({
      url: receiver.url(path),
      events: ['payment_request.approved'],
      enabled: true,
      consecutiveFailures: 0,
    });
    const secret: string = endpoint.secret;
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    // Shown once: never in a read.
    const read = await t.request({
      method: 'GET',
      url: `${endpointsApi('mo-dese')}/${endpoint.id}`,
      token: admin.token,
    });
    expect(read.json().secret).toBeUndefined();
    expect(read.body).not.toContain(secret.slice(6));
    // Sealed at rest: the stored column does not hold the secret.
    const { rows } = await asAgencyOwner(t, 'mo-dese', (client) =>
      client.query<{ secret_sealed: string }>(
        'SELECT secret_sealed FROM webhook_endpoints WHERE id = $1',
        [endpoint.id],
      ),
    );
    expect(rows[0].secret_sealed).toMatch(/^v2\./);
    expect(rows[0].secret_sealed).not.toContain(secret.slice(6, 20));

    // A payment request driven to approval (one finance officer below the threshold).
    const { award, organization, team, financeA } = await activeAward(t, 'mo-dese');
    const asked = await requestPayment(
      t,
      'mo-dese',
      organization.id,
      award.id,
      team.grantWriter,
      reimbursement('1250.00'),
    );
    expectStatus(asked, 201, 'payment request');
    const approved = await approve(t, 'mo-dese', asked.json().id, financeA);
    expectStatus(approved, 200, 'approve');
    expect(approved.json().status).toBe('approved');

    const delivery = await settledDelivery(t, admin, endpoint.id, 3);
    const attempts = receiver.at(path);
    expect(attempts).toHaveLength(3);
    for (const attempt of attempts) {
      expect(signatures(attempt)).toContain(signatureFor(secret, attempt));
      expect(attempt.headers['webhook-id']).toBe(attempts[0].headers['webhook-id']);
      expect(attempt.headers['content-type']).toBe('application/json');
      expect(attempt.body).toBe(attempts[0].body);
    }
    // The reference library accepts it too (and checks the timestamp is recent).
    expect(
      new Webhook(secret).verify(attempts[2].body, { ...attempts[2].headers } as never),
    ).toBeTruthy();
    expect(String(attempts[0].headers['webhook-id'])).toMatch(/^msg_[0-9a-f]{32}$/);
    expect(JSON.parse(attempts[0].body)).toEqual({
      type: 'payment_request.approved',
      timestamp: expect.any(String),
      data: {
        agencyCode: 'mo-dese',
        paymentRequestId: asked.json().id,
        reference: asked.json().reference,
        awardId: award.id,
        organizationId: organization.id,
        amount: '1250.00',
        approvedAt: expect.any(String),
      },
    });
    expect(delivery).toMatchObject({
      eventId: attempts[0].headers['webhook-id'],
      eventType: 'payment_request.approved',
      state: 'delivered',
      attempts: 3,
      body: attempts[0].body,
    });
    expect(
      delivery.attemptLog.map((a: any) => [a.trigger, a.statusCode, a.succeeded, a.error]),
    ).toEqual([
      ['scheduled', 500, false, 'HTTP 500'],
      ['scheduled', 500, false, 'HTTP 500'],
      ['scheduled', 200, true, null],
    ]);
    expect(delivery.attemptLog[0].responseSnippet).toBe('answer 500');

    // Replay: the same body again under the same webhook-id.
    const replay = await t.request({
      method: 'POST',
      url: `${endpointsApi('mo-dese')}/${endpoint.id}/deliveries/${delivery.id}/replay`,
      token: admin.token,
    });
    expectStatus(replay, 202, 'replay');
    expect(replay.json()).toEqual({ deliveryId: delivery.id, eventId: delivery.eventId });
    await waitFor('the replay', () => receiver.at(path).length >= 4);
    const replayed = receiver.at(path)[3];
    expect(replayed.headers['webhook-id']).toBe(delivery.eventId);
    expect(replayed.body).toBe(delivery.body);
    expect(signatures(replayed)).toContain(signatureFor(secret, replayed));

    // Rotation: the new secret is shown once; during the grace period both sign.
    const rotated = await t.request({
      method: 'POST',
      url: `${endpointsApi('mo-dese')}/${endpoint.id}/secret/rotate`,
      token: admin.token,
      payload: {},
    });
    expectStatus(rotated, 200, 'rotate');
    const newSecret: string = rotated.json().secret;
    expect(newSecret).not.toBe(secret);
    expect(rotated.json().previousSecretExpiresAt).toEqual(expect.any(String));
    expectStatus(
      await t.request({
        method: 'POST',
        url: `${endpointsApi('mo-dese')}/${endpoint.id}/deliveries/${delivery.id}/replay`,
        token: admin.token,
      }),
      202,
      'replay after rotation',
    );
    await waitFor('the replay after rotation', () => receiver.at(path).length >= 5);
    const afterRotation = receiver.at(path)[4];
    expect(signatures(afterRotation)).toEqual([
      signatureFor(newSecret, afterRotation),
      signatureFor(secret, afterRotation),
    ]);
    const log = await waitFor('five attempts in the log', async () => {
      const detail = (
        await t.request({
          method: 'GET',
          url: `${endpointsApi('mo-dese')}/${endpoint.id}/deliveries/${delivery.id}`,
          token: admin.token,
        })
      ).json();
      return detail.attemptLog.length >= 5 && detail;
    });
    expect(log.attemptLog.map((a: any) => a.trigger)).toEqual([
      'scheduled',
      'scheduled',
      'scheduled',
      'replay',
      'replay',
    ]);

    // Audited: registration and rotation (never the secret itself).
    const audit = await t.request({
      method: 'GET',
      url: `${api('mo-dese')}/audit/events?entityType=webhook_endpoint&entityId=${endpoint.id}`,
      token: admin.token,
    });
    expect(
      audit
        .json()
        .items.map((e: any) => e.action)
        .sort(),
    ).toEqual(['webhook_endpoint.created', 'webhook_endpoint.secret_rotated']);
    expect(audit.body).not.toContain(secret.slice(6));
    expect(audit.body).not.toContain(newSecret.slice(6));
  });

  it('announces submissions, acceptances, approvals and batches from where they happen', async () => {
    const path = '/hooks/all';
    const created = await register(t, admin, {
      url: receiver.url(path),
      events: [
        'application.submitted',
        'decision.released',
        'award.accepted',
        'payment_request.approved',
        'payment_batch.created',
        'payment.returned',
      ],
    });
    expectStatus(created, 201, 'register');
    // Approved inside the Sep 21 - Oct 1 window, batched after its cut-off.
    t.clock.set('2026-09-25T15:00:00Z');
    const { application, award, organization, team, financeA } = await activeAward(t, 'mo-dese');
    const asked = await requestPayment(
      t,
      'mo-dese',
      organization.id,
      award.id,
      team.grantWriter,
      reimbursement('300.00', { periodEnd: '2026-09-20' }),
    );
    expectStatus(asked, 201, 'payment request');
    expectStatus(await approve(t, 'mo-dese', asked.json().id, financeA), 200, 'approve');
    t.clock.set('2026-10-05T15:00:00Z');
    const batch = await t.request({
      method: 'POST',
      url: `${api('mo-dese')}/payment-batches`,
      token: financeA.token,
      headers: { 'idempotency-key': randomBytes(16).toString('hex') },
    });
    expectStatus(batch, 201, 'batch');

    const events = await waitFor('four events', () => {
      const bodies = receiver.at(path).map((r) => JSON.parse(r.body));
      return bodies.length >= 4 && new Map(bodies.map((b) => [b.type, b.data]));
    });
    expect([...events.keys()].sort()).toEqual([
      'application.submitted',
      'award.accepted',
      'payment_batch.created',
      'payment_request.approved',
    ]);
    expect(events.get('application.submitted')).toMatchObject({
      agencyCode: 'mo-dese',
      applicationId: application.id,
      organizationId: organization.id,
      submissionNumber: 1,
    });
    expect(events.get('award.accepted')).toMatchObject({
      awardId: award.id,
      reference: award.reference,
      amount: '100000.00',
    });
    expect(events.get('payment_request.approved')).toMatchObject({
      paymentRequestId: asked.json().id,
      amount: '300.00',
    });
    expect(events.get('payment_batch.created')).toMatchObject({
      paymentBatchId: batch.json().id,
      paymentCount: 1,
      total: '300.00',
      paymentRequestIds: [asked.json().id],
    });
  });

  it('announces each released decision', async () => {
    const path = '/hooks/decisions';
    const kansasAdmin = await signedInStaff(t, 'ks-ksde', ['agency_admin']);
    expectStatus(
      await register(
        t,
        kansasAdmin,
        { url: receiver.url(path), events: ['decision.released'] },
        'ks-ksde',
      ),
      201,
      'register',
    );
    const { officer, program, applicants } = await programWithSubmissions(t, 'ks-ksde', 2, {
      fundsAvailable: '150000.00',
      awardCeiling: '150000.00',
    });
    await intoMeritReview(t, 'ks-ksde', officer, program.id);
    const review = `${api('ks-ksde')}/programs/${program.id}`;
    const post = (url: string, payload?: unknown) =>
      t.request({ method: 'POST', url, token: officer.token, payload });
    expectStatus(await post(`${review}/review/stage`, { to: 'final_decision' }), 200, 'final');
    expectStatus(await post(`${review}/decisions/recommend`), 200, 'recommend');
    expectStatus(await post(`${review}/decisions/release`), 200, 'release');

    const received = await waitFor('two decisions', () => {
      const bodies = receiver.at(path).map((r) => JSON.parse(r.body));
      return bodies.length >= 2 && bodies;
    });
    // One event per decision, each with its own webhook-id.
    expect(new Set(receiver.at(path).map((r) => r.headers['webhook-id'])).size).toBe(2);
    expect(
      received
        .map((b: any) => [
          b.type,
          b.data.agencyCode,
          b.data.applicationId,
          b.data.outcome,
          b.data.amount,
        ])
        .sort(),
    ).toEqual(
      [
        ['decision.released', 'ks-ksde', applicants[0].application.id, 'approved', '100000.00'],
        ['decision.released', 'ks-ksde', applicants[1].application.id, 'waitlisted', null],
      ].sort(),
    );
  });

  it('disables an endpoint after repeated failure and tells the agency admins, in app and by email', async () => {
    const path = '/hooks/down';
    receiver.answer(path, [], 503);
    const otherAdmin = await signedInStaff(t, 'mo-dese', ['agency_admin']);
    const created = await register(t, admin, {
      url: receiver.url(path),
      events: ['payment_batch.created'],
    });
    expectStatus(created, 201, 'register');
    const endpointId: string = created.json().id;

    await publishBatchCreated(t, 'mo-dese');
    const delivery = await settledDelivery(t, admin, endpointId, 4);
    expect(delivery.state).toBe('failed');
    expect(delivery.attemptLog.map((a: any) => a.statusCode)).toEqual([503, 503, 503, 503]);
    const endpoint = (
      await t.request({
        method: 'GET',
        url: `${endpointsApi('mo-dese')}/${endpointId}`,
        token: admin.token,
      })
    ).json();
    expect(endpoint).toMatchObject({
      enabled: false,
      disabledReason: 'failing',
      consecutiveFailures: 4,
    });

    // Every agency admin hears of it in the app...
    for (const person of [admin, otherAdmin]) {
      const notices = await waitFor('the notice', async () => {
        const res = await t.request({
          method: 'GET',
          url: '/api/v1/me/notifications',
          token: person.token,
        });
        const items = res
          .json()
          .items.filter((n: any) => n.template === 'webhook.endpoint_disabled');
        return items.length > 0 && items;
      });
      expect(notices[0].body).toContain(receiver.url(path));
    }
    // ...and by email (the outbox job carrying the notice to both).
    const { rows } = await ownerPool(t).query<{ payload: any }>(
      `SELECT payload FROM jobs_outbox WHERE name = 'notification.email'
          AND payload::text LIKE '%webhook.endpoint_disabled%'`,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0].payload.notices[0].recipients).toEqual(
      expect.arrayContaining([{ userId: admin.user.id }, { userId: otherAdmin.user.id }]),
    );

    // A disabled endpoint is not replayed to; enabling it starts afresh.
    const refused = await t.request({
      method: 'POST',
      url: `${endpointsApi('mo-dese')}/${endpointId}/deliveries/${delivery.id}/replay`,
      token: admin.token,
    });
    expect(refused.status).toBe(409);
    expect(refused.json().code).toBe('webhook.endpoint_disabled');
    const enabled = await t.request({
      method: 'PATCH',
      url: `${endpointsApi('mo-dese')}/${endpointId}`,
      token: admin.token,
      payload: { enabled: true },
    });
    expect(enabled.json()).toMatchObject({
      enabled: true,
      disabledReason: null,
      consecutiveFailures: 0,
    });
  });

  it("keeps an agency's endpoints from other agencies' admins and from staff who are not admins", async () => {
    const created = await register(t, admin, {
      url: receiver.url('/hooks/private'),
      events: ['award.accepted'],
    });
    expectStatus(created, 201, 'register');
    const id: string = created.json().id;
    await publishBatchCreated(t, 'mo-dese'); // (not subscribed: no delivery)

    const kansasAdmin = await signedInStaff(t, 'ks-ksde', ['agency_admin']);
    const finance = await signedInStaff(t, 'mo-dese', ['finance_officer']);
    const some = '00000000-0000-4000-8000-000000000002';
    for (const agencyCode of ['ks-ksde', 'mo-dese']) {
      const base = `${endpointsApi(agencyCode)}/${id}`;
      for (const [method, url, payload] of [
        ['GET', base, undefined],
        ['PATCH', base, { url: receiver.url('/stolen') }],
        ['POST', `${base}/secret/rotate`, {}],
        ['GET', `${base}/deliveries`, undefined],
        ['POST', `${base}/deliveries/${some}/replay`, undefined],
        ['DELETE', base, undefined],
      ] as const) {
        const res = await t.request({ method, url, token: kansasAdmin.token, payload });
        expect([method, url, res.status]).toEqual([method, url, 404]);
      }
    }
    const theirs = await t.request({
      method: 'GET',
      url: endpointsApi('ks-ksde'),
      token: kansasAdmin.token,
    });
    expect(theirs.json().items.map((e: any) => e.id)).not.toContain(id);
    const notAdmin = await t.request({
      method: 'GET',
      url: endpointsApi('mo-dese'),
      token: finance.token,
    });
    expect(notAdmin.status).toBe(403);
    // Untouched by all of that.
    const still = await t.request({
      method: 'GET',
      url: `${endpointsApi('mo-dese')}/${id}`,
      token: admin.token,
    });
    expect(still.json()).toMatchObject({ url: receiver.url('/hooks/private'), enabled: true });
    expect(receiver.at('/hooks/private')).toHaveLength(0);

    const removed = await t.request({
      method: 'DELETE',
      url: `${endpointsApi('mo-dese')}/${id}`,
      token: admin.token,
    });
    expect(removed.status).toBe(204);
    const gone = await t.request({
      method: 'GET',
      url: `${endpointsApi('mo-dese')}/${id}`,
      token: admin.token,
    });
    expect(gone.status).toBe(404);
    expect(gone.json().code).toBe('webhook.endpoint_not_found');
  });
});

describe('webhooks where private networks are not allowed (SSRF)', () => {
  const receiver = new Receiver();
  const t = useTestApp({
    env: {
      WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'false',
      WEBHOOK_RETRY_SCHEDULE: '1h',
      JOB_POLL_MS: '100',
    },
  });
  let admin: SignedIn;

  beforeAll(async () => {
    await receiver.start();
    admin = await signedInStaff(t, 'mo-dese', ['agency_admin']);
  });
  t.cleanup(() => receiver.stop());
  afterEach(() => jest.restoreAllMocks());

  it('refuses loopback, link-local, private and metadata addresses at registration, in every spelling', async () => {
    for (const url of [
      'http://127.0.0.1/hook',
      'http://[::1]/hook',
      'http://169.254.169.254/latest/meta-data',
      'http://[::ffff:127.0.0.1]/hook',
      'http://[::ffff:a9fe:a9fe]/latest/meta-data',
      'http://0x7f000001/hook',
      'http://2130706433/hook',
      'http://0.0.0.0/hook',
      'http://localhost/hook',
      'http://api.localhost/hook',
      'http://10.0.0.8/hook',
      'http://172.16.3.4/hook',
      'http://192.168.1.10/hook',
      'http://100.64.0.1/hook',
      'http://[fe80::1]/hook',
      'http://[fd00::1]/hook',
      'http://224.0.0.1/hook',
    ]) {
      const res = await register(t, admin, { url, events: ['award.accepted'] });
      expect([url, res.status, res.json().code]).toEqual([url, 400, 'webhook.url_private_address']);
    }
    // A name that resolves to loopback (the resolver plays DNS: no network needed).
    jest
      .spyOn(t.app.get(WebhookResolver), 'resolve')
      .mockResolvedValue([{ address: '127.0.0.1', family: 4 }]);
    const named = await register(t, admin, {
      url: 'https://localtest.me/hook',
      events: ['award.accepted'],
    });
    expect(named.status).toBe(400);
    expect(named.json()).toMatchObject({
      code: 'webhook.url_private_address',
      errors: [{ pointer: '/url' }],
    });
    // Other bad input, each with its code.
    for (const [body, code] of [
      [{ url: 'ftp://hooks.example.org/', events: ['award.accepted'] }, 'webhook.url_invalid'],
      [
        { url: 'https://u:p@hooks.example.org/', events: ['award.accepted'] },
        'webhook.url_credentials',
      ],
      [{ url: 'https://hooks.example.org/', events: ['award.paid'] }, 'webhook.event_unknown'],
      [{ url: 'https://hooks.example.org/', events: [] }, 'request.invalid'],
    ] as const) {
      const res = await register(t, admin, body);
      expect([body, res.status, res.json().code]).toEqual([body, 400, code]);
    }
    // Nothing was registered.
    const list = await t.request({
      method: 'GET',
      url: endpointsApi('mo-dese'),
      token: admin.token,
    });
    expect(list.json().items).toEqual([]);
  });

  it('checks the address it connects to at delivery: a name rebound to loopback is not reached', async () => {
    const resolve = jest.spyOn(t.app.get(WebhookResolver), 'resolve');
    // Public when registered...
    resolve.mockResolvedValue([{ address: '93.184.216.34', family: 4 }]);
    const url = `http://rebind.example.test:${receiver.port}/hook`;
    const created = await register(t, admin, { url, events: ['payment_batch.created'] });
    expectStatus(created, 201, 'register');
    // ...loopback (and a public decoy) when delivered.
    resolve.mockResolvedValue([
      { address: '93.184.216.34', family: 4 },
      { address: '127.0.0.1', family: 4 },
    ]);
    await publishBatchCreated(t, 'mo-dese');
    const detail = await waitFor('the refused attempt', async () => {
      const list = (
        await t.request({
          method: 'GET',
          url: `${endpointsApi('mo-dese')}/${created.json().id}/deliveries`,
          token: admin.token,
        })
      ).json();
      const delivery = list.items[0];
      return delivery && delivery.attempts >= 1 && delivery;
    });
    const attempt = (
      await t.request({
        method: 'GET',
        url: `${endpointsApi('mo-dese')}/${created.json().id}/deliveries/${detail.id}`,
        token: admin.token,
      })
    ).json().attemptLog[0];
    expect(attempt).toMatchObject({ statusCode: null, succeeded: false });
    expect(attempt.error).toMatch(/may not reach/);
    expect(receiver.received).toHaveLength(0);
  });
  it('registers public addresses, up to a limit per agency', async () => {
    const existing = (
      await t.request({ method: 'GET', url: endpointsApi('mo-dese'), token: admin.token })
    ).json().items.length;
    for (let i = existing; i < MAX_ENDPOINTS_PER_AGENCY; i++) {
      const res = await register(t, admin, {
        url: `https://93.184.216.34/hook-${i}`,
        events: ['payment.returned'],
      });
      expectStatus(res, 201, `endpoint ${i}`);
    }
    const over = await register(t, admin, {
      url: 'https://93.184.216.34/one-too-many',
      events: ['payment.returned'],
    });
    expect(over.status).toBe(409);
    expect(over.json()).toMatchObject({ code: 'webhook.endpoint_limit', limit: 20 });
  });
});
