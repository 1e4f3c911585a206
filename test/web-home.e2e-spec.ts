import type { Browser, BrowserContext } from 'playwright-core';
import {
  accessibilityViolations,
  launchBrowser,
  listen,
  newContext,
  screenshot,
} from './support/browser';
import { bootTestApp, TestApp } from './support/test-app';
import { offeredAward } from './factories/finance';
import { createOrganization, openProgram, startApplication } from './factories/grants';
import { grantOrganizationRoles, signedInUser, type TestUser } from './factories/identity';

const MO = 'mo-dese';
const KS = 'ks-ksde';

/**
 * The front door across agencies (issue 15 item 11): a person whose organizations work with two
 * agencies sees one page with their tasks and their applications and awards in both, each
 * linked into that agency's own portal; someone else sees none of it.
 */
describe('web front door across agencies', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;

  beforeAll(async () => {
    t = await bootTestApp();
    base = await listen(t);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function signedInBrowser(user: TestUser, locale = 'en-US'): Promise<BrowserContext> {
    const context = await newContext(browser, base, { locale });
    const page = await context.newPage();
    await page.goto('/sign-in');
    await page.locator('#email').fill(user.email);
    await page.locator('#password').fill(user.password);
    await page.locator('form[action="/sign-in"] button[type=submit]').click();
    await page.waitForURL(`${base}/home`);
    await page.close();
    return context;
  }

  it("shows one person's tasks, applications and awards in both agencies, each linked into its portal", async () => {
    // Missouri: an award offered to the district, waiting for its representative.
    const mo = await offeredAward(t, MO);
    const person = mo.team.representative;
    // Kansas: the same person, in a Kansas district, with a draft due at the program's deadline.
    const { program } = await openProgram(t, KS, { title: 'Kansas Reading Grants' });
    const ksOrg = await createOrganization(t, KS);
    await grantOrganizationRoles(t, KS, ksOrg.id, person.user.id, ['grant_writer']);
    const draft = await startApplication(t, KS, ksOrg.id, person, program.id);

    for (const locale of ['en-US', 'es-MX']) {
      const context = await signedInBrowser(person.user, locale);
      const page = await context.newPage();
      const response = await page.goto('/home');
      expect(response?.status()).toBe(200);
      expect(await accessibilityViolations(page)).toEqual([]);
      await screenshot(page, `home-${locale.slice(0, 2)}`);
      await context.close();
    }

    const context = await signedInBrowser(person.user);
    const page = await context.newPage();
    await page.goto('/home');
    expect(await page.title()).toBe('Home – Grant Commons');
    const tasks = page.locator('section[aria-labelledby="tasks"] li');
    const texts = await tasks.allTextContents();
    expect(texts).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^Finish and submit “Summer Literacy Academy” to Kansas Reading Grants by .+ – KSDE Grants Portal$/,
        ),
        expect.stringMatching(/^Accept award AW-.+ \(\$100,000\.00\) – Missouri DESE Grants$/),
      ]),
    );
    // Each task opens the agency's own portal.
    const draftLink = page.getByRole('link', { name: /Finish and submit/ });
    expect(await draftLink.getAttribute('href')).toBe(
      `/${KS}/organizations/${ksOrg.id}/applications/${draft.id}`,
    );
    const agencies = await page.locator('main h2[id^="agency-"]').allTextContents();
    expect(agencies).toEqual(
      expect.arrayContaining([
        'Kansas State Department of Education',
        'Missouri Department of Elementary and Secondary Education',
      ]),
    );

    await page.getByRole('link', { name: /Accept award/ }).click();
    await page.waitForURL(
      `${base}/${MO}/organizations/${mo.organization.id}/awards/${mo.award.id}`,
    );
    expect(await page.locator('.usa-logo').textContent()).toBe('Missouri DESE Grants');
    await context.close();
  });

  it("shows nothing of anyone else's organizations", async () => {
    await offeredAward(t, MO);
    const stranger = await signedInUser(t);
    const context = await signedInBrowser(stranger.user);
    const page = await context.newPage();
    await page.goto('/home');
    const main = (await page.locator('main').textContent()) ?? '';
    expect(main).toContain('You are not a member of any organization yet.');
    expect(main).not.toContain('AW-');
    expect(await accessibilityViolations(page)).toEqual([]);
    await context.close();

    // Signed out: sent to sign in, then back.
    const anonymous = await fetch(`${base}/home`, { redirect: 'manual' });
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toBe('/sign-in?next=%2Fhome');
  });
});
