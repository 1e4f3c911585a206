import type { Browser, Page } from 'playwright-core';
import { MfaPolicy } from '../src/identity/mfa/mfa-policy';
import { StepUp } from '../src/identity/mfa/step-up.service';
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
  api,
  approve,
  expectStatus,
  requestPayment,
  reimbursement,
} from './factories/finance';
import {
  createUser,
  freshTotpCode,
  grantAgencyRoles,
  login,
  rememberTotpSecret,
} from './factories/identity';

const MO = 'mo-dese';

/**
 * Issue 16's browser "done when": a Missouri finance officer signs in for the first time, is
 * sent to set up an authenticator app (and can do nothing else until then), enrols with the
 * QR code's key, keeps the recovery codes, finds the payment request waiting for them and
 * approves it after stepping up. Codes come from the secret (otplib), never from waiting.
 */
describe('web: a finance officer enrols TOTP and approves a payment after step-up', () => {
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

  async function accessible(page: Page, shot: string): Promise<void> {
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, shot);
  }

  it('enrols at first sign-in, then approves after step-up', async () => {
    const { award, organization, team, financeA } = await activeAward(t, MO);
    const submitted = await requestPayment(
      t,
      MO,
      organization.id,
      award.id,
      team.grantWriter,
      reimbursement('1850.00'),
    );
    expectStatus(submitted, 201, 'request payment');
    const requestId = submitted.json().id as string;
    const officer = await createUser(t, { name: 'Maria Finance' });
    await grantAgencyRoles(t, MO, officer.id, ['finance_officer']);

    const context = await newContext(browser, base);
    const page = await context.newPage();
    await page.goto(`/${MO}/sign-in`);
    await page.locator('#email').fill(officer.email);
    await page.locator('#password').fill(officer.password);
    await page.locator('form[action="/sign-in"] button[type=submit]').click();
    await page.waitForURL(/\/sign-in\/enrol\?agency=mo-dese/);
    await accessible(page, 'mfa-enrol');
    expect(await page.locator('[role=img] svg').count()).toBe(1);

    // Nothing else until enrolled: the password alone opened no session.
    const blocked = await context.newPage();
    await blocked.goto(`/${MO}/finance/payment-requests`);
    expect(blocked.url()).toContain(`/${MO}/sign-in`);
    await blocked.close();

    const secret = (await page.locator('[data-testid=totp-secret]').innerText()).trim();
    rememberTotpSecret(officer.email, secret);
    await page.locator('#code').fill('000000');
    await page.locator('form[action^="/sign-in/enrol"] button[type=submit]').click();
    expect(await page.locator('#code-error').innerText()).toContain('not right');
    await accessible(page, 'mfa-enrol-wrong-code');
    await page.locator('#code').fill(freshTotpCode(officer.email));
    await page.locator('form[action^="/sign-in/enrol"] button[type=submit]').click();
    await page.waitForSelector('text=Save your recovery codes');
    expect(await page.locator('main li code').count()).toBe(10);
    await accessible(page, 'mfa-recovery-codes');
    await page.locator('main a.usa-button').click();
    await page.waitForURL(`${base}/${MO}`);

    // As if the sign-in were older than the agency's 15 minutes, until the person steps up.
    let steppedUp = false;
    const stepUps = t.app.get(StepUp);
    const web = stepUps.web.bind(stepUps);
    jest.spyOn(stepUps, 'web').mockImplementation(async (code) => {
      const ticket = await web(code);
      steppedUp = true;
      return ticket;
    });
    const policy = t.app.get(MfaPolicy);
    const maxAge = policy.stepUpMaxAgeSeconds.bind(policy);
    jest
      .spyOn(policy, 'stepUpMaxAgeSeconds')
      .mockImplementation((agencyId) => (steppedUp ? maxAge(agencyId) : 0));

    await page.goto(`/${MO}/finance/payment-requests`);
    await accessible(page, 'finance-queue');
    await page.locator(`a[href$="/finance/payment-requests/${requestId}"]`).click();
    await page.waitForURL(new RegExp(`/finance/payment-requests/${requestId}$`));
    await accessible(page, 'finance-request');
    await page.locator('form[action$="/approve"] button[type=submit]').click();
    await page.waitForURL(/\/step-up\?/);
    await accessible(page, 'mfa-step-up');
    const status = async () =>
      (
        await t.request({
          method: 'GET',
          url: `${api(MO)}/payment-requests/${requestId}`,
          token: financeA.token,
        })
      ).json().status as string;

    await page.locator('#code').fill(freshTotpCode(officer.email));
    expect(await status()).toBe('submitted');
    await page.locator('form[action^="/step-up"] button[type=submit]').click();
    await page.waitForURL(new RegExp(`/finance/payment-requests/${requestId}$`));
    await page.locator('form[action$="/approve"] button[type=submit]').click();
    await page.waitForURL(/done=approved/);
    expect(await page.locator('.usa-alert--success').innerText()).toContain('You approved');
    await accessible(page, 'finance-request-approved');
    expect(await status()).toBe('approved');

    await page.goto('/account/sessions');
    expect(await page.locator('tbody tr').count()).toBe(1);
    expect(await page.locator('tbody').innerText()).toContain('Authenticator code');
    await accessible(page, 'account-sessions');
    await context.close();
    jest.restoreAllMocks();
  });

  it('shows the code page and the sessions page in Spanish, axe-clean', async () => {
    const officer = await createUser(t);
    await grantAgencyRoles(t, MO, officer.id, ['finance_officer']);
    // Enrolled already (through the API): the next sign-in asks for the code.
    await login(t, officer.email, officer.password);

    const context = await newContext(browser, base, { locale: 'es-US' });
    const page = await context.newPage();
    await page.goto(`/${MO}/sign-in`);
    await page.locator('#email').fill(officer.email);
    await page.locator('#password').fill(officer.password);
    await page.locator('form[action="/sign-in"] button[type=submit]').click();
    await page.waitForURL(/\/sign-in\/code\?agency=mo-dese/);
    expect(await page.locator('h1').innerText()).toBe('Escriba su código de seguridad');
    await accessible(page, 'mfa-code-es');
    await page.locator('#code').fill(freshTotpCode(officer.email));
    await page.locator('form[action^="/sign-in/code"] button[type=submit]').click();
    await page.waitForURL(`${base}/${MO}`);
    await page.goto('/account/sessions');
    expect(await page.locator('h1').innerText()).toBe('Dónde tiene la sesión iniciada');
    await accessible(page, 'account-sessions-es');
    await context.close();
  });

  it('shows a request waiting for a second approval with its own status and filter, in English and Spanish', async () => {
    const { award, organization, team, financeA } = await activeAward(t, MO);
    // $30,000: at or above Missouri's $25,000 threshold, so two finance officers must approve.
    const big = await requestPayment(t, MO, organization.id, award.id, team.grantWriter, {
      ...reimbursement('0.00'),
      lines: [
        { functionCode: '1000', objectCode: '100', amount: '25000.00' },
        { functionCode: '1000', objectCode: '200', amount: '5000.00' },
      ],
    });
    expectStatus(big, 201, 'request $30,000');
    const { id: requestId, reference } = big.json<{ id: string; reference: string }>();
    const first = await approve(t, MO, requestId, financeA);
    expectStatus(first, 200, 'first approval');
    expect(first.json().status).toBe('awaiting_second_approval');

    const officer = await createUser(t);
    await grantAgencyRoles(t, MO, officer.id, ['finance_officer']);
    await login(t, officer.email, officer.password); // enrols the authenticator (API)
    const context = await newContext(browser, base);
    const page = await context.newPage();
    await page.goto(`/${MO}/sign-in`);
    await page.locator('#email').fill(officer.email);
    await page.locator('#password').fill(officer.password);
    await page.locator('form[action="/sign-in"] button[type=submit]').click();
    await page.waitForURL(/\/sign-in\/code\?agency=mo-dese/);
    await page.locator('#code').fill(freshTotpCode(officer.email));
    await page.locator('form[action^="/sign-in/code"] button[type=submit]').click();
    await page.waitForURL(`${base}/${MO}`);

    for (const [language, tag] of [
      ['en', 'Waiting for a second approval'],
      ['es', 'En espera de una segunda aprobación'],
    ] as const) {
      await page.goto(`/${MO}/finance/payment-requests?status=awaiting_second_approval`);
      if (language === 'es') {
        await page.locator('form[action="/language"] button[type=submit]').click();
        await page.waitForURL(/status=awaiting_second_approval/);
      }
      const row = page.locator('main tbody tr', { hasText: reference });
      expect(await row.textContent()).toContain(tag); // the tag's CSS shows it in capitals
      expect(await page.locator('#status').inputValue()).toBe('awaiting_second_approval');
      await accessible(page, `finance-queue-second-approval-${language}`);
      // The first-approval filter does not list it; it has its own status.
      await page.goto(`/${MO}/finance/payment-requests?status=submitted`);
      expect(await page.locator('main').innerText()).not.toContain(reference);
      // The request's page shows the status beside the approval chain.
      await page.goto(`/${MO}/finance/payment-requests/${requestId}`);
      expect(await page.locator('main dl').textContent()).toContain(tag);
      await accessible(page, `finance-request-second-approval-${language}`);
    }
    await context.close();
  });
});
