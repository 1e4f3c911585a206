import { randomUUID } from 'node:crypto';
import { totpCodeAt } from '../src/identity/mfa/totp';
import { useTestApp } from './support/use-test-app';
import {
  asAgencyOwner,
  createUser,
  freshTotpCode,
  grantAgencyRoles,
  login,
  ownerPool,
  rememberTotpSecret,
  signedInStaff,
  stepUp,
  TestUser,
} from './factories/identity';
import { activeAward, api, approve, requestPayment, reimbursement } from './factories/finance';
import { signInByPage } from './factories/web-sign-in';

/** The claims of a JWT, read without checking it (the server checks; the test only looks). */
const claimsOf = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as {
    amr?: string[];
    sfa?: number;
    mx?: number;
  };

/** TOTP multi-factor sign-in, step-up for money, sessions (issue 16, items 4-7). */
describe('multi-factor authentication', () => {
  const t = useTestApp({ clock: '2026-10-05T15:00:00Z' });

  const post = (url: string, payload: unknown, token?: string) =>
    t.request({ method: 'POST', url: `/api/v1${url}`, payload, token });

  const platformEvents = async (action: string, entityId: string) =>
    (
      await ownerPool(t).query(
        `SELECT after FROM platform_audit_events WHERE action = $1 AND entity_id = $2`,
        [action, entityId],
      )
    ).rows as { after: Record<string, unknown> }[];

  async function financeOfficer(): Promise<TestUser> {
    const user = await createUser(t);
    await grantAgencyRoles(t, 'mo-dese', user.id, ['finance_officer']);
    return user;
  }

  /** Enrols through the API by hand; returns the secret and the answer of the confirmation. */
  async function enrol(user: TestUser) {
    const first = await post('/auth/login', { email: user.email, password: user.password });
    const challengeToken = first.json().challengeToken as string;
    const started = await post('/auth/mfa/enrolment', { challengeToken });
    const secret = started.json().secret as string;
    rememberTotpSecret(user.email, secret);
    const confirmed = await post('/auth/mfa/enrolment/confirm', {
      challengeToken,
      code: freshTotpCode(user.email),
    });
    return { secret, confirmed };
  }

  it('sends a finance officer to enrolment at first sign-in; the challenge does nothing else', async () => {
    const user = await financeOfficer();
    const first = await post('/auth/login', { email: user.email, password: user.password });
    expect(first.status).toBe(401);
    expect(first.json()).toMatchObject({ code: 'auth.mfa_enrolment_required' });
    const challengeToken = first.json().challengeToken as string;
    // Not an access token: the API refuses it, and it cannot skip to the code step.
    const me = await t.request({ method: 'GET', url: '/api/v1/me', token: challengeToken });
    expect(me.status).toBe(401);
    const skip = await post('/auth/mfa/verify', { challengeToken, code: '123456' });
    expect(skip.json().code).toBe('auth.mfa_challenge_invalid');

    const started = await post('/auth/mfa/enrolment', { challengeToken });
    expect(started.status).toBe(200);
    const { secret, otpauthUri, qrCodeSvg } = started.json();
    expect(otpauthUri).toContain(`secret=${secret}`);
    expect(qrCodeSvg).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    // Shown again (same secret) while pending, so a reload does not break a scan.
    expect((await post('/auth/mfa/enrolment', { challengeToken })).json().secret).toBe(secret);

    const wrong = await post('/auth/mfa/enrolment/confirm', { challengeToken, code: '000000' });
    expect(wrong.json().code).toBe('auth.mfa_code_invalid');
    const code = totpCodeAt(secret, Date.now());
    const confirmed = await post('/auth/mfa/enrolment/confirm', { challengeToken, code });
    expect(confirmed.status).toBe(200);
    const body = confirmed.json();
    expect(body.recoveryCodes).toHaveLength(10);
    expect(new Set(body.recoveryCodes).size).toBe(10);
    expect(claimsOf(body.accessToken).amr).toEqual(['pwd', 'otp']);
    expect(claimsOf(body.accessToken).sfa).toBeGreaterThan(Date.now() / 1000 - 60);

    // At rest: the secret sealed, the recovery codes hashed.
    const stored = await ownerPool(t).query(
      `SELECT f.secret_sealed, array_agg(r.code_hash) AS hashes FROM mfa_factors f
         JOIN mfa_recovery_codes r ON r.user_id = f.user_id
        WHERE f.user_id = $1 AND f.confirmed_at IS NOT NULL GROUP BY f.secret_sealed`,
      [user.id],
    );
    expect(stored.rows[0].secret_sealed).not.toContain(secret);
    const normalized = body.recoveryCodes.map((c: string) => c.replace(/-/g, ''));
    for (const hash of stored.rows[0].hashes) expect(normalized).not.toContain(hash);
    expect(await platformEvents('mfa.enrolled', user.id)).toHaveLength(1);
  });

  it('asks for the code at the next sign-in; a code works once; recovery codes work once', async () => {
    const user = await financeOfficer();
    const { confirmed } = await enrol(user);
    const recoveryCodes = confirmed.json().recoveryCodes as string[];

    const second = await post('/auth/login', { email: user.email, password: user.password });
    expect(second.json().code).toBe('auth.mfa_required');
    const code = freshTotpCode(user.email);
    const verified = await post('/auth/mfa/verify', {
      challengeToken: second.json().challengeToken,
      code,
    });
    expect(verified.status).toBe(200);
    expect(claimsOf(verified.json().accessToken).amr).toEqual(['pwd', 'otp']);

    // The same code again (an overheard one) is refused.
    const third = await post('/auth/login', { email: user.email, password: user.password });
    const replay = await post('/auth/mfa/verify', {
      challengeToken: third.json().challengeToken,
      code,
    });
    expect(replay.status).toBe(401);
    expect(replay.json().code).toBe('auth.mfa_code_invalid');

    const recovery = recoveryCodes[3].toLowerCase(); // typed loosely
    const viaRecovery = await post('/auth/mfa/verify', {
      challengeToken: third.json().challengeToken,
      code: recovery,
    });
    expect(viaRecovery.status).toBe(200);
    expect(claimsOf(viaRecovery.json().accessToken).amr).toEqual(['pwd', 'recovery']);
    const again = await post('/auth/mfa/verify', {
      challengeToken: third.json().challengeToken,
      code: recovery,
    });
    expect(again.json().code).toBe('auth.mfa_code_invalid');
    expect(await platformEvents('mfa.recovery_code_used', user.id)).toEqual([
      { after: { recoveryCodesLeft: 9 } },
    ]);
    expect((await platformEvents('auth.mfa_failed', user.id)).length).toBeGreaterThanOrEqual(2);
  });

  it('throttles wrong codes like passwords: after five, even the right code waits', async () => {
    const user = await financeOfficer();
    await enrol(user);
    const first = await post('/auth/login', { email: user.email, password: user.password });
    const challengeToken = first.json().challengeToken as string;
    for (let i = 0; i < 5; i++) {
      const wrong = await post('/auth/mfa/verify', { challengeToken, code: '000000' });
      expect(wrong.json().code).toBe('auth.mfa_code_invalid');
    }
    const locked = await post('/auth/mfa/verify', {
      challengeToken,
      code: freshTotpCode(user.email),
    });
    expect(locked.status).toBe(429);
    expect(locked.json()).toMatchObject({ code: 'auth.mfa_locked' });
    expect(locked.json().retryAfterSeconds).toBeGreaterThan(0);
    // Refused without a check while the delay runs (and not counted again).
    const signedIn = await post('/auth/mfa/verify', { challengeToken, code: '111111' });
    expect(signedIn.status).toBe(429);
  });

  it('does not force roles the agency does not protect', async () => {
    const reviewer = await signedInStaff(t, 'mo-dese', ['reviewer', 'program_officer']);
    expect(claimsOf(reviewer.token).amr).toEqual(['pwd']);
    const list = await t.request({
      method: 'GET',
      url: `${api('mo-dese')}/programs`,
      token: reviewer.token,
    });
    expect(list.status).toBe(200);
  });

  it('a token without a recent second factor cannot approve; after step-up it can', async () => {
    const { award, organization, team, financeA } = await activeAward(t, 'mo-dese');
    const submitted = await requestPayment(
      t,
      'mo-dese',
      organization.id,
      award.id,
      team.grantWriter,
      reimbursement('1200.00'),
    );
    expect(submitted.status).toBe(201);
    const requestId = submitted.json().id as string;

    // As if the officer signed in 20 minutes ago: a refreshed (or stolen) token carries that.
    await ownerPool(t).query(
      `UPDATE sessions SET second_factor_at = now() - interval '20 minutes' WHERE user_id = $1`,
      [financeA.user.id],
    );
    const refreshed = await post('/auth/refresh', { refreshToken: financeA.refreshToken });
    expect(refreshed.status).toBe(200);
    const stale = { ...financeA, token: refreshed.json().accessToken as string };
    const refused = await approve(t, 'mo-dese', requestId, stale);
    expect(refused.status).toBe(401);
    expect(refused.json()).toMatchObject({ code: 'auth.step_up_required', maxAgeSeconds: 900 });
    const reject = await post(
      `/agencies/mo-dese/payment-requests/${requestId}/reject`,
      { reason: 'no' },
      stale.token,
    );
    expect(reject.json().code).toBe('auth.step_up_required');
    const batch = await t.request({
      method: 'POST',
      url: `${api('mo-dese')}/payment-batches`,
      token: stale.token,
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(batch.json().code).toBe('auth.step_up_required');
    const untouched = await t.request({
      method: 'GET',
      url: `${api('mo-dese')}/payment-requests/${requestId}`,
      token: stale.token,
    });
    expect(untouched.json().status).toBe('submitted');

    // A wrong code does not step up.
    const wrong = await post('/auth/step-up', { code: '000000' }, stale.token);
    expect(wrong.json().code).toBe('auth.mfa_code_invalid');
    const fresh = await stepUp(t, stale);
    expect(claimsOf(fresh).sfa).toBeGreaterThan(Date.now() / 1000 - 60);
    const approved = await approve(t, 'mo-dese', requestId, stale);
    expect(approved.status).toBe(200);
    expect(await platformEvents('auth.step_up', claimsOfSid(fresh))).toHaveLength(1);
  });

  it('an agency admin removes a factor, audited; the person enrols again', async () => {
    const officer = await financeOfficer();
    const { confirmed } = await enrol(officer);
    const officerToken = confirmed.json().accessToken as string;
    const admin = await signedInStaff(t, 'mo-dese', ['agency_admin']);
    const url = (userId: string, agency = 'mo-dese') =>
      `/api/v1/agencies/${agency}/staff/${userId}/mfa`;

    const notAdmin = await t.request({
      method: 'DELETE',
      url: url(admin.user.id),
      token: officerToken,
    });
    expect(notAdmin.status).toBe(403);
    const own = await t.request({ method: 'DELETE', url: url(admin.user.id), token: admin.token });
    expect(own.json().code).toBe('mfa.cannot_remove_own');
    const ksAdmin = await signedInStaff(t, 'ks-ksde', ['agency_admin']);
    const otherAgency = await t.request({
      method: 'DELETE',
      url: url(officer.id, 'ks-ksde'),
      token: ksAdmin.token,
    });
    expect(otherAgency.status).toBe(404);

    const removed = await t.request({ method: 'DELETE', url: url(officer.id), token: admin.token });
    expect(removed.status).toBe(204);
    const events = await asAgencyOwner(t, 'mo-dese', async (client) => {
      const { rows } = await client.query(
        `SELECT actor_user_id, after FROM audit_events WHERE action = 'mfa.factor_removed'
            AND entity_id = $1`,
        [officer.id],
      );
      return rows;
    });
    expect(events).toEqual([
      { actor_user_id: admin.user.id, after: { enrolled: false, sessionsEnded: 1 } },
    ]);
    // Their sessions ended with it; the next sign-in enrols again.
    const me = await t.request({ method: 'GET', url: '/api/v1/me', token: officerToken });
    expect(me.status).toBe(401);
    const next = await post('/auth/login', { email: officer.email, password: officer.password });
    expect(next.json().code).toBe('auth.mfa_enrolment_required');
    expect((await login(t, officer.email, officer.password)).accessToken).toBeTruthy();
  });

  it('re-enrols from a session with a recent second factor; the old secret stops working', async () => {
    const user = await financeOfficer();
    const { secret: oldSecret, confirmed } = await enrol(user);
    const token = confirmed.json().accessToken as string;
    const started = await post('/me/mfa/enrolment', {}, token);
    expect(started.status).toBe(200);
    const secret = started.json().secret as string;
    expect(secret).not.toBe(oldSecret);
    const code = totpCodeAt(secret, Date.now());
    const done = await post('/me/mfa/enrolment/confirm', { code }, token);
    expect(done.status).toBe(200);
    expect(done.json().recoveryCodes).toHaveLength(10);
    expect(await platformEvents('mfa.reenrolled', user.id)).toHaveLength(1);
    const state = await t.request({ method: 'GET', url: '/api/v1/me/mfa', token });
    expect(state.json()).toEqual({ enrolled: true, recoveryCodesLeft: 10, required: true });

    const next = await post('/auth/login', { email: user.email, password: user.password });
    const challengeToken = next.json().challengeToken as string;
    const old = await post('/auth/mfa/verify', {
      challengeToken,
      code: totpCodeAt(oldSecret, Date.now() + 30_000),
    });
    expect(old.json().code).toBe('auth.mfa_code_invalid');
    const fresh = await post('/auth/mfa/verify', {
      challengeToken,
      code: totpCodeAt(secret, Date.now() + 30_000),
    });
    expect(fresh.status).toBe(200);

    // A session whose second factor is old must step up before swapping the factor.
    await ownerPool(t).query(
      `UPDATE sessions SET second_factor_at = now() - interval '1 hour' WHERE user_id = $1`,
      [user.id],
    );
    const stale = await post('/auth/refresh', { refreshToken: fresh.json().refreshToken });
    const refused = await post('/me/mfa/enrolment', {}, stale.json().accessToken);
    expect(refused.json().code).toBe('auth.step_up_required');
  });

  it('signs a protected role in through the pages only after enrolment (no browser)', async () => {
    const user = await financeOfficer();
    const first = await signInByPage(t, user);
    const page = await t.request({
      method: 'GET',
      url: '/account/sessions',
      headers: { cookie: first.cookie },
    });
    expect(page.status).toBe(200);
    expect(page.body).toContain('Authenticator code');
    const again = await signInByPage(t, user); // now the code page
    expect(again.cookie).not.toBe(first.cookie);
  });

  it('lists the person’s sessions and signs out everywhere else', async () => {
    const user = await financeOfficer();
    const first = await login(t, user.email, user.password);
    const second = await login(t, user.email, user.password);
    const listed = await t.request({
      method: 'GET',
      url: '/api/v1/me/sessions',
      token: second.accessToken,
    });
    expect(listed.status).toBe(200);
    const items = listed.json().items as { current: boolean; authMethods: string[] }[];
    expect(items).toHaveLength(2);
    expect(items.filter((s) => s.current)).toHaveLength(1);
    expect(items[0].authMethods).toContain('otp');

    const out = await post('/me/sessions/sign-out-others', {}, second.accessToken);
    expect(out.json()).toEqual({ signedOut: 1 });
    const old = await t.request({ method: 'GET', url: '/api/v1/me', token: first.accessToken });
    expect(old.status).toBe(401);
    const still = await t.request({ method: 'GET', url: '/api/v1/me', token: second.accessToken });
    expect(still.status).toBe(200);
  });

  it('ends an API session at its absolute lifetime however often it is refreshed', async () => {
    const reviewer = await signedInStaff(t, 'mo-dese', ['reviewer']);
    const { mx } = claimsOf(reviewer.token);
    expect(mx).toBeGreaterThan(Date.now() / 1000 + 12 * 3600 - 120);
    await ownerPool(t).query(
      `UPDATE sessions SET ends_at = now() - interval '1 second' WHERE user_id = $1`,
      [reviewer.user.id],
    );
    const refreshed = await post('/auth/refresh', { refreshToken: reviewer.refreshToken });
    expect(refreshed.status).toBe(401);
  });
});

function claimsOfSid(token: string): string {
  return (
    JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as {
      sid: string;
    }
  ).sid;
}
