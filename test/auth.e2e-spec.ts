import { AccessTokenCodec } from '../src/identity/auth/access-token';
import {
  createInvitation,
  createUser,
  DEFAULT_PASSWORD,
  login,
  ownerPool,
  signedInStaff,
} from './factories/identity';
import { useTestApp } from './support/use-test-app';

describe('auth: login, refresh, logout, lockout (real PostgreSQL, app role)', () => {
  const t = useTestApp();
  const post = (url: string, payload: unknown, token?: string) =>
    t.request({ method: 'POST', url: `/api/v1${url}`, payload, token });
  const me = (token: string) => t.request({ method: 'GET', url: '/api/v1/me', token });
  const platformEvents = async (action: string) =>
    (
      await ownerPool(t).query(
        `SELECT actor_user_id, entity_id, after, client_ip, request_id
           FROM platform_audit_events WHERE action = $1 ORDER BY occurred_at`,
        [action],
      )
    ).rows;

  it('signs in with an argon2id-hashed password and the token works on /me', async () => {
    const user = await createUser(t, { email: 'Casey.Lee@Example.org', hashedByApp: true });
    const res = await post('/auth/login', {
      email: 'casey.lee@example.org',
      password: DEFAULT_PASSWORD,
    });
    expect(res.status).toBe(200);
    const tokens = res.json();
    expect(tokens).toEqual({
      accessToken: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
      accessTokenExpiresAt: expect.any(String),
      refreshToken: expect.any(String),
      refreshTokenExpiresAt: expect.any(String),
    });
    const ttl = Date.parse(tokens.accessTokenExpiresAt) - Date.now();
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(t.config.auth.accessTokenTtlSeconds * 1000);

    const meRes = await me(tokens.accessToken);
    expect(meRes.status).toBe(200);
    expect(meRes.json().user).toMatchObject({ id: user.id, email: 'casey.lee@example.org' });

    const stored = await ownerPool(t).query('SELECT password_hash FROM users WHERE id = $1', [
      user.id,
    ]);
    expect(stored.rows[0].password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    const tokenRows = await ownerPool(t).query(
      `SELECT rt.token_hash FROM refresh_tokens rt JOIN sessions s ON s.id = rt.session_id
        WHERE s.user_id = $1`,
      [user.id],
    );
    expect(tokenRows.rows).toHaveLength(1);
    expect(tokenRows.rows[0].token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(tokenRows.rows[0].token_hash).not.toContain(tokens.refreshToken);

    const events = await platformEvents('auth.login_succeeded');
    expect(events.some((e) => e.actor_user_id === user.id)).toBe(true);
  });

  it('answers a wrong password, an unknown email and a password-less invitee identically', async () => {
    const known = await createUser(t);
    const invitee = await createUser(t, { password: null });
    const answers = await Promise.all([
      post('/auth/login', { email: known.email, password: 'not the password' }),
      post('/auth/login', { email: 'nobody-here@example.org', password: 'not the password' }),
      post('/auth/login', { email: invitee.email, password: 'not the password' }),
    ]);
    const strip = (body: any) => ({ ...body, requestId: undefined });
    for (const res of answers) {
      expect(res.status).toBe(401);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(strip(res.json())).toEqual(strip(answers[0].json()));
    }
    expect(answers[0].json().code).toBe('auth.invalid_credentials');

    const failures = await platformEvents('auth.login_failed');
    expect(failures).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          actor_user_id: known.id,
          after: { email: known.email, reason: 'invalid_credentials' },
        }),
      ]),
    );
    // Unknown emails are tallied per client address and hour: one audit row per tally, no email.
    expect(failures.some((e) => e.entity_id === 'nobody-here@example.org')).toBe(false);
    const tallied = await platformEvents('auth.login_failed_unknown_email');
    expect(tallied.length).toBeGreaterThanOrEqual(1);
    expect(tallied[0]).toMatchObject({ entity_id: '127.0.0.1', client_ip: '127.0.0.1' });
    expect(JSON.stringify(tallied)).not.toContain('nobody-here');
  });

  it('records the socket address, not a client-supplied X-Forwarded-For (no trusted proxy)', async () => {
    const user = await createUser(t);
    const res = await t.request({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: user.email, password: DEFAULT_PASSWORD },
      headers: { 'x-forwarded-for': '203.0.113.66' },
    });
    expect(res.status).toBe(200);
    const sessions = await ownerPool(t).query('SELECT ip FROM sessions WHERE user_id = $1', [
      user.id,
    ]);
    expect(sessions.rows).toEqual([{ ip: '127.0.0.1' }]);
    const events = (await platformEvents('auth.login_succeeded')).filter(
      (e) => e.actor_user_id === user.id,
    );
    expect(events).toEqual([expect.objectContaining({ client_ip: '127.0.0.1' })]);
    expect(JSON.stringify(await platformEvents('auth.login_succeeded'))).not.toContain(
      '203.0.113.66',
    );
  });

  it('rejects a malformed login body with problem+json naming each field by JSON Pointer', async () => {
    const res = await post('/auth/login', { email: 'not-an-email', password: 'x', admin: true });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    const problem = res.json();
    expect(problem.code).toBe('request.invalid');
    const pointers = problem.errors.map((e: { pointer: string }) => e.pointer);
    expect(pointers).toEqual(expect.arrayContaining(['/email', '/admin']));
    expect(pointers).not.toContain('/password');
  });

  it('delays an account after 5 failed logins, known or unknown email alike; the right password after the delay works', async () => {
    const user = await createUser(t);
    for (const email of [user.email, 'ghost@example.org']) {
      for (let i = 0; i < 5; i++) {
        const res = await post('/auth/login', { email, password: `wrong-${i}` });
        expect(res.json().code).toBe('auth.invalid_credentials');
      }
      const delayed = await post('/auth/login', {
        email,
        password: email === user.email ? DEFAULT_PASSWORD : 'wrong',
      });
      expect(delayed.status).toBe(429);
      expect(delayed.json()).toMatchObject({
        code: 'auth.locked',
        retryAfterSeconds: expect.any(Number),
      });
      // The first delay is LOGIN_DELAY_BASE_SECONDS (30 by default), not a 15-minute lock.
      expect(delayed.json().retryAfterSeconds).toBeGreaterThan(0);
      expect(delayed.json().retryAfterSeconds).toBeLessThanOrEqual(30);
      expect(delayed.headers['retry-after']).toBe(String(delayed.json().retryAfterSeconds));
    }
    // Once the delay has passed, the right password works again and clears the count.
    await ownerPool(t).query(
      `UPDATE login_throttles SET locked_until = now() - interval '1 second' WHERE email = $1`,
      [user.email],
    );
    const again = await post('/auth/login', { email: user.email, password: DEFAULT_PASSWORD });
    expect(again.status).toBe(200);
    const cleared = await ownerPool(t).query('SELECT 1 FROM login_throttles WHERE email = $1', [
      user.email,
    ]);
    expect(cleared.rowCount).toBe(0);
  });

  it('counts parallel guesses atomically: a burst of 30 evaluates at most 5', async () => {
    const user = await createUser(t);
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        post('/auth/login', { email: user.email, password: `guess-${i}` }),
      ),
    );
    const codes = answers.map((r) => r.json().code);
    expect(codes.filter((c) => c === 'auth.invalid_credentials')).toHaveLength(5);
    expect(codes.filter((c) => c === 'auth.locked')).toHaveLength(25);
  });

  it('rotates refresh tokens, and reuse of a rotated one revokes the whole family', async () => {
    const staff = await signedInStaff(t, 'mo-dese', ['reviewer']);
    const first = staff.refreshToken;
    const rotated = await post('/auth/refresh', { refreshToken: first });
    expect(rotated.status).toBe(200);
    const second = rotated.json();
    expect(second.refreshToken).not.toBe(first);
    expect((await me(second.accessToken)).status).toBe(200);

    const reuse = await post('/auth/refresh', { refreshToken: first });
    expect(reuse.status).toBe(401);
    expect(reuse.json().code).toBe('auth.refresh_reused');

    // The family is gone: the newest refresh token and every access token of the session fail.
    const next = await post('/auth/refresh', { refreshToken: second.refreshToken });
    expect(next.json().code).toBe('auth.refresh_invalid');
    for (const token of [staff.token, second.accessToken]) {
      const res = await me(token);
      expect(res.status).toBe(401);
      expect(res.json().code).toBe('auth.session_ended');
    }
    const audited = await platformEvents('auth.refresh_reused');
    expect(audited.some((e) => e.actor_user_id === staff.user.id)).toBe(true);
  });

  it('lets exactly one of two concurrent refreshes of one token win', async () => {
    const staff = await signedInStaff(t, 'ks-ksde', ['reviewer']);
    const [a, b] = await Promise.all([
      post('/auth/refresh', { refreshToken: staff.refreshToken }),
      post('/auth/refresh', { refreshToken: staff.refreshToken }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 401]);
  });

  it('refuses unknown refresh tokens without revealing anything', async () => {
    const res = await post('/auth/refresh', { refreshToken: 'made-up' });
    expect(res.status).toBe(401);
    expect(res.json().code).toBe('auth.refresh_invalid');
  });

  it('logs out: the access token stops working on the next request and refresh fails', async () => {
    const staff = await signedInStaff(t, 'mo-dese', ['program_officer']);
    expect((await me(staff.token)).status).toBe(200);
    const out = await post('/auth/logout', {}, staff.token);
    expect(out.status).toBe(204);
    expect((await me(staff.token)).json().code).toBe('auth.session_ended');
    // On a public route the ended session is no error: the caller is simply anonymous.
    const profile = await t.request({
      method: 'GET',
      url: '/api/v1/agencies/mo-dese/profile',
      token: staff.token,
    });
    expect(profile.status).toBe(200);
    expect((await post('/auth/refresh', { refreshToken: staff.refreshToken })).json().code).toBe(
      'auth.refresh_invalid',
    );
    const audited = await ownerPool(t).query(
      `SELECT 1 FROM platform_audit_events WHERE action = 'auth.logout' AND actor_user_id = $1`,
      [staff.user.id],
    );
    expect(audited.rowCount).toBe(1);
  });

  it('logs out with only the refresh token when the access token is gone', async () => {
    const user = await createUser(t);
    const tokens = await login(t, user.email, user.password);
    expect((await post('/auth/logout', { refreshToken: tokens.refreshToken })).status).toBe(204);
    expect((await me(tokens.accessToken)).json().code).toBe('auth.session_ended');
  });

  it('refuses expired, forged and missing access tokens', async () => {
    const user = await createUser(t);
    const tokens = await login(t, user.email, user.password);
    const [, payload] = tokens.accessToken.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const genuine = { sub: claims.sub, sid: claims.sid, email: claims.email, pa: false };
    const expired = (
      await AccessTokenCodec.fromConfig(t.config, () => Date.now() - 1_000_000).issue(genuine)
    ).token;
    expect((await me(expired)).json().code).toBe('auth.token_expired');

    const settings = { secret: t.config.auth.tokenSecret, issuer: t.config.publicAppUrl };
    const forgeries = [
      new AccessTokenCodec({ ...settings, secret: 'x'.repeat(48), ttlSeconds: 900 }),
      new AccessTokenCodec({ ...settings, issuer: 'https://other.example', ttlSeconds: 900 }),
    ];
    for (const codec of forgeries) {
      const forged = (await codec.issue({ ...genuine, pa: true })).token;
      expect((await me(forged)).json().code).toBe('auth.token_invalid');
    }
    expect((await t.request({ method: 'GET', url: '/api/v1/me' })).json().code).toBe(
      'auth.unauthenticated',
    );
  });

  it('accepts an invitation once: sets the password, then the user signs in', async () => {
    const invitee = await createUser(t, { password: null });
    const token = await createInvitation(t, invitee.id);

    const short = await post('/auth/accept-invitation', { token, password: 'short' });
    expect(short.status).toBe(400);
    expect(short.json().errors.map((e: { pointer: string }) => e.pointer)).toEqual(['/password']);

    const accepted = await post('/auth/accept-invitation', {
      token,
      password: 'a long enough passphrase',
    });
    expect(accepted.status).toBe(204);
    expect((await login(t, invitee.email, 'a long enough passphrase')).accessToken).toBeTruthy();

    const replay = await post('/auth/accept-invitation', {
      token,
      password: 'another long passphrase',
    });
    expect(replay.status).toBe(400);
    expect(replay.json().code).toBe('auth.invitation_invalid');
    const audited = await platformEvents('user.invitation_accepted');
    expect(audited.map((e) => e.entity_id)).toContain(invitee.id);
    expect(JSON.stringify(audited)).not.toContain('a long enough passphrase');
  });
});
