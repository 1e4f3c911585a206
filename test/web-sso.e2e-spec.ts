import type { Browser, Page } from 'playwright-core';
import { accessibilityViolations, launchBrowser, newContext, screenshot } from './support/browser';
import { bootTestApp, TestApp } from './support/test-app';
import {
  freePort,
  SSO_SECRETS_ENV,
  ssoAgencyConfigDir,
  STAFF_PROVIDER,
  startTestIdp,
  TestIdp,
} from './support/sso-idp';
import { asAgencyOwner, ownerPool, signedInStaff } from './factories/identity';

// A browser, a provider in a child process and the app on a shared machine: slow, not stuck.
jest.setTimeout(240_000);

/**
 * Done when (issue 16): a Kansas reviewer signs in through the agency's provider, tried as a new
 * person would. The agency admin invites the reviewer through the API; the reviewer has no
 * password, opens the portal's sign-in page, chooses the agency's staff sign-in, signs in at
 * the provider (oidc-provider's own login page), and comes back signed in. Every page of ours
 * on the way passes axe, in English and in Spanish.
 */
describe('web: signing in through the agency provider', () => {
  let t: TestApp;
  let idp: TestIdp;
  let base: string;
  let browser: Browser;

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    idp = await startTestIdp(base, {
      'kansas.reviewer': {
        email: 'kansas.reviewer@ksde.org',
        email_verified: true,
        name: 'Kay Reviewer',
      },
      'uninvited.staff': { email: 'uninvited@ksde.org', email_verified: true },
    });
    t = await bootTestApp({
      AGENCY_CONFIG_DIR: ssoAgencyConfigDir(idp.issuer),
      PUBLIC_APP_URL: base,
      ...SSO_SECRETS_ENV,
    });
    await t.app.listen(port, '127.0.0.1');
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await idp?.stop();
  });

  /** At the provider's development login page: any login name it knows, any password. */
  async function atProvider(page: Page, login: string): Promise<void> {
    await page.waitForURL((url) => url.href.startsWith(idp.issuer));
    await page.locator('input[name="login"]').fill(login);
    await page.locator('input[name="password"]').fill('provider-side password');
    await page.locator('button[type="submit"]').click();
  }

  it('a Kansas reviewer invited through the API signs in through KSDE’s provider', async () => {
    const admin = await signedInStaff(t, 'ks-ksde', ['agency_admin']);
    const invited = await t.request({
      method: 'POST',
      url: '/api/v1/agencies/ks-ksde/staff',
      token: admin.token,
      payload: { email: 'kansas.reviewer@ksde.org', name: 'Kay Reviewer', roles: ['reviewer'] },
    });
    expect(invited.status).toBe(201);

    const context = await newContext(browser, base);
    const page = await context.newPage();
    await page.goto('/ks-ksde/sign-in');
    const button = page.getByRole('link', { name: `Sign in with ${STAFF_PROVIDER.displayName}` });
    expect(await button.isVisible()).toBe(true);
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'sso-sign-in-en');

    await button.click();
    await atProvider(page, 'kansas.reviewer');
    await page.waitForURL(`${base}/ks-ksde`);
    expect(await accessibilityViolations(page)).toEqual([]);
    const cookies = await context.cookies(base);
    expect(cookies.find((c) => c.name === 'gc_session')).toMatchObject({ httpOnly: true });
    expect(cookies.find((c) => c.name === 'gc_sso_flow')).toBeUndefined();

    await page.goto('/account');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Your account');
    const linked = page.locator('section[aria-labelledby="linked-heading"]');
    expect(await linked.textContent()).toContain(STAFF_PROVIDER.displayName);
    expect(await linked.textContent()).toContain('kansas.reviewer@ksde.org');
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'sso-account-linked-en');

    const { rows } = await ownerPool(t).query(`SELECT id FROM users WHERE email = $1`, [
      'kansas.reviewer@ksde.org',
    ]);
    const link = await asAgencyOwner(t, 'ks-ksde', async (client) => {
      const found = await client.query(
        `SELECT provider_id FROM user_identities WHERE user_id = $1`,
        [rows[0].id],
      );
      return found.rows;
    });
    expect(link).toEqual([{ provider_id: STAFF_PROVIDER.id }]);
    await context.close();
  });

  it('tells a staff member nobody invited why, in Spanish too', async () => {
    const context = await newContext(browser, base, { locale: 'es-US' });
    const page = await context.newPage();
    await page.goto('/ks-ksde/sign-in');
    expect(await accessibilityViolations(page)).toEqual([]);
    await page
      .getByRole('link', { name: `Iniciar sesión con ${STAFF_PROVIDER.displayName}` })
      .click();
    await atProvider(page, 'uninvited.staff');
    await page.waitForURL((url) => url.href.startsWith(`${base}/ks-ksde/sign-in/`));
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(
      'No pudimos iniciar su sesión',
    );
    expect(await page.locator('main').textContent()).toContain(
      'Solo el personal que esta agencia ha invitado',
    );
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'sso-refused-es');
    expect((await context.cookies(base)).find((c) => c.name === 'gc_session')).toBeUndefined();
    await context.close();
  });
});
