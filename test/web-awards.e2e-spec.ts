import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  accessibilityViolations,
  launchBrowser,
  listen,
  newContext,
  screenshot,
} from './support/browser';
import { bootTestApp, TestApp } from './support/test-app';
import {
  activeAward,
  approve,
  expectStatus,
  offeredAward,
  orgApi,
  waitFor,
} from './factories/finance';
import { saveApplication, submitApplication, submittedApplication } from './factories/grants';
import {
  asAgencyOwner,
  createTestOrganization,
  signedInOrganizationMember,
  type SignedIn,
  type TestUser,
} from './factories/identity';

const MO = 'mo-dese';

/**
 * After submission, in the browser (issue 15 item 10): the status timeline with the officer's
 * comments and what changed, the award and its acceptance, payment requests by budget line with
 * their approval chain, budget revisions, the final report and notifications. Every page in
 * English and Spanish with no axe violations; every POST refused to the wrong person or without
 * its CSRF token, with nothing changed.
 */
describe('web pages after submission', () => {
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

  /** A browser signed in through the agency's sign-in page. */
  async function signedInBrowser(user: TestUser, locale = 'en-US'): Promise<BrowserContext> {
    const context = await newContext(browser, base, { locale });
    const page = await context.newPage();
    await page.goto(`/${MO}/sign-in`);
    await page.locator('#email').fill(user.email);
    await page.locator('#password').fill(user.password);
    await page.locator('form[action="/sign-in"] button[type=submit]').click();
    await page.waitForURL(`${base}/home`);
    await page.close();
    return context;
  }

  async function visit(context: BrowserContext, path: string, shot?: string): Promise<Page> {
    const page = await context.newPage();
    const response = await page.goto(path);
    expect(response?.status()).toBe(200);
    expect(await accessibilityViolations(page)).toEqual([]);
    if (shot) await screenshot(page, shot);
    return page;
  }

  /** A form POST from this browser (its cookies and a CSRF token from one of its pages). */
  async function post(context: BrowserContext, path: string, form: Record<string, string>) {
    const page = await context.newPage();
    await page.goto('/account');
    const csrf = await page.locator('input[name="_csrf"]').first().inputValue();
    await page.close();
    return context.request.post(`${base}${path}`, {
      form: { _csrf: csrf, ...form },
      maxRedirects: 0,
    });
  }

  async function awardStatus(orgId: string, awardId: string, who: SignedIn) {
    const res = await t.request({
      method: 'GET',
      url: `${orgApi(MO, orgId)}/awards/${awardId}`,
      token: who.token,
    });
    expectStatus(res, 200, 'read award');
    return res.json().status as string;
  }

  it('shows the status timeline: returned with the comments, what changed, resubmitted', async () => {
    const s = await submittedApplication(t, MO);
    const returned = await t.request({
      method: 'POST',
      url: `/api/v1/agencies/${MO}/programs/${s.program.id}/applications/${s.application.id}/return`,
      token: s.officer.token,
      payload: { comment: 'Please explain the summer staffing plan.' },
    });
    expectStatus(returned, 200, 'return application');
    const saved = await saveApplication(
      t,
      MO,
      s.organization.id,
      s.application.id,
      s.team.grantWriter,
      {
        projectTitle: 'Summer Literacy Academy, with staffing plan',
      },
    );
    expectStatus(saved, 200, 'revise');
    expectStatus(
      await submitApplication(t, MO, s.organization.id, s.application.id, s.team.representative),
      201,
      'resubmit',
    );

    const path = `/${MO}/organizations/${s.organization.id}/applications/${s.application.id}/status`;
    const en = await signedInBrowser(s.team.grantWriter.user);
    const page = await visit(en, path, 'application-status-en');
    expect(await page.title()).toBe(
      'Application status – Summer Literacy Grants – Missouri DESE Grants',
    );
    const main = (await page.locator('main').textContent()) ?? '';
    expect(main).toContain('Returned for revision');
    expect(main).toContain('Please explain the summer staffing plan.');
    expect(main).toContain('Resubmitted (version 2)');
    expect(main).toContain('What changed since it was returned');
    expect(main).toContain('Project title');
    expect(main).toContain('No decision has been released yet');
    await en.close();

    const es = await signedInBrowser(s.team.grantWriter.user, 'es-MX');
    const spanish = await visit(es, path, 'application-status-es');
    expect(await spanish.locator('h1').textContent()).toBe('Estado de la solicitud');
    expect(await spanish.locator('main').textContent()).toContain('Devuelta para revisión');
    await es.close();
  });

  it('lets the authorized representative accept on a page that says what will happen', async () => {
    const o = await offeredAward(t, MO);
    const award = `/${MO}/organizations/${o.organization.id}/awards/${o.award.id}`;
    await waitFor('the award notice', async () => {
      const res = await t.request({
        method: 'GET',
        url: `${orgApi(MO, o.organization.id)}/awards/${o.award.id}`,
        token: o.team.representative.token,
      });
      return res.json().notice?.status === 'ready';
    });

    // The released decision this award was made from, as the reviews module records it.
    await asAgencyOwner(t, MO, async (client, agency) => {
      await client.query(
        `INSERT INTO review_cases (agency_id, application_id, program_id, organization_id, stage,
           submission_number, submitted_at, amount_requested)
         VALUES ($1, $3, $2, $4, 'final_decision', 1, now(), '100000.00')`,
        [agency, o.program.id, o.application.id, o.organization.id],
      );
      await client.query(
        `INSERT INTO funding_decisions (agency_id, program_id, application_id, organization_id,
           amount_requested, outcome, amount, released_at)
         VALUES ($1, $2, $3, $4, '100000.00', 'approved', '100000.00', now())`,
        [agency, o.program.id, o.application.id, o.organization.id],
      );
    });
    const status = `/${MO}/organizations/${o.organization.id}/applications/${o.application.id}/status`;

    const es = await signedInBrowser(o.team.representative.user, 'es-MX');
    await visit(es, status, 'application-decision-es');
    const acceptEs = await visit(es, `${award}/accept`, 'award-accept-es');
    expect(await acceptEs.locator('main').textContent()).toContain('Lo que va a pasar');
    await visit(es, award, 'award-offered-es');
    await es.close();

    const en = await signedInBrowser(o.team.representative.user);
    const decided = await visit(en, status, 'application-decision-en');
    const decision = (await decided.locator('main').textContent()) ?? '';
    expect(decision).toContain('Amount awarded');
    expect(decision).toContain('$100,000.00');
    await decided.getByRole('link', { name: `See the award ${o.award.reference}` }).click();
    await decided.waitForURL(`${base}${award}`);
    const page = await visit(en, award, 'award-offered-en');
    expect(await page.locator('main').textContent()).toContain('Waiting for acceptance');
    const notice = page.getByRole('link', { name: 'Download the award notice (PDF)' });
    const pdf = await en.request.get(`${base}${await notice.getAttribute('href')}`);
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()['content-type']).toBe('application/pdf');
    expect((await pdf.body()).subarray(0, 5).toString()).toBe('%PDF-');

    await page.getByRole('link', { name: 'Review and accept the award' }).click();
    await page.waitForURL(`${base}${award}/accept`);
    const happens = (await page.locator('.usa-summary-box').textContent()) ?? '';
    expect(happens).toContain('$100,000.00');
    expect(happens).toContain('The award becomes active');
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'award-accept-en');

    // Without the certification: an error beside the box, what was typed kept, nothing accepted.
    await page.getByLabel('Your full name').fill('Pat Jones');
    await page.getByRole('button', { name: 'Accept the award' }).click();
    expect(await page.title()).toMatch(/^Error: Accept award/);
    expect(await page.locator('#error-summary').textContent()).toContain('Confirm that you accept');
    expect(await page.getByLabel('Your full name').inputValue()).toBe('Pat Jones');
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(await awardStatus(o.organization.id, o.award.id, o.team.representative)).toBe('offered');

    await page.getByLabel('Your job title').fill('Superintendent');
    await page.locator('label[for="accepted"]').click();
    await page.getByRole('button', { name: 'Accept the award' }).click();
    await page.waitForURL(`${base}${award}?accepted=1`);
    expect(await page.locator('.usa-alert--success').textContent()).toContain('now active');
    expect(await page.locator('main').textContent()).toContain(
      'Accepted by Pat Jones, Superintendent',
    );
    expect(await awardStatus(o.organization.id, o.award.id, o.team.representative)).toBe('active');
    await en.close();
  });

  it('requests a payment by budget line, confirms what will happen, and shows the approval chain', async () => {
    const a = await activeAward(t, MO);
    const award = `/${MO}/organizations/${a.organization.id}/awards/${a.award.id}`;
    const en = await signedInBrowser(a.team.grantWriter.user);
    const page = await visit(en, award, 'award-active-en');
    const row = page.locator('tbody tr', { hasText: '1000 / 100' }).first();
    expect(await row.textContent()).toContain('$60,000.00');

    await page.getByRole('link', { name: 'Request a payment' }).click();
    await page.waitForURL(`${base}${award}/payment-requests/new`);
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'payment-request-new-en');
    await page.getByLabel('Costs from (date)').fill('2026-09-01');
    await page.getByLabel('Costs to (date)').fill('2026-09-30');
    await page.getByLabel('What the costs were for').fill('September salaries');

    // More than the line has left (within the agency's 10% tolerance): refused beside the line.
    await page.locator('#amount_1000_100').fill('70000.00');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('button', { name: 'Send the payment request' }).click();
    expect(await page.title()).toMatch(/^Error: Request a payment/);
    expect(await page.locator('#amount_1000_100-error').textContent()).toBe(
      'More than this line has left: $66,000.00 at most',
    );
    expect(await accessibilityViolations(page)).toEqual([]);
    const none = await t.request({
      method: 'GET',
      url: `${orgApi(MO, a.organization.id)}/payment-requests`,
      token: a.team.grantWriter.token,
    });
    expect(none.json().items).toHaveLength(0);

    await page.locator('#amount_1000_100').fill('30000.00');
    await page.getByRole('button', { name: 'Continue' }).click();
    const happens = (await page.locator('.usa-summary-box').textContent()) ?? '';
    expect(happens).toContain('You request $30,000.00 as a reimbursement');
    expect(happens).toContain('2 different finance officers');
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'payment-request-confirm-en');
    await page.getByRole('button', { name: 'Send the payment request' }).click();
    await page.waitForURL(/\/payment-requests\/[0-9a-f-]{36}\?sent=1$/);
    const detail = new URL(page.url()).pathname;
    let main = (await page.locator('main').textContent()) ?? '';
    expect(main).toContain('Your payment request was sent.');
    expect(main).toContain('Still needed: approval 1');
    expect(main).toContain('Still needed: approval 2');

    const requestId = detail.split('/').pop()!;
    expectStatus(await approve(t, MO, requestId, a.financeA), 200, 'first approval');
    await page.goto(detail);
    main = (await page.locator('main').textContent()) ?? '';
    expect(main).toContain(`Approved by ${a.financeA.user.email}`);
    expect(main).toContain('Still needed: approval 2');
    expect(main).not.toContain('Still needed: approval 1');
    // One approval of two: its own status (issue 18), on the request and on the award.
    expect(main).toContain('Waiting for a second approval');
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'payment-request-chain-en');
    await page.goto(award);
    expect(await page.locator('main').textContent()).toContain('Waiting for a second approval');
    await en.close();

    const es = await signedInBrowser(a.team.grantWriter.user, 'es-MX');
    const chainEs = await visit(es, detail, 'payment-request-chain-es');
    expect(await chainEs.locator('main').textContent()).toContain(
      'En espera de una segunda aprobación',
    );
    await visit(es, `${award}/payment-requests/new`, 'payment-request-new-es');
    await visit(es, award, 'award-active-es');
    await es.close();
  });

  it('shows budget revisions, the final report and notifications in both languages', async () => {
    const a = await activeAward(t, MO);
    const award = `/${MO}/organizations/${a.organization.id}/awards/${a.award.id}`;
    for (const locale of ['en-US', 'es-MX']) {
      const lang = locale.slice(0, 2);
      const context = await signedInBrowser(a.team.representative.user, locale);
      await visit(context, `${award}/revisions`, `award-revisions-${lang}`);
      await visit(context, `${award}/closeout`, `award-closeout-${lang}`);
      await visit(context, `/${MO}/notifications`, `notifications-${lang}`);
      await context.close();
    }

    // A revision within tolerance applies at once.
    const context = await signedInBrowser(a.team.representative.user);
    const page = await context.newPage();
    await page.goto(`${award}/revisions`);
    await page.locator('#line_1000_100').fill('59000.00');
    await page.locator('#line_1000_600').fill('18600.00');
    await page.getByLabel('Why the budget needs to change').fill('More books, fewer hours');
    await page.getByRole('button', { name: 'Send the revision' }).click();
    await page.waitForURL(/\/revisions\?sent=applied$/);
    expect(await page.locator('main').textContent()).toContain('More books, fewer hours');
    expect(await accessibilityViolations(page)).toEqual([]);

    // The offer's notice is in the representative's notifications; marking it read sticks.
    await page.goto(`/${MO}/notifications`);
    const unread = await page.locator('main .usa-tag').count();
    expect(unread).toBeGreaterThan(0);
    await page
      .getByRole('button', { name: /Mark .* as read/ })
      .first()
      .click();
    await page.waitForURL(`${base}/${MO}/notifications`);
    expect(await page.locator('main .usa-tag').count()).toBe(unread - 1);
    await context.close();
  });

  it("refuses another organization's member, another agency's user, a non-representative and a missing CSRF token, changing nothing", async () => {
    const o = await offeredAward(t, MO);
    const award = `/${MO}/organizations/${o.organization.id}/awards/${o.award.id}`;
    const otherOrg = await createTestOrganization(t, MO);
    const outsider = await signedInOrganizationMember(t, MO, otherOrg, [
      'authorized_representative',
    ]);
    const ksOrg = await createTestOrganization(t, 'ks-ksde');
    const ksUser = await signedInOrganizationMember(t, 'ks-ksde', ksOrg, [
      'authorized_representative',
    ]);
    const accept = { name: 'Mallory', jobTitle: 'Intruder', accepted: 'yes' };

    // Another organization's member in the same agency: forbidden, as the API answers.
    const outside = await signedInBrowser(outsider.user);
    const seen = await outside.request.get(`${base}${award}`, { maxRedirects: 0 });
    expect(seen.status()).toBe(403);
    expect((await post(outside, `${award}/accept`, accept)).status()).toBe(403);
    const payment = await post(outside, `${award}/payment-requests`, {
      type: 'reimbursement',
      periodStart: '2026-09-01',
      periodEnd: '2026-09-30',
      amount_1000_100: '100.00',
    });
    expect(payment.status()).toBe(403);
    await outside.close();

    const ks = await newContext(browser, base);
    const ksPage = await ks.newPage();
    await ksPage.goto('/ks-ksde/sign-in');
    await ksPage.locator('#email').fill(ksUser.user.email);
    await ksPage.locator('#password').fill(ksUser.user.password);
    await ksPage.locator('form[action="/sign-in"] button[type=submit]').click();
    await ksPage.waitForURL(`${base}/home`);
    expect((await ks.request.get(`${base}${award}`, { maxRedirects: 0 })).status()).toBe(404);
    expect((await post(ks, `${award}/accept`, accept)).status()).toBe(404);
    await ks.close();

    // A member of the organization who is not its authorized representative.
    const writer = await signedInBrowser(o.team.grantWriter.user);
    expect((await writer.request.get(`${base}${award}/accept`)).status()).toBe(403);
    expect((await post(writer, `${award}/accept`, accept)).status()).toBe(403);
    const own = await writer.newPage();
    await own.goto(award);
    expect(await own.locator('main').textContent()).toContain(
      'Only an authorized representative of the organization can accept it.',
    );
    await writer.close();

    // The representative's own browser, but the form without its token.
    const rep = await signedInBrowser(o.team.representative.user);
    const noToken = await rep.request.post(`${base}${award}/accept`, {
      form: accept,
      maxRedirects: 0,
    });
    expect(noToken.status()).toBe(403);
    await rep.close();

    expect(await awardStatus(o.organization.id, o.award.id, o.team.representative)).toBe('offered');
    const requests = await t.request({
      method: 'GET',
      url: `${orgApi(MO, o.organization.id)}/payment-requests`,
      token: o.team.representative.token,
    });
    expect(requests.json().items).toHaveLength(0);

    // Someone else's notification cannot be marked read from another account.
    const notices = await t.request({
      method: 'GET',
      url: '/api/v1/me/notifications',
      token: o.team.representative.token,
    });
    const notice = notices.json().items[0];
    expect(notice.readAt).toBeNull();
    const other = await signedInBrowser(outsider.user);
    expect((await post(other, `/${MO}/notifications/${notice.id}/read`, {})).status()).toBe(404);
    await other.close();
    const after = await t.request({
      method: 'GET',
      url: '/api/v1/me/notifications',
      token: o.team.representative.token,
    });
    expect(after.json().items[0]).toMatchObject({ id: notice.id, readAt: null });
  });
});
