import { useTestApp } from './support/use-test-app';
import type { TestResponse } from './support/test-app';
import {
  freePort,
  PUBLIC_PROVIDER,
  SSO_SECRETS_ENV,
  ssoAgencyConfigDir,
  STAFF_PROVIDER,
  startTestIdp,
  TestIdp,
  throughIdp,
} from './support/sso-idp';
import {
  asAgencyOwner,
  createUser,
  grantAgencyRoles,
  login,
  ownerPool,
  passwordHash,
  signedInStaff,
} from './factories/identity';

jest.setTimeout(240_000);

/**
 * Single sign-on through an agency's OpenID Connect providers (issue 16, items 1-3), against a
 * real provider (oidc-provider in a child process) over HTTP. Kansas has a staff provider for
 * its own domain and an applicants provider for anyone (test/support/sso-idp.ts).
 */
describe('single sign-on through an agency provider', () => {
  let idp: TestIdp;
  let appUrl: string;

  beforeAll(async () => {
    appUrl = `http://127.0.0.1:${await freePort()}`;
    idp = await startTestIdp(appUrl, {
      // Says it used a second factor, but the agency does not trust the staff provider's amr.
      reviewer: {
        email: 'reviewer@ksde.org',
        email_verified: true,
        name: 'Rita Reviewer',
        amr: ['pwd', 'mfa'],
      },
      stranger: { email: 'stranger@ksde.org', email_verified: true },
      outsider: { email: 'outsider@gmail.example', email_verified: true },
      unverified: { email: 'unverified@district.example', email_verified: false },
      applicant: { email: 'new.applicant@district.example', email_verified: true, name: 'Ana' },
      teacher: { email: 'teacher@district.example', email_verified: true },
      victim: { email: 'victim@district.example', email_verified: true },
      replay: { email: 'replay@district.example', email_verified: true },
      careful: { email: 'careful@district.example', email_verified: true, amr: ['pwd', 'mfa'] },
      finance: { email: 'finance@ksde.org', email_verified: true, name: 'Fay Finance' },
    });
  });
  const t = useTestApp({
    env: () => ({
      AGENCY_CONFIG_DIR: ssoAgencyConfigDir(idp.issuer),
      PUBLIC_APP_URL: appUrl,
      RATE_LIMIT_AUTH_PER_IP: '1000',
      ...SSO_SECRETS_ENV,
    }),
  });
  afterAll(() => idp?.stop());

  const cookieOf = (res: TestResponse, name: string): string | undefined => {
    const header = res.headers['set-cookie'];
    const all = Array.isArray(header) ? header : header ? [String(header)] : [];
    const found = all.find((c) => c.startsWith(`${name}=`) && !c.startsWith(`${name}=;`));
    return found?.split(';')[0];
  };

  /** Leaves for the provider; returns where it sends the browser back, and the flow cookie. */
  async function leave(providerId: string, loginName: string, query = '') {
    const start = await t.request({ method: 'GET', url: `/ks-ksde/sign-in/${providerId}${query}` });
    expect(start.status).toBe(303);
    const location = String(start.headers.location);
    expect(location.startsWith(idp.issuer)).toBe(true);
    const flow = cookieOf(start, 'gc_sso_flow')!;
    expect(flow).toBeDefined();
    const callback = await throughIdp(location, loginName);
    expect(callback.startsWith(`${appUrl}/ks-ksde/sign-in/${providerId}/callback?`)).toBe(true);
    return { path: callback.slice(appUrl.length), flow, authorizationUrl: new URL(location) };
  }
  const back = (path: string, cookie?: string) =>
    t.request({
      method: 'GET',
      url: path,
      headers: { accept: 'text/html', ...(cookie ? { cookie } : {}) },
    });
  async function signIn(providerId: string, loginName: string) {
    const { path, flow } = await leave(providerId, loginName);
    return back(path, flow);
  }

  const userByEmail = async (email: string) =>
    (
      await ownerPool(t).query(
        'SELECT id, password_hash, email_verified_at FROM users WHERE email = $1',
        [email],
      )
    ).rows[0];
  const links = (userId: string) =>
    asAgencyOwner(t, 'ks-ksde', async (client) => {
      const { rows } = await client.query(
        'SELECT provider_id, subject, email FROM user_identities WHERE user_id = $1',
        [userId],
      );
      return rows;
    });
  const events = (action: string) =>
    asAgencyOwner(t, 'ks-ksde', async (client) => {
      const { rows } = await client.query(
        'SELECT actor_user_id, entity_id, after, before FROM audit_events WHERE action = $1 ORDER BY id',
        [action],
      );
      return rows;
    });
  const sessionsOf = async (userId: string) =>
    (await ownerPool(t).query('SELECT id FROM sessions WHERE user_id = $1', [userId])).rowCount;
  const lastSessionOf = async (userId: string) =>
    (
      await ownerPool(t).query(
        `SELECT auth_methods, second_factor_at FROM sessions WHERE user_id = $1
          ORDER BY created_at DESC LIMIT 1`,
        [userId],
      )
    ).rows[0];

  it('asks the provider for a code with PKCE (S256), state, nonce and the registered callback', async () => {
    const start = await t.request({ method: 'GET', url: `/ks-ksde/sign-in/${STAFF_PROVIDER.id}` });
    const url = new URL(String(start.headers.location));
    expect(url.origin).toBe(idp.issuer);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: STAFF_PROVIDER.clientId,
      redirect_uri: `${appUrl}/ks-ksde/sign-in/${STAFF_PROVIDER.id}/callback`,
      scope: 'openid email profile',
      code_challenge_method: 'S256',
    });
    expect(url.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{32,}$/);
    expect(url.searchParams.get('nonce')).toMatch(/^[A-Za-z0-9_-]{32,}$/);
    expect(url.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const cookie = String(start.headers['set-cookie']);
    expect(cookie).toMatch(/gc_sso_flow=[^;]+;.*HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    // The state is stored hashed; the code verifier never leaves the server.
    const rows = await asAgencyOwner(t, 'ks-ksde', async (client) => {
      const { rows } = await client.query(
        'SELECT state_hash, code_verifier FROM sso_sign_in_flows',
      );
      return rows;
    });
    expect(rows.map((r: any) => r.state_hash)).not.toContain(url.searchParams.get('state'));
    expect(url.toString()).not.toContain(rows[0].code_verifier);
  });

  it('answers 404 for a provider the agency does not have, and offers its own on the sign-in page', async () => {
    expect((await back('/ks-ksde/sign-in/okta')).status).toBe(404);
    expect((await back(`/mo-dese/sign-in/${STAFF_PROVIDER.id}`)).status).toBe(404);
    const page = await back('/ks-ksde/sign-in');
    expect(page.body).toContain(`href="/ks-ksde/sign-in/${STAFF_PROVIDER.id}"`);
    expect(page.body).toContain(`Sign in with ${PUBLIC_PROVIDER.displayName}`);
    expect((await back('/mo-dese/sign-in')).body).not.toContain('/sign-in/ks');
  });

  it('signs an invited reviewer in, links the provider, and lists it on the account page', async () => {
    const admin = await signedInStaff(t, 'ks-ksde', ['agency_admin']);
    const invited = await t.request({
      method: 'POST',
      url: '/api/v1/agencies/ks-ksde/staff',
      token: admin.token,
      payload: { email: 'reviewer@ksde.org', name: 'Rita Reviewer', roles: ['reviewer'] },
    });
    expect(invited.status).toBe(201);

    const res = await signIn(STAFF_PROVIDER.id, 'reviewer');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/ks-ksde');
    const session = cookieOf(res, 'gc_session')!;
    expect(session).toBeDefined();
    const reviewer = await userByEmail('reviewer@ksde.org');
    expect(await links(reviewer.id)).toEqual([
      { provider_id: STAFF_PROVIDER.id, subject: 'reviewer', email: 'reviewer@ksde.org' },
    ]);
    expect(await events('auth.sso_linked')).toContainEqual(
      expect.objectContaining({
        entity_id: reviewer.id,
        after: expect.objectContaining({ provider: STAFF_PROVIDER.id, subject: 'reviewer' }),
      }),
    );
    const signedIn = await events('auth.sso_signed_in');
    expect(signedIn.at(-1).after).toMatchObject({
      userId: reviewer.id,
      provider: STAFF_PROVIDER.id,
      secondFactorAt: null, // the agency does not trust this provider's amr
    });
    expect(await lastSessionOf(reviewer.id)).toEqual({
      auth_methods: ['oidc'],
      second_factor_at: null,
    });

    const account = await back('/account', session);
    expect(account.status).toBe(200);
    expect(account.body).toContain(STAFF_PROVIDER.displayName);
    expect(account.body).toContain('Kansas State Department of Education');

    // The second time the link is followed by subject: no new link.
    const again = await signIn(STAFF_PROVIDER.id, 'reviewer');
    expect(again.status).toBe(303);
    expect((await events('auth.sso_linked')).length).toBe(1);
  });

  it('records the provider’s second factor on the session when the agency trusts its amr', async () => {
    const res = await signIn(PUBLIC_PROVIDER.id, 'careful');
    expect(res.status).toBe(303);
    const user = await userByEmail('careful@district.example');
    const session = await lastSessionOf(user.id);
    expect(session.auth_methods).toEqual(['oidc', 'mfa']);
    expect(session.second_factor_at).toBeInstanceOf(Date);
    expect(Math.abs(session.second_factor_at.getTime() - Date.now())).toBeLessThan(10 * 60_000);
    // Without a second factor at the provider, the same provider's sign-in is single-factor.
    await signIn(PUBLIC_PROVIDER.id, 'replay');
    const single = await lastSessionOf((await userByEmail('replay@district.example')).id);
    expect(single).toEqual({ auth_methods: ['oidc'], second_factor_at: null });
  });

  it('sends a role that must use a second factor to enrolment, with no session until the code', async () => {
    // An active finance officer of the agency (the YAML's default protected roles).
    const officer = await createUser(t, { email: 'finance@ksde.org', name: 'Fay Finance' });
    await grantAgencyRoles(t, 'ks-ksde', officer.id, ['finance_officer']);

    const res = await signIn(STAFF_PROVIDER.id, 'finance');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/sign-in/enrol?agency=ks-ksde');
    expect(cookieOf(res, 'gc_session')).toBeUndefined();
    const challenge = cookieOf(res, 'gc_mfa');
    expect(challenge).toBeDefined();
    const finance = await userByEmail('finance@ksde.org');
    expect(await sessionsOf(finance.id)).toBe(0);
    // The provider is linked; the enrolment page is the only way on.
    expect(await links(finance.id)).toHaveLength(1);
    const enrol = await back('/sign-in/enrol?agency=ks-ksde', challenge);
    expect(enrol.status).toBe(200);
    expect(enrol.body).toContain('data-testid="totp-secret"');
  });

  it('refuses a staff member nobody invited, and creates nothing', async () => {
    const res = await signIn(STAFF_PROVIDER.id, 'stranger');
    expect(res.status).toBe(403);
    expect(res.body).toContain(
      'Only staff this agency has invited can sign in with KSDE Staff Login',
    );
    expect(cookieOf(res, 'gc_session')).toBeUndefined();
    // The language switch leads back to the sign-in page, not to the spent callback.
    expect(res.body).toContain('name="next" value="/ks-ksde/sign-in"');
    expect(await userByEmail('stranger@ksde.org')).toBeUndefined();
    expect(await events('auth.sso_refused')).toContainEqual(
      expect.objectContaining({
        after: expect.objectContaining({ reason: 'staff_not_invited', subject: 'stranger' }),
      }),
    );
  });

  it('refuses an address outside the agency’s domains on its staff provider', async () => {
    const res = await signIn(STAFF_PROVIDER.id, 'outsider');
    expect(res.status).toBe(403);
    expect(res.body).toContain('only for email addresses of the agency’s own domains');
    expect(await events('auth.sso_refused')).toContainEqual(
      expect.objectContaining({ after: expect.objectContaining({ reason: 'domain_not_allowed' }) }),
    );
  });

  it('refuses an email the provider has not verified, and creates nothing', async () => {
    const res = await signIn(PUBLIC_PROVIDER.id, 'unverified');
    expect(res.status).toBe(403);
    expect(res.body).toContain('has not confirmed your email address');
    expect(await userByEmail('unverified@district.example')).toBeUndefined();
  });

  it('refuses the wrong audience: agency staff through the applicants provider', async () => {
    // reviewer@ksde.org was invited as staff in an earlier test.
    const res = await signIn(PUBLIC_PROVIDER.id, 'reviewer');
    expect(res.status).toBe(403);
    expect(res.body).toContain('You are staff of this agency');
    const reviewer = await userByEmail('reviewer@ksde.org');
    expect((await links(reviewer.id)).map((l: any) => l.provider_id)).toEqual([STAFF_PROVIDER.id]);
  });

  it('refuses an answer delivered to another provider’s callback (mix-up)', async () => {
    const { path, flow } = await leave(PUBLIC_PROVIDER.id, 'applicant');
    const swapped = path.replace(
      `/sign-in/${PUBLIC_PROVIDER.id}/`,
      `/sign-in/${STAFF_PROVIDER.id}/`,
    );
    const res = await back(swapped, flow);
    expect(res.status).toBe(400);
    expect(await userByEmail('new.applicant@district.example')).toBeUndefined();
  });

  it('refuses a replayed state: a callback works once', async () => {
    const { path, flow } = await leave(PUBLIC_PROVIDER.id, 'replay');
    const first = await back(path, flow);
    expect(first.status).toBe(303);
    const user = await userByEmail('replay@district.example');
    const sessions = await sessionsOf(user.id);
    const replayed = await back(path, flow);
    expect(replayed.status).toBe(400);
    expect(replayed.body).toContain('already used');
    expect(cookieOf(replayed, 'gc_session')).toBeUndefined();
    expect(await sessionsOf(user.id)).toBe(sessions);
    expect(await events('auth.sso_refused')).toContainEqual(
      expect.objectContaining({ after: expect.objectContaining({ reason: 'state_unknown' }) }),
    );
  });

  it('refuses an expired flow (state and nonce older than ten minutes)', async () => {
    const { path, flow } = await leave(PUBLIC_PROVIDER.id, 'applicant');
    t.clock.set(new Date(Date.now() + 11 * 60_000));
    const res = await back(path, flow);
    expect(res.status).toBe(400);
    expect(res.body).toContain('took too long');
    expect(await userByEmail('new.applicant@district.example')).toBeUndefined();
  });

  it('removes flows abandoned at the provider when the next sign-in starts', async () => {
    const flows = () =>
      asAgencyOwner(t, 'ks-ksde', async (client) => {
        const { rows } = await client.query('SELECT id FROM sso_sign_in_flows');
        return rows.map((r: any) => r.id as string);
      });
    await t.request({ method: 'GET', url: `/ks-ksde/sign-in/${PUBLIC_PROVIDER.id}` });
    const abandoned = await flows();
    expect(abandoned.length).toBeGreaterThan(0);
    t.clock.set(new Date(Date.now() + 11 * 60_000));
    await t.request({ method: 'GET', url: `/ks-ksde/sign-in/${PUBLIC_PROVIDER.id}` });
    const left = await flows();
    expect(left).toHaveLength(1);
    expect(abandoned).not.toContain(left[0]);
  });

  it('refuses a callback in a browser that did not start the sign-in (login CSRF)', async () => {
    const { path } = await leave(PUBLIC_PROVIDER.id, 'applicant');
    const res = await back(path, 'gc_sso_flow=someone-elses-browser');
    expect(res.status).toBe(400);
    expect(res.body).toContain('started in another browser');
    expect(await userByEmail('new.applicant@district.example')).toBeUndefined();
  });

  it('refuses a forged code and a forged state', async () => {
    const { path, flow } = await leave(PUBLIC_PROVIDER.id, 'applicant');
    const forged = path.replace(/code=[^&]+/, 'code=forged');
    const res = await back(forged, flow);
    expect(res.status).toBe(403);
    expect(res.body).toContain('We could not check the answer');
    const unknown = await back(
      `/ks-ksde/sign-in/${PUBLIC_PROVIDER.id}/callback?code=x&state=y`,
      flow,
    );
    expect(unknown.status).toBe(400);
    expect(await userByEmail('new.applicant@district.example')).toBeUndefined();
  });

  it('creates an applicant just in time (verified, no password); the last way in cannot be unlinked', async () => {
    const res = await signIn(PUBLIC_PROVIDER.id, 'applicant');
    expect(res.status).toBe(303);
    const user = await userByEmail('new.applicant@district.example');
    expect(user.password_hash).toBeNull();
    expect(user.email_verified_at).not.toBeNull();
    expect(await events('user.created_by_sso')).toContainEqual(
      expect.objectContaining({ entity_id: user.id }),
    );
    const session = cookieOf(res, 'gc_session')!;
    const unlinked = await unlink(session, PUBLIC_PROVIDER.id);
    expect(unlinked.status).toBe(303);
    expect(unlinked.headers.location).toContain('lastWayIn=1');
    expect(await links(user.id)).toHaveLength(1);
  });

  it('links an existing account with a password; unlinking leaves the password', async () => {
    const teacher = await createUser(t, { email: 'teacher@district.example' });
    const res = await signIn(PUBLIC_PROVIDER.id, 'teacher');
    expect(res.status).toBe(303);
    expect(await links(teacher.id)).toHaveLength(1);
    const unlinked = await unlink(cookieOf(res, 'gc_session')!, PUBLIC_PROVIDER.id);
    expect(unlinked.headers.location).toContain('unlinked=');
    expect(await links(teacher.id)).toHaveLength(0);
    expect(await events('auth.sso_unlinked')).toContainEqual(
      expect.objectContaining({
        actor_user_id: teacher.id,
        before: expect.objectContaining({ provider: PUBLIC_PROVIDER.id, subject: 'teacher' }),
      }),
    );
    await expect(login(t, teacher.email, teacher.password)).resolves.toBeDefined();
  });

  it('takes an unconfirmed account back from whoever opened it with the owner’s address', async () => {
    // A stranger signs up as victim@ and never confirms; the owner then signs in via the provider.
    const hash = await passwordHash('stranger knows this one');
    await ownerPool(t).query(
      `INSERT INTO users (email, name, password_hash, email_verified_at) VALUES ($1, 'X', $2, NULL)`,
      ['victim@district.example', hash],
    );
    const res = await signIn(PUBLIC_PROVIDER.id, 'victim');
    expect(res.status).toBe(303);
    const victim = await userByEmail('victim@district.example');
    expect(victim.password_hash).toBeNull();
    expect(victim.email_verified_at).not.toBeNull();
    await expect(login(t, 'victim@district.example', 'stranger knows this one')).rejects.toThrow(
      /401/,
    );
  });

  /** Posts the account page's Unlink form, with its CSRF token, as the signed-in browser. */
  async function unlink(session: string, providerId: string): Promise<TestResponse> {
    const page = await back('/account', session);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1];
    const csrfCookie = cookieOf(page, 'gc_csrf') ?? '';
    return t.request({
      method: 'POST',
      url: '/account/linked-providers/unlink',
      headers: {
        cookie: [session, csrfCookie].filter(Boolean).join('; '),
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'text/html',
      },
      payload: new URLSearchParams({
        _csrf: csrf,
        agency: 'ks-ksde',
        provider: providerId,
      }).toString(),
    });
  }
});
