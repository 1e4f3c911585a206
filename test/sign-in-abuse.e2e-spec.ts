import { randomUUID } from 'node:crypto';
import { createInvitation, createUser, DEFAULT_PASSWORD, ownerPool } from './factories/identity';
import { consumeOrRefuse, RateLimitedError, RateLimitStore } from '../src/core/http/rate-limits';
import { deleteRedisKeys, TEST_REDIS_URL } from './jobs/redis';
import { bootTestApp, TestApp, TestResponse } from './support/test-app';
import { useTestApp } from './support/use-test-app';

/**
 * Sign-in under attack, with small limits (the shared test app's are generous). The app trusts
 * 127.0.0.1 (inject's socket) as a proxy, so each test plays clients at addresses of its own
 * through X-Forwarded-For; the long window keeps counts from resetting on a slow machine.
 */
describe('sign-in abuse limits (real server, small limits)', () => {
  const AUTH_PER_IP = 6;
  const DELAY_AFTER = 3;
  const t = useTestApp({
    env: {
      TRUSTED_PROXIES: '127.0.0.1',
      RATE_LIMIT_WINDOW_SECONDS: '3600',
      RATE_LIMIT_AUTH_PER_IP: String(AUTH_PER_IP),
      LOGIN_DELAY_AFTER_FAILURES: String(DELAY_AFTER),
      LOGIN_DELAY_BASE_SECONDS: '60',
      LOGIN_DELAY_MAX_SECONDS: '240',
      PASSWORD_HASH_CONCURRENCY: '1',
      PASSWORD_HASH_MAX_WAITING: '0',
    },
  });
  const post = (url: string, payload: unknown, ip: string) =>
    t.request({
      method: 'POST',
      url: `/api/v1${url}`,
      payload,
      headers: { 'x-forwarded-for': ip },
    });
  const sessionsOf = async (userId: string) =>
    (await ownerPool(t).query(`SELECT ip FROM sessions WHERE user_id = $1`, [userId])).rows;
  const delaySeconds = async (email: string) =>
    (
      await ownerPool(t).query<{ s: number }>(
        `SELECT extract(epoch FROM locked_until - now())::float8 AS s
           FROM login_throttles WHERE email = $1`,
        [email],
      )
    ).rows[0]?.s;
  /** Stands at the end of the account's current delay, as if its time had passed. */
  const endDelay = (email: string) =>
    ownerPool(t).query(
      `UPDATE login_throttles SET locked_until = now() - interval '1 second' WHERE email = $1`,
      [email],
    );
  const expectCodedRefusal = (res: TestResponse, status: number, code: string) => {
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ status, code, requestId: res.headers['x-request-id'] });
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  };

  it("a stranger's failures delay the account; they never keep the owner out after the delay", async () => {
    const owner = await createUser(t);
    const stranger = '203.0.113.7';
    for (let i = 0; i < DELAY_AFTER; i++) {
      const res = await post(
        '/auth/login',
        { email: owner.email, password: `guess-${i}` },
        stranger,
      );
      expect(res.json().code).toBe('auth.invalid_credentials');
    }
    // In the delay: refused before any password check, for everyone, and not counted.
    const refused = await post(
      '/auth/login',
      { email: owner.email, password: 'guess-x' },
      stranger,
    );
    expectCodedRefusal(refused, 429, 'auth.locked');
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(await delaySeconds(owner.email)).toBeGreaterThan(50);

    // After the delay a further failure doubles it (up to the cap) ...
    await endDelay(owner.email);
    const again = await post('/auth/login', { email: owner.email, password: 'guess-y' }, stranger);
    expect(again.json().code).toBe('auth.invalid_credentials');
    expect(await delaySeconds(owner.email)).toBeGreaterThan(110);
    expect(await delaySeconds(owner.email)).toBeLessThanOrEqual(120);
    for (let i = 0; i < 2; i++) {
      await endDelay(owner.email);
      await post('/auth/login', { email: owner.email, password: `more-${i}` }, '203.0.113.8');
    }
    expect(await delaySeconds(owner.email)).toBeLessThanOrEqual(240);
    expect(await sessionsOf(owner.id)).toEqual([]);

    // ... and the owner's right password after the delay signs in and clears the count.
    await endDelay(owner.email);
    const ownerLogin = await post(
      '/auth/login',
      { email: owner.email, password: DEFAULT_PASSWORD },
      '198.51.100.2',
    );
    expect(ownerLogin.status).toBe(200);
    const cleared = await ownerPool(t).query(`SELECT 1 FROM login_throttles WHERE email = $1`, [
      owner.email,
    ]);
    expect(cleared.rowCount).toBe(0);
    // The address recorded is the client's, as the trusted proxy reported it.
    expect(await sessionsOf(owner.id)).toEqual([{ ip: '198.51.100.2' }]);
  });

  it('counts a parallel burst atomically: it evaluates the threshold, the rest wait', async () => {
    const owner = await createUser(t);
    const answers = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        post('/auth/login', { email: owner.email, password: `burst-${i}` }, `198.18.0.${i + 1}`),
      ),
    );
    const codes: string[] = answers.map((r) => r.json().code);
    // Some may meet the hash gate (one at a time here): busy, never a password check past N.
    expect(codes.filter((c) => c === 'auth.invalid_credentials').length).toBeLessThanOrEqual(
      DELAY_AFTER,
    );
    expect(codes.filter((c) => c !== 'auth.locked').sort()).toEqual(
      codes.filter((c) => ['auth.invalid_credentials', 'auth.busy'].includes(c)).sort(),
    );
    // A busy refusal takes its count back (nobody is delayed by others' flood), which can let a
    // later attempt of the burst through to a check; without one, exactly N were checked.
    if (!codes.includes('auth.busy')) {
      expect(codes.filter((c) => c === 'auth.locked')).toHaveLength(5 - DELAY_AFTER);
    }
  });

  it('refuses the N+1th sign-in request from one address, changing nothing', async () => {
    const owner = await createUser(t);
    const attacker = '192.0.2.50';
    for (let i = 0; i < AUTH_PER_IP; i++) {
      const res = await post(
        '/auth/login',
        { email: `nobody-${i}@example.org`, password: 'x' },
        attacker,
      );
      expect(res.json().code).toBe('auth.invalid_credentials');
    }
    // The right password from that address: refused before the body is read.
    const refused = await post(
      '/auth/login',
      { email: owner.email, password: DEFAULT_PASSWORD },
      attacker,
    );
    expectCodedRefusal(refused, 429, 'request.rate_limited');
    expect(await sessionsOf(owner.id)).toEqual([]);
    // Every /auth route shares the budget: an invitation is not accepted, its password not set.
    const invited = await createUser(t, { password: null });
    const token = await createInvitation(t, invited.id);
    const accept = await post(
      '/auth/accept-invitation',
      { token, password: 'a brand new password' },
      attacker,
    );
    expectCodedRefusal(accept, 429, 'request.rate_limited');
    const state = await ownerPool(t).query(
      `SELECT u.password_hash, i.closed_at FROM users u JOIN user_invitations i ON i.user_id = u.id
        WHERE u.id = $1`,
      [invited.id],
    );
    expect(state.rows).toEqual([{ password_hash: null, closed_at: null }]);
    // Another address is not affected.
    const elsewhere = await post(
      '/auth/login',
      { email: owner.email, password: DEFAULT_PASSWORD },
      '192.0.2.51',
    );
    expect(elsewhere.status).toBe(200);
  });

  it('tallies failed logins for unknown emails: one audit row per address and hour, not one each', async () => {
    const before = await ownerPool(t).query(
      `SELECT count(*)::int AS n FROM platform_audit_events WHERE action LIKE 'auth.login_failed%'`,
    );
    for (const ip of ['192.0.2.60', '192.0.2.61']) {
      for (let i = 0; i < AUTH_PER_IP; i++) {
        const res = await post(
          '/auth/login',
          { email: `random-${randomUUID()}@example.org`, password: 'x' },
          ip,
        );
        expect(res.json().code).toBe('auth.invalid_credentials');
      }
    }
    const after = await ownerPool(t).query(
      `SELECT entity_id, client_ip FROM platform_audit_events
        WHERE action LIKE 'auth.login_failed%' ORDER BY occurred_at OFFSET $1`,
      [before.rows[0].n],
    );
    // One row per address and hour (two only if the hour turned during the test).
    const rowsPer = (ip: string) => after.rows.filter((r) => r.entity_id === ip).length;
    expect(after.rows.every((r) => r.entity_id === r.client_ip)).toBe(true);
    for (const ip of ['192.0.2.60', '192.0.2.61']) {
      expect(rowsPer(ip)).toBeGreaterThanOrEqual(1);
      expect(rowsPer(ip)).toBeLessThanOrEqual(2);
    }
    expect(after.rows).toHaveLength(rowsPer('192.0.2.60') + rowsPer('192.0.2.61'));
    const tallies = await ownerPool(t).query(
      `SELECT client_ip, sum(failures)::int AS failures FROM login_failure_tallies
        WHERE client_ip IN ('192.0.2.60', '192.0.2.61') GROUP BY client_ip ORDER BY client_ip`,
    );
    expect(tallies.rows).toEqual([
      { client_ip: '192.0.2.60', failures: AUTH_PER_IP },
      { client_ip: '192.0.2.61', failures: AUTH_PER_IP },
    ]);
  });

  it('caps concurrent password checks: a flood gets coded 503s, the API keeps answering', async () => {
    const flood = Array.from({ length: 12 }, (_, i) =>
      post('/auth/login', { email: `flood-${i}@example.org`, password: 'x' }, `198.19.0.${i + 1}`),
    );
    const live = await t.request({ method: 'GET', url: '/health/live' });
    expect(live.status).toBe(200);
    const answers = await Promise.all(flood);
    const busy = answers.filter((r) => r.status === 503);
    expect(busy.length).toBeGreaterThan(0);
    for (const res of busy) expectCodedRefusal(res, 503, 'auth.busy');
    // A refused check is not a failure: nobody is pushed toward a delay by others' flood.
    const refusedEmails = answers.flatMap((r, i) =>
      r.status === 503 ? [`flood-${i}@example.org`] : [],
    );
    const counted = await ownerPool(t).query(
      `SELECT email FROM login_throttles WHERE email = ANY($1) AND failures > 0`,
      [refusedEmails],
    );
    expect(counted.rows).toEqual([]);
    for (const res of answers.filter((r) => r.status !== 503)) {
      expect(res.json().code).toBe('auth.invalid_credentials');
    }
    // The gate lets go: a sign-in afterwards works.
    const owner = await createUser(t);
    const ok = await post(
      '/auth/login',
      { email: owner.email, password: DEFAULT_PASSWORD },
      '198.19.1.1',
    );
    expect(ok.status).toBe(200);
  });
});

