import { createServer } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { MailTransport, OutgoingEmail } from '../src/notifications/mail-transport';
import { accessibilityViolations, launchBrowser, newContext, screenshot } from './support/browser';
import { bootTestApp, TestApp } from './support/test-app';
import { waitFor } from './jobs/waiting';
import { createInvitation, createUser, ownerPool } from './factories/identity';

/** A free local port, so the emailed links (PUBLIC_APP_URL) point at this test's server. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const STRONG = 'maple river lantern quiet';

// Browser journeys with argon2 on a shared machine: slow, not stuck.
jest.setTimeout(240_000);

/**
 * Accounts (issue 15, item 6): sign-up with a confirmed email, forgotten and changed passwords,
 * invitations, profile and language, the development outbox. The app runs as in development
 * without SMTP, so /dev/mail shows what was "sent".
 */
describe('web accounts', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  let mail: MailTransport;

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    t = await bootTestApp({ NODE_ENV: 'development', PUBLIC_APP_URL: base });
    await t.app.listen(port, '127.0.0.1');
    mail = t.app.get(MailTransport);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const mailTo = (address: string, template: string): Promise<OutgoingEmail> =>
    waitFor(`${template} email to ${address}`, () =>
      [...mail.recorded]
        .reverse()
        .find(
          (e) => e.to.address === address && e.headers?.['X-Grant-Commons-Template'] === template,
        ),
    );
  const mailsTo = (address: string) => mail.recorded.filter((e) => e.to.address === address);
  const linkIn = (email: OutgoingEmail, path: string): string =>
    new RegExp(`(${base}${path}\\?token=[A-Za-z0-9_-]+)`).exec(email.text)![1];

  /** A page's CSRF token and cookie, for posting a form as a browser would. */
  async function formSession(path: string): Promise<{ csrf: string; cookie: string }> {
    const res = await fetch(`${base}${path}`);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await res.text())![1];
    return { csrf, cookie: res.headers.get('set-cookie')!.split(';')[0] };
  }
  async function post(path: string, fields: Record<string, string>, session?: { cookie: string }) {
    return fetch(`${base}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'text/html',
        ...(session ? { cookie: session.cookie } : {}),
      },
      body: new URLSearchParams(fields).toString(),
      redirect: 'manual',
    });
  }
  async function postForm(path: string, fields: Record<string, string>, formPath = path) {
    const session = await formSession(formPath);
    return post(path, { ...fields, _csrf: session.csrf }, session);
  }
  const userRow = async (email: string) =>
    (
      await ownerPool(t).query<{
        id: string;
        password_hash: string;
        verified: boolean;
        locale: string;
      }>(
        `SELECT id, password_hash, email_verified_at IS NOT NULL AS verified, locale
           FROM users WHERE email = $1`,
        [email],
      )
    ).rows[0];

  /** Presses Tab until the focused element matches, as a keyboard user moves through a page. */
  async function tabTo(page: Page, selector: string): Promise<void> {
    for (let i = 0; i < 80; i++) {
      await page.keyboard.press('Tab');
      if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
    }
    throw new Error(`Tab never reached ${selector}`);
  }

  it('signs up, confirms the email from the dev outbox and signs in, by keyboard only', async () => {
    const context = await newContext(browser, base);
    const page = await context.newPage();
    const email = `keyboard-${Date.now()}@example.org`;
    await page.goto('/mo-dese/sign-up');
    expect(await page.title()).toBe('Create an account – Missouri DESE Grants');
    expect(await page.locator('#password-hint').textContent()).toContain('12 to 256 characters');
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'sign-up-en');
    await tabTo(page, '#name');
    await page.keyboard.type('Rosa Parks');
    await page.keyboard.press('Tab');
    await page.keyboard.type(email);
    await page.keyboard.press('Tab');
    await page.keyboard.type(STRONG);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/check-email\?agency=mo-dese$/);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Check your email');
    expect(await accessibilityViolations(page)).toEqual([]);
    expect((await userRow(email)).verified).toBe(false);
    expect((await userRow(email)).locale).toBe('en');

    // Not yet confirmed: the right password is refused, with what to do.
    await page.goto('/sign-in');
    await tabTo(page, '#email');
    await page.keyboard.type(email);
    await page.keyboard.press('Tab');
    await page.keyboard.type(STRONG);
    await page.keyboard.press('Enter');
    await page.waitForLoadState();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(
      'Confirm your email address first',
    );
    expect(await accessibilityViolations(page)).toEqual([]);

    const sent = await mailTo(email, 'account.verify_email');
    expect(sent.subject).toBe('Confirm your email address for Grant Commons');
    await page.goto('/dev/mail');
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'dev-mail-en');
    await tabTo(page, `a[href="/dev/mail/${encodeURIComponent(sent.messageId)}"]`);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/dev\/mail\/.+/);
    expect(await accessibilityViolations(page)).toEqual([]);
    await tabTo(page, 'main ul a[href*="/verify-email?token="]');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/verify-email\?token=/);
    expect(await accessibilityViolations(page)).toEqual([]);
    await tabTo(page, 'main button[type="submit"]');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/sign-in\?verified=1$/);
    expect(await page.locator('.usa-alert--success').textContent()).toContain('confirmed');

    await tabTo(page, '#email');
    await page.keyboard.type(email);
    await page.keyboard.press('Tab');
    await page.keyboard.type(STRONG);
    await page.keyboard.press('Enter');
    await page.waitForURL(`${base}/home`);
    expect((await userRow(email)).verified).toBe(true);
    await context.close();
  });

  it('shows every account page in Spanish with no axe violations, and emails in Spanish', async () => {
    const context = await newContext(browser, base, { locale: 'es-MX' });
    const page = await context.newPage();
    const email = `espanol-${Date.now()}@example.org`;
    await page.goto('/sign-up');
    expect(await page.getAttribute('html', 'lang')).toBe('es');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Crear una cuenta');
    expect(await accessibilityViolations(page)).toEqual([]);
    // Two agencies on this deployment: the front door's form asks which one.
    await page.getByRole('button', { name: 'Crear cuenta' }).click();
    expect(await page.title()).toMatch(/^Error: Crear una cuenta/);
    expect(await page.locator('#error-summary').textContent()).toContain('agencia estatal');
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'sign-up-errors-es');
    await page.getByLabel('Nombre completo').fill('Benito Juárez');
    await page.getByLabel('Correo electrónico').fill(email);
    await page.getByLabel('Contraseña').fill(STRONG);
    // USWDS draws its own radio: the label is what a person clicks.
    await page.getByText('Kansas State Department of Education', { exact: true }).click();
    await page.getByRole('button', { name: 'Crear cuenta' }).click();
    await page.waitForURL(/\/check-email\?agency=ks-ksde$/);
    expect(await accessibilityViolations(page)).toEqual([]);
    const verify = await mailTo(email, 'account.verify_email');
    expect(verify.subject).toBe('Confirme su correo electrónico para Grant Commons');
    expect(verify.html).toContain('<html lang="es">');

    await page.goto(
      new URL(linkIn(verify, '/verify-email')).pathname +
        new URL(linkIn(verify, '/verify-email')).search,
    );
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Confirmar mi correo electrónico' }).click();
    await page.waitForURL(/verified=1/);

    for (const path of ['/forgot-password', '/verify-email/resend', '/mo-dese/forgot-password']) {
      await page.goto(path);
      expect(await page.getAttribute('html', 'lang')).toBe('es');
      expect(await accessibilityViolations(page)).toEqual([]);
    }
    await page.goto('/mo-dese/forgot-password');
    await page.getByLabel('Correo electrónico').fill(email);
    await page.getByRole('button', { name: 'Enviar el enlace' }).click();
    await page.waitForURL(/\/forgot-password\/sent/);
    expect(await accessibilityViolations(page)).toEqual([]);
    const reset = await mailTo(email, 'account.reset_password');
    expect(reset.subject).toBe('Restablezca su contraseña de Grant Commons');
    const resetUrl = new URL(linkIn(reset, '/reset-password'));
    const response = await page.goto(resetUrl.pathname + resetUrl.search);
    expect(response?.headers()['referrer-policy']).toBe('no-referrer');
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'reset-password-es');
    await page.getByLabel('Contraseña nueva').fill('a brand new passphrase');
    await page.getByRole('button', { name: 'Guardar la contraseña nueva' }).click();
    await page.waitForURL(/reset=1/);

    const invited = await createUser(t, { password: null });
    const token = await createInvitation(t, invited.id);
    await page.goto(`/accept-invitation?token=${token}`);
    expect(await accessibilityViolations(page)).toEqual([]);

    await page.goto('/sign-in');
    await page.getByLabel('Correo electrónico').fill(email);
    await page.getByLabel('Contraseña').fill('a brand new passphrase');
    await page.getByRole('button', { name: 'Iniciar sesión' }).click();
    await page.goto('/account');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Su cuenta');
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'account-es');
    await context.close();
  });

  it('accepts an invitation from the emailed ?token= link, and from an old #token= link with JavaScript', async () => {
    const context = await newContext(browser, base);
    const page = await context.newPage();
    for (const style of ['query', 'fragment'] as const) {
      const invited = await createUser(t, { password: null });
      const token = await createInvitation(t, invited.id);
      const url =
        style === 'query'
          ? `/accept-invitation?token=${token}`
          : `/accept-invitation#token=${token}`;
      const response = await page.goto(url);
      expect(response?.headers()['referrer-policy']).toBe('no-referrer');
      if (style === 'query') {
        expect(await accessibilityViolations(page)).toEqual([]);
        await screenshot(page, 'accept-invitation-en');
      }
      await page.getByLabel('New password').fill(STRONG);
      await page.getByRole('button', { name: 'Set password' }).click();
      await page.waitForURL(/accepted=1/);
      await page.getByLabel('Email address').fill(invited.email);
      await page.getByLabel('Password').fill(STRONG);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(`${base}/home`);
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.waitForURL(/signedOut=1/);
    }
    await context.close();
  });

  it('saves profile and language on the account, sets the language at sign-in, and changing the password ends the other sessions', async () => {
    const user = await createUser(t);
    const other = await newContext(browser, base);
    const otherPage = await other.newPage();
    const signIn = async (p: Page, password: string) => {
      await p.goto('/sign-in');
      await p.locator('#email').fill(user.email);
      await p.locator('#password').fill(password);
      await p.locator('form[action="/sign-in"] button').click();
      await p.waitForURL(`${base}/home`);
    };
    await signIn(otherPage, user.password);

    const context = await newContext(browser, base);
    const page = await context.newPage();
    await signIn(page, user.password);
    await page.goto('/account');
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'account-en');
    await page.getByLabel('Full name').fill('Dolores Huerta');
    await page.getByLabel('Language of pages and emails').selectOption('es');
    await page.getByRole('button', { name: 'Save profile' }).click();
    await page.waitForURL(/saved=1/);
    expect(await page.getAttribute('html', 'lang')).toBe('es');
    expect(await userRow(user.email)).toMatchObject({ locale: 'es' });

    // The switch, signed in, saves the choice on the account too.
    await page.getByRole('button', { name: 'View this page in English' }).click();
    await page.waitForURL(/\/account/);
    expect((await userRow(user.email)).locale).toBe('en');
    await page.getByRole('button', { name: 'Ver esta página en español' }).click();
    await page.waitForURL(/\/account/);
    expect((await userRow(user.email)).locale).toBe('es');

    await page.getByLabel('Contraseña actual').fill('wrong wrong wrong');
    await page.getByLabel('Contraseña nueva').fill('another good passphrase');
    await page.getByRole('button', { name: 'Cambiar contraseña' }).click();
    expect(await page.title()).toMatch(/^Error:/);
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.getByLabel('Contraseña actual').fill(user.password);
    await page.getByLabel('Contraseña nueva').fill('another good passphrase');
    await page.getByRole('button', { name: 'Cambiar contraseña' }).click();
    await page.waitForURL(/password=1/);
    // This session goes on; the other browser's is over.
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Su cuenta');
    await otherPage.goto('/account');
    expect(new URL(otherPage.url()).pathname).toBe('/sign-in');

    // A fresh browser in English gets the saved Spanish at sign-in.
    const fresh = await newContext(browser, base, { locale: 'en-US' });
    const freshPage = await fresh.newPage();
    await signIn(freshPage, 'another good passphrase');
    expect(await freshPage.getAttribute('html', 'lang')).toBe('es');
    await Promise.all([context.close(), other.close(), fresh.close()]);
  });

  it('answers a sign-up alike whether or not the email has an account, and tells the owner', async () => {
    const owner = await createUser(t);
    const fresh = `fresh-${Date.now()}@example.org`;
    const fields = (email: string) => ({
      name: 'Someone',
      email,
      password: STRONG,
      agency: 'mo-dese',
    });
    const existing = await postForm('/sign-up', fields(owner.email));
    const created = await postForm('/sign-up', fields(fresh));
    expect(existing.status).toBe(303);
    expect(created.status).toBe(303);
    expect(existing.headers.get('location')).toBe(created.headers.get('location'));
    expect(await existing.text()).toBe(await created.text());
    const told = await mailTo(owner.email, 'account.sign_up_existing');
    expect(told.text).toContain('No new account was created');
    expect((await userRow(owner.email)).password_hash).toBe(
      (await ownerPool(t).query(`SELECT password_hash FROM users WHERE id = $1`, [owner.id]))
        .rows[0].password_hash,
    );
    // Forgot password: the same answer for an unknown address, and no email.
    const unknown = `nobody-${Date.now()}@example.org`;
    const a = await postForm('/forgot-password', { email: unknown, agency: 'mo-dese' });
    const b = await postForm('/forgot-password', { email: owner.email, agency: 'mo-dese' });
    expect([a.status, a.headers.get('location')]).toEqual([b.status, b.headers.get('location')]);
    await mailTo(owner.email, 'account.reset_password');
    expect(mailsTo(unknown)).toEqual([]);
  });

  it('refuses a reset link used twice, an expired one, and a confirmation link used to reset', async () => {
    const user = await createUser(t);
    await postForm('/forgot-password', { email: user.email, agency: 'mo-dese' });
    const link = new URL(
      linkIn(await mailTo(user.email, 'account.reset_password'), '/reset-password'),
    );
    const token = link.searchParams.get('token')!;
    const first = await postForm(
      '/reset-password',
      { token, password: 'first new passphrase' },
      '/sign-in',
    );
    expect(first.status).toBe(303);
    const afterFirst = (await userRow(user.email)).password_hash;
    const replay = await postForm(
      '/reset-password',
      { token, password: 'second new passphrase' },
      '/sign-in',
    );
    expect(replay.status).toBe(400);
    expect((await userRow(user.email)).password_hash).toBe(afterFirst);

    // Expired: the link's hour is over.
    await postForm('/forgot-password', { email: user.email, agency: 'mo-dese' });
    await waitFor(
      'a second reset email',
      () =>
        mailsTo(user.email).filter(
          (e) => e.headers?.['X-Grant-Commons-Template'] === 'account.reset_password',
        ).length === 2 || undefined,
    );
    const second = mailsTo(user.email).filter(
      (e) => e.headers?.['X-Grant-Commons-Template'] === 'account.reset_password',
    )[1];
    const expiredToken = new URL(linkIn(second, '/reset-password')).searchParams.get('token')!;
    await ownerPool(t).query(
      `UPDATE user_account_tokens SET expires_at = now() - interval '1 second'
        WHERE user_id = $1 AND closed_at IS NULL`,
      [user.id],
    );
    const expired = await postForm(
      '/reset-password',
      { token: expiredToken, password: 'late new passphrase' },
      '/sign-in',
    );
    expect(expired.status).toBe(400);
    expect((await userRow(user.email)).password_hash).toBe(afterFirst);

    // A sign-up's confirmation link (another user's, another purpose) resets nothing.
    const other = `other-${Date.now()}@example.org`;
    await postForm('/sign-up', {
      name: 'Other',
      email: other,
      password: STRONG,
      agency: 'mo-dese',
    });
    const verifyToken = new URL(
      linkIn(await mailTo(other, 'account.verify_email'), '/verify-email'),
    ).searchParams.get('token')!;
    const crossed = await postForm(
      '/reset-password',
      { token: verifyToken, password: 'hijacked passphrase' },
      '/sign-in',
    );
    expect(crossed.status).toBe(400);
    expect((await userRow(other)).verified).toBe(false);
    const otherHash = (await userRow(other)).password_hash;
    // And a form naming someone else changes only the link's own account.
    await postForm('/forgot-password', { email: user.email, agency: 'mo-dese' });
    await waitFor(
      'a third reset email',
      () =>
        mailsTo(user.email).filter(
          (e) => e.headers?.['X-Grant-Commons-Template'] === 'account.reset_password',
        ).length === 3 || undefined,
    );
    const third = mailsTo(user.email).filter(
      (e) => e.headers?.['X-Grant-Commons-Template'] === 'account.reset_password',
    )[2];
    const own = new URL(linkIn(third, '/reset-password')).searchParams.get('token')!;
    const named = await postForm(
      '/reset-password',
      {
        token: own,
        password: 'mine and only mine',
        email: other,
        userId: (await userRow(other)).id,
      },
      '/sign-in',
    );
    expect(named.status).toBe(303);
    expect((await userRow(other)).password_hash).toBe(otherHash);
    expect((await userRow(user.email)).password_hash).not.toBe(afterFirst);
  });

  it('refuses the API login of an unconfirmed account too, and audits each step', async () => {
    const email = `audited-${Date.now()}@example.org`;
    await postForm('/sign-up', { name: 'Audited', email, password: STRONG, agency: 'ks-ksde' });
    const login = await t.request({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email, password: STRONG },
    });
    expect(login.status).toBe(403);
    expect(login.json().code).toBe('auth.email_unverified');
    // A wrong password says only that the credentials are wrong.
    const wrong = await t.request({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email, password: 'not the password at all' },
    });
    expect(wrong.status).toBe(401);

    const verify = new URL(linkIn(await mailTo(email, 'account.verify_email'), '/verify-email'));
    expect(
      (await postForm('/verify-email', { token: verify.searchParams.get('token')! }, '/sign-in'))
        .status,
    ).toBe(303);
    await postForm('/forgot-password', { email, agency: 'ks-ksde' });
    const reset = new URL(linkIn(await mailTo(email, 'account.reset_password'), '/reset-password'));
    await postForm(
      '/reset-password',
      { token: reset.searchParams.get('token')!, password: 'yet another passphrase' },
      '/sign-in',
    );
    const { id } = await userRow(email);
    const { rows } = await ownerPool(t).query<{ action: string }>(
      `SELECT action FROM platform_audit_events WHERE entity_id = $1`,
      [id],
    );
    expect(rows.map((r) => r.action)).toEqual(
      expect.arrayContaining([
        'user.signed_up',
        'auth.login_refused_unverified',
        'user.email_verified',
        'user.password_reset_requested',
        'user.password_reset',
      ]),
    );
  });

  it('refuses every account form without its CSRF token, and changes nothing', async () => {
    const user = await createUser(t);
    const email = `csrf-${Date.now()}@example.org`;
    const attempts: Array<[string, Record<string, string>]> = [
      ['/sign-up', { name: 'X', email, password: STRONG, agency: 'mo-dese' }],
      ['/forgot-password', { email: user.email, agency: 'mo-dese' }],
      ['/verify-email/resend', { email: user.email, agency: 'mo-dese' }],
      ['/reset-password', { token: 'x', password: STRONG }],
      ['/verify-email', { token: 'x' }],
      ['/accept-invitation', { token: 'x', password: STRONG }],
      ['/account/profile', { name: 'X', locale: 'es' }],
      ['/account/password', { currentPassword: user.password, newPassword: STRONG }],
    ];
    for (const [path, fields] of attempts) {
      const session = await formSession('/sign-in');
      const res = await post(path, fields, session);
      expect([path, res.status]).toEqual([path, 403]);
    }
    expect(await userRow(email)).toBeUndefined();
    expect(mailsTo(user.email)).toEqual([]);
  });

  it('serves /dev/mail only in development without SMTP', async () => {
    expect((await fetch(`${base}/dev/mail`)).status).toBe(200);
    const other = await bootTestApp({ NODE_ENV: 'test' });
    try {
      const res = await other.request({
        method: 'GET',
        url: '/dev/mail',
        headers: { accept: 'text/html' },
      });
      expect(res.status).toBe(404);
    } finally {
      await other.close();
    }
  });
});
