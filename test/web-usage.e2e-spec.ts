import type { Browser, BrowserContext, Page } from 'playwright-core';
import { UsageMeter } from '../src/core/usage/usage-meter';
import { readyApplication } from './factories/grants';
import {
  createUser,
  freshTotpCode,
  grantAgencyRoles,
  rememberTotpSecret,
  TestUser,
} from './factories/identity';
import {
  accessibilityViolations,
  launchBrowser,
  listen,
  newContext,
  screenshot,
} from './support/browser';
import { useTestApp } from './support/use-test-app';

/**
 * The usage pages in the browser: the platform admin's report across agencies (English and
 * Spanish, a month chooser that keeps a bad month with its error, the CSV download) and an
 * agency admin's own page, with no axe violations; an agency admin opens neither another
 * agency's page nor the platform's.
 */
describe('web: usage by agency', () => {
  const t = useTestApp({
    env: { USAGE_PRICES: 'apiRequests=0.0001,applicationsSubmitted=0.50,storageGibMonths=0.03' },
  });
  let base: string;
  let browser: Browser;
  let platformAdmin: TestUser;
  let moAdmin: TestUser;

  beforeAll(async () => {
    base = await listen(t);
    browser = await launchBrowser();
    // Work in both agencies: programs, districts, drafts with an uploaded attachment.
    await readyApplication(t, 'mo-dese');
    await readyApplication(t, 'ks-ksde');
    await t.app.get(UsageMeter).flush();
    platformAdmin = await createUser(t, { platformAdmin: true, name: 'Pat Operator' });
    moAdmin = await createUser(t, { name: 'Maria Lopez' });
    await grantAgencyRoles(t, 'mo-dese', moAdmin.id, ['agency_admin']);
  });
  afterAll(async () => {
    await browser?.close();
  });

  async function signedIn(
    user: TestUser,
    signInPath: string,
    locale = 'en-US',
  ): Promise<[BrowserContext, Page]> {
    const context = await newContext(browser, base, { locale });
    const page = await context.newPage();
    await page.goto(signInPath);
    await page.fill('input[name=email]', user.email);
    await page.fill('input[name=password]', user.password);
    await page.locator('form[action="/sign-in"] button[type=submit]').click();
    await page.waitForLoadState();
    // Platform and agency admins set up their authenticator app at their first sign-in.
    if (new URL(page.url()).pathname === '/sign-in/enrol') {
      const secret = (await page.locator('[data-testid=totp-secret]').innerText()).trim();
      rememberTotpSecret(user.email, secret);
      await page.locator('#code').fill(freshTotpCode(user.email));
      await page.locator('form[action^="/sign-in/enrol"] button[type=submit]').click();
      await page.waitForSelector('main li code');
      await page.locator('main a.usa-button').click();
      await page.waitForLoadState();
    } else if (new URL(page.url()).pathname === '/sign-in/code') {
      await page.locator('#code').fill(freshTotpCode(user.email));
      await page.locator('form[action^="/sign-in/code"] button[type=submit]').click();
      await page.waitForLoadState();
    }
    return [context, page];
  }

  it('shows the platform admin each agency’s usage and share, in English and Spanish', async () => {
    const [context, page] = await signedIn(platformAdmin, '/sign-in');
    try {
      // Reached from the front door's platform section, not by typing the address.
      await page.goto('/home');
      expect(await accessibilityViolations(page)).toEqual([]);
      await screenshot(page, 'home-platform-admin');
      await page.getByRole('link', { name: 'Usage by agency' }).click();
      await page.waitForLoadState();
      expect(new URL(page.url()).pathname).toBe('/platform/usage');
      await expect(page.locator('h1').textContent()).resolves.toBe('Usage by agency');
      const rows = page.locator('table tbody tr');
      await expect(rows.count()).resolves.toBe(2);
      const body = await page.locator('table').textContent();
      expect(body).toContain('mo-dese');
      expect(body).toContain('ks-ksde');
      expect(body).toContain('50.0%'); // each holds one attachment of the same size
      expect(await accessibilityViolations(page)).toEqual([]);
      await screenshot(page, 'usage-platform-en');

      const csv = await page.request.get('/platform/usage/export.csv');
      expect(csv.status()).toBe(200);
      expect(csv.headers()['content-type']).toMatch(/^text\/csv/);
      expect(await csv.text()).toContain(',mo-dese,');

      // A malformed month: the error summary, the field's error, what was typed kept.
      await page.fill('input[name=month]', 'December');
      await page.locator('form[action="/platform/usage"] button[type=submit]').click();
      await page.waitForLoadState();
      await expect(page.title()).resolves.toMatch(/^Error:/);
      await expect(page.inputValue('input[name=month]')).resolves.toBe('December');
      expect(await accessibilityViolations(page)).toEqual([]);
    } finally {
      await context.close();
    }
    const [esContext, esPage] = await signedIn(platformAdmin, '/sign-in', 'es-US');
    try {
      await esPage.goto('/platform/usage');
      await expect(esPage.locator('h1').textContent()).resolves.toBe('Uso por agencia');
      expect(await accessibilityViolations(esPage)).toEqual([]);
      await screenshot(esPage, 'usage-platform-es');
    } finally {
      await esContext.close();
    }
  });

  it('shows an agency admin their own agency only', async () => {
    const [context, page] = await signedIn(moAdmin, '/mo-dese/sign-in');
    try {
      // Linked from the front door for the agency admin; the platform's report is not.
      await page.goto('/home');
      await expect(page.getByRole('link', { name: 'Usage by agency' }).count()).resolves.toBe(0);
      await page.getByRole('link', { name: 'Your agency’s usage this month' }).click();
      await page.waitForLoadState();
      expect(new URL(page.url()).pathname).toBe('/mo-dese/usage');
      await expect(page.locator('h1').textContent()).resolves.toBe('Your agency’s usage');
      expect(await accessibilityViolations(page)).toEqual([]);
      await screenshot(page, 'usage-agency-en');
      // The attacks: Kansas's page and the platform's report and its CSV.
      expect((await page.goto('/ks-ksde/usage'))?.status()).toBe(404);
      const platform = await page.goto('/platform/usage');
      expect(platform?.status()).toBe(403);
      expect(await page.content()).not.toContain('ks-ksde');
      expect((await page.request.get('/platform/usage/export.csv')).status()).toBe(403);
    } finally {
      await context.close();
    }
  });
});