/** With REDIS_URL the limits count in Redis: two API processes share one budget per address. */
describe('sign-in limits shared through Redis', () => {
  const prefix = `gc-rate-test-${randomUUID().slice(0, 8)}`;
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    const env = {
      REDIS_URL: TEST_REDIS_URL,
      JOB_QUEUE_PREFIX: prefix,
      TRUSTED_PROXIES: '127.0.0.1',
      RATE_LIMIT_WINDOW_SECONDS: '3600',
      RATE_LIMIT_AUTH_PER_IP: '3',
    };
    a = await bootTestApp(env);
    b = await bootTestApp(env);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await deleteRedisKeys(TEST_REDIS_URL, prefix);
  });

  it('refuses on one process the request that goes over the budget used on the other', async () => {
    const login = (app: TestApp) =>
      app.request({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: 'nobody@example.org', password: 'x' },
        headers: { 'x-forwarded-for': '192.0.2.77' },
      });
    for (let i = 0; i < 3; i++) expect((await login(a)).status).toBe(401);
    const refused = await login(b);
    expect(refused.status).toBe(429);
    expect(refused.json().code).toBe('request.rate_limited');
  });

  it('shares the counters services consult (invitations per organization and agency) too', async () => {
    const onA = a.app.get(RateLimitStore).counter('probe:', 2, 3600);
    const onB = b.app.get(RateLimitStore).counter('probe:', 2, 3600);
    const refuse = (retryAfter: number) => new RateLimitedError(retryAfter, 'probe.limited');
    await consumeOrRefuse(onA, 'org-1', refuse);
    await consumeOrRefuse(onA, 'org-1', refuse);
    await expect(consumeOrRefuse(onB, 'org-1', refuse)).rejects.toMatchObject({
      code: 'probe.limited',
      status: 429,
    });
    await expect(consumeOrRefuse(onB, 'org-2', refuse)).resolves.toBeUndefined();
  });
});
