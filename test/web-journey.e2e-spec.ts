import { randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { MailTransport, OutgoingEmail } from '../src/notifications/mail-transport';
import { accessibilityViolations, launchBrowser, newContext, screenshot } from './support/browser';
import { storySteps } from './support/story';
import { useTestApp } from './support/use-test-app';
import { freePort, waitFor } from './jobs/waiting';
import { approve, expectStatus } from './factories/finance';
import {
  districtIdentifiers,
  openProgram,
  SAMPLE_PDF,
  STANDARD_FORM,
  STANDARD_RUBRIC,
} from './factories/grants';
import { asAgencyOwner, createUser, type SignedIn, signedInStaff } from './factories/identity';
import {
  assignReviewer,
  call,
  decisionsUrl,
  declareNoConflict,
  intoMeritReview,
  reviewUrl,
  scoreAndSubmit,
  STANDARD_POINTS,
} from './factories/reviews';

const MO = 'mo-dese';
const PASSWORD = 'willow harbor copper seven';

// A whole journey in a browser, with argon2 on a shared machine: slow, not stuck.
jest.setTimeout(600_000);

/** A short form: the standard form's first two questions (the applications tests cover every type). */
const JOURNEY_FORM = {
  sections: [
    { ...STANDARD_FORM.sections[0], questions: STANDARD_FORM.sections[0].questions.slice(0, 2) },
  ],
};

/**
 * Issue 15's "done when": a new person, in a browser, from sign-up to a payment request. They
 * sign up, confirm the address from the development outbox, register their district (approved
 * by staff through the API), apply with a budget across all seven object codes and a PDF,
 * certify and submit; after the staff's review, decision and award (through the API, as the
 * reviews and awards tests do them) they see the decision, accept the award and request a
 * payment. Every page is checked by axe; then the same pages in Spanish, reached with the
 * visible switch. Along the way, the gaps the journey met: sign-in lands on the cross-agency
 * home, a payment confirmation sent twice files one request, the budget scrolls in its own
 * region, the organization lists its applications, and notices come in the reader's language.
 */
describe('web: a district from sign-up to its first payment request', () => {
  let base = '';
  let port: number;
  let browser: Browser;
  let mail: MailTransport;
  // Before the app boots (useTestApp's own beforeAll): the emailed links need this port.
  beforeAll(async () => {
    port = await freePort();
    base = `http://127.0.0.1:${port}`;
  });
  const t = useTestApp({
    env: () => ({ NODE_ENV: 'development', PUBLIC_APP_URL: base }),
  });

  beforeAll(async () => {
    await t.app.listen(port, '127.0.0.1');
    mail = t.app.get(MailTransport);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  const mailTo = (address: string, template: string): Promise<OutgoingEmail> =>
    waitFor(`${template} email to ${address}`, () =>
      [...mail.recorded]
        .reverse()
        .find(
          (e) => e.to.address === address && e.headers?.['X-Grant-Commons-Template'] === template,
        ),
    );

  /**
   * The page as it is now: one h1, no axe violation, a screenshot. With `spanish`, the same page
   * again through the visible language switch: in Spanish, showing that text, no axe violation;
   * then back to English with the same switch.
   */
  async function checkPage(page: Page, shot: string, spanish?: string): Promise<void> {
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await page.getByRole('heading', { level: 1 }).count()).toBe(1);
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, `journey-${shot}-en`);
    if (!spanish) return;
    const here = page.url();
    await page.getByRole('button', { name: 'Ver esta página en español' }).click();
    await page.waitForURL(here);
    await page.waitForSelector('html[lang="es"]');
    expect(await page.getByRole('heading', { level: 1 }).count()).toBe(1);
    const text = (await page.locator('body').textContent()) ?? '';
    if (!text.includes(spanish)) throw new Error(`${here}: no "${spanish}" on the Spanish page`);
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, `journey-${shot}-es`);
    await page.getByRole('button', { name: 'View this page in English' }).click();
    await page.waitForURL(here);
    await page.waitForSelector('html[lang="en"]');
  }

  describe('the journey', () => {
    const step = storySteps();
    let context: BrowserContext;
    let page: Page;
    const email = `rosa.${randomUUID().slice(0, 8)}@hallsville.example`;
    let officer: SignedIn;
    let programId: string;
    let organizationId: string;
    let organizationName: string;
    let applicationUrl: string;
    let applicationId: string;
    let awardUrl: string;
    let awardReference: string;
    let paymentRequestUrl: string;

    beforeAll(async () => {
      const opened = await openProgram(t, MO, {
        title: 'Summer Literacy Grants',
        form: JOURNEY_FORM,
        rubric: { ...STANDARD_RUBRIC, reviewersPerApplication: 1 },
      });
      officer = opened.officer;
      programId = opened.program.id;
      context = await newContext(browser, base);
      page = await context.newPage();
    });
    afterAll(async () => {
      await context?.close();
    });

    step('signs up from the portal and confirms the email from the outbox page', async () => {
      await page.goto(`/${MO}`);
      await checkPage(page, 'portal', 'Buscar fondos');
      await page.getByRole('link', { name: 'Create an account' }).click();
      await page.waitForURL(`${base}/${MO}/sign-up`);
      await checkPage(page, 'sign-up', 'Crear una cuenta');
      await page.getByLabel('Full name').fill('Rosa Ruiz');
      await page.getByLabel('Email address').fill(email);
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Create account' }).click();
      await page.waitForURL(/\/check-email\?agency=mo-dese$/);
      await checkPage(page, 'check-email', 'Revise su correo');

      const sent = await mailTo(email, 'account.verify_email');
      await page.goto('/dev/mail');
      await checkPage(page, 'dev-mail', 'Bandeja de correo de desarrollo');
      await page
        .getByRole('row', { name: new RegExp(email.replace(/\./g, '\\.')) })
        .getByRole('link', { name: sent.subject })
        .click();
      await page.waitForURL(/\/dev\/mail\/.+/);
      await checkPage(page, 'dev-mail-message');
      await page.locator('main ul a[href*="/verify-email?token="]').click();
      await page.waitForURL(/\/verify-email\?token=/);
      await checkPage(page, 'verify-email');
      await page.getByRole('button', { name: 'Confirm my email address' }).click();
      await page.waitForURL(/\/sign-in\?verified=1$/);
      expect(await page.locator('.usa-alert--success').textContent()).toContain('confirmed');
      await checkPage(page, 'sign-in-verified');
    });

    step('signs in and lands on the home page across agencies', async () => {
      await page.getByLabel('Email address').fill(email);
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(`${base}/home`);
      await checkPage(page, 'home-new', 'Todavía no es miembro de ninguna organización');
    });

    step('finds the program and registers the district, pending until staff approve', async () => {
      await page.goto(`/${MO}`);
      await page.getByRole('link', { name: 'Find funding' }).first().click();
      await page.waitForURL(`${base}/${MO}/programs`);
      await checkPage(page, 'programs', 'Buscar fondos');
      await page.getByRole('link', { name: 'Summer Literacy Grants' }).click();
      await page.waitForURL(`${base}/${MO}/programs/${programId}`);
      await checkPage(page, 'program', 'Solicitar este programa');
      await page.getByRole('link', { name: 'Apply for this program' }).click();
      await page.waitForURL(`${base}/${MO}/programs/${programId}/apply`);
      expect(await page.locator('main').textContent()).toContain(
        'You are not a member of an approved organization',
      );
      await checkPage(page, 'apply-no-organization');
      await page.getByRole('link', { name: 'Register an organization' }).click();
      await page.waitForURL(new RegExp(`/${MO}/organizations/new`));
      await checkPage(page, 'register', 'Registre su organización');

      const ids = districtIdentifiers();
      organizationName = `Hallsville R-IV ${ids.stateDistrictCode}`;
      await page.getByLabel('Legal name').fill(organizationName);
      await page.getByLabel('Kind of organization').selectOption('lea');
      await page.getByLabel('NCES district ID').fill(ids.ncesLeaId);
      await page.getByLabel('Unique Entity ID (UEI)').fill(ids.uei);
      await page.getByLabel('Street address', { exact: true }).fill('200 Central St');
      await page.getByLabel('City').fill('Hallsville');
      await page.getByLabel('State', { exact: true }).fill('MO');
      await page.getByLabel('ZIP code').fill('65255');
      await page.getByRole('button', { name: 'Register organization' }).click();
      await page.waitForURL(/\/mo-dese\/organizations\/[0-9a-f-]{36}\?registered=1$/);
      organizationId = new URL(page.url()).pathname.split('/')[3];
      const main = (await page.locator('main').textContent()) ?? '';
      expect(main).toContain('Waiting for Missouri DESE Grants to approve');
      expect(main).toContain('No applications yet');
      await checkPage(page, 'organization-pending');

      const staff = await signedInStaff(t, MO, ['agency_admin']);
      expectStatus(
        await t.request({
          method: 'POST',
          url: `/api/v1/agencies/${MO}/organizations/${organizationId}/approve`,
          token: staff.token,
          payload: {},
        }),
        200,
        'approve the district',
      );
      await page.reload();
      expect(await page.locator('main').textContent()).not.toContain('Waiting for');
      await checkPage(page, 'organization', 'Qué puede hacer aquí');
    });

    step('makes themself the authorized representative on the members page', async () => {
      await page.getByRole('link', { name: 'Members and roles' }).click();
      await page.waitForURL(`${base}/${MO}/organizations/${organizationId}/members`);
      await checkPage(page, 'members', 'Miembros y roles');
      await page.getByRole('link', { name: `Change roles or remove (${email})` }).click();
      await page.waitForURL(/\/members\/[0-9a-f-]{36}$/);
      await checkPage(page, 'member', 'Guardar roles');
      await page.locator('label', { hasText: /^Authorized representative/ }).click();
      await page.getByRole('button', { name: 'Save roles' }).click();
      await page.waitForURL(/\/members(\?.*)?$/);
      expect(
        await page
          .getByRole('row', { name: new RegExp(email.replace(/\./g, '\\.')) })
          .textContent(),
      ).toContain('Authorized representative');
    });

    step('starts an application and answers its questions', async () => {
      await page.goto(`/${MO}/programs/${programId}`);
      await page.getByRole('link', { name: 'Apply for this program' }).click();
      await page.waitForURL(`${base}/${MO}/programs/${programId}/apply`);
      await checkPage(page, 'apply', 'Solicitar Summer Literacy Grants');
      await page.getByLabel('Project title (optional)').fill('Reading Bridges');
      await page.getByRole('button', { name: 'Start application' }).click();
      await page.waitForURL(/\/applications\/[0-9a-f-]{36}$/);
      applicationUrl = new URL(page.url()).pathname;
      applicationId = applicationUrl.split('/').pop()!;
      await checkPage(page, 'tasks', 'Referencia');

      await page.getByRole('link', { name: 'Project narrative' }).click();
      await page.getByLabel('Project summary').fill('A summer reading academy for grades K-3.');
      await page.getByLabel('Students served').fill('240');
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      await page.waitForURL(/\?saved=1$/);
      await checkPage(page, 'section', 'Guardar');
      await page.getByRole('button', { name: 'Save and return to your application' }).click();
      await page.waitForURL(`${base}${applicationUrl}`);
      expect(await page.locator('#task-narrative-status').textContent()).toBe('Completed');
    });

    step('fills a budget across every object code, which scrolls in its own region', async () => {
      await page.getByRole('link', { name: 'Budget' }).click();
      await page.waitForURL(`${base}${applicationUrl}/budget`);
      const objectCodes = await page.locator('.gc-budget thead th[id^="oh-"]').allTextContents();
      expect(objectCodes).toEqual(['100', '200', '300', '400', '500', '600', '700']);
      await page.getByLabel('Amount requested').fill('70000.00');
      for (const code of objectCodes) await page.locator(`#cell-1000-${code}`).fill('10000');
      expect(await page.locator('#budget-total').textContent()).toBe('$70,000.00');
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      await page.waitForURL(/\/budget\?saved=1$/);
      expect(await page.locator('#budget-total').textContent()).toBe('$70,000.00');
      expect(await page.getByText('The budget adds up to the amount requested.').count()).toBe(1);

      // USWDS's scrollable table: a focusable region named by the table's caption; the table
      // scrolls inside it, the page itself never scrolls sideways.
      const region = page.getByRole('region', {
        name: 'Budget by function (rows) and object code (columns), in dollars',
      });
      expect(await region.getAttribute('tabindex')).toBe('0');
      const fits = async () =>
        page.evaluate(() => {
          const scroller = document.querySelector('.gc-budget-scroll')!;
          return {
            scrolls: scroller.scrollWidth > scroller.clientWidth,
            pageFits: document.documentElement.scrollWidth <= window.innerWidth,
          };
        });
      expect(await fits()).toEqual({ scrolls: true, pageFits: true });
      await region.focus();
      await page.keyboard.press('End');
      await page.keyboard.press('ArrowRight');
      await checkPage(page, 'budget', 'Presupuesto');
      await page.setViewportSize({ width: 420, height: 900 });
      expect(await fits()).toEqual({ scrolls: true, pageFits: true });
      await screenshot(page, 'journey-budget-narrow-en');
      await page.setViewportSize({ width: 1200, height: 900 });
    });

    step('attaches the budget narrative as a PDF', async () => {
      await page.goto(`${applicationUrl}/attachments`);
      await page.locator('#requirementKey').selectOption('budgetNarrative');
      await page.locator('#file').setInputFiles({
        name: 'budget-narrative.pdf',
        mimeType: 'application/pdf',
        buffer: SAMPLE_PDF,
      });
      await page.getByRole('button', { name: 'Upload file' }).click();
      await page.waitForURL(/\/attachments\?added=/);
      expect(await page.getByRole('row', { name: /budget-narrative\.pdf/ }).count()).toBe(1);
      await checkPage(page, 'attachments', 'Documentos adjuntos');
    });

    step('checks the answers, certifies and submits', async () => {
      await page.goto(applicationUrl);
      await page.getByRole('link', { name: 'Check your answers and submit' }).click();
      await page.waitForURL(`${base}${applicationUrl}/review`);
      await checkPage(page, 'review', 'Revise sus respuestas antes de enviar');
      await page.getByLabel('Your full name').fill('Rosa Ruiz');
      await page.getByLabel('Your job title').fill('Superintendent');
      await page.locator('label', { hasText: 'I certify the statement above' }).click();
      await page.getByRole('button', { name: 'Submit application' }).click();
      await page.waitForURL(`${base}${applicationUrl}/submitted`);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(
        'Application submitted',
      );
      await checkPage(page, 'submitted', 'Solicitud enviada');

      // The organization's overview lists it now, linked to its status.
      await page.goto(`/${MO}/organizations/${organizationId}`);
      const row = page.getByRole('row', { name: /Reading Bridges/ });
      expect(await row.textContent()).toContain('Summer Literacy Grants');
      expect(await row.textContent()).toContain('Submitted');
      expect(await row.textContent()).toContain('$70,000.00');
      expect(await row.getByRole('link').getAttribute('href')).toBe(`${applicationUrl}/status`);
      await checkPage(page, 'organization-applications', 'Solicitudes');
    });

    step('after the staff review, decision and award, sees the decision', async () => {
      const reviewer = await signedInStaff(t, MO, ['reviewer']);
      await intoMeritReview(t, MO, officer, programId);
      const assignment = await assignReviewer(t, MO, officer, programId, applicationId, reviewer);
      await declareNoConflict(t, MO, reviewer, assignment);
      await scoreAndSubmit(t, MO, reviewer, assignment, STANDARD_POINTS[85]);
      expectStatus(
        await call(t, officer, 'POST', `${reviewUrl(MO, programId)}/stage`, {
          to: 'final_decision',
        }),
        200,
        'to final decision',
      );
      const recommended = await call(
        t,
        officer,
        'POST',
        `${decisionsUrl(MO, programId)}/recommend`,
      );
      expectStatus(recommended, 200, 'recommend');
      const decision = recommended
        .json<{ items: Array<{ applicationId: string; id: string; outcome: string }> }>()
        .items.find((d) => d.applicationId === applicationId)!;
      expect(decision.outcome).toBe('approved');
      expectStatus(
        await call(t, officer, 'POST', `${decisionsUrl(MO, programId)}/release`),
        200,
        'release',
      );

      await page.goto(`${applicationUrl}/status`);
      const released = (await page.locator('main').textContent()) ?? '';
      expect(released).toContain('Amount awarded');
      expect(released).toContain('$70,000.00');
      await checkPage(page, 'decision', 'Estado de la solicitud');

      const award = await t.request({
        method: 'POST',
        url: `/api/v1/agencies/${MO}/awards`,
        token: officer.token,
        headers: { 'idempotency-key': randomUUID() },
        payload: {
          source: 'decision',
          sourceId: decision.id,
          federalAwardDate: '2026-07-01',
        },
      });
      expectStatus(award, 201, 'award from the decision');
      awardReference = award.json<{ reference: string }>().reference;
      awardUrl = `/${MO}/organizations/${organizationId}/awards/${award.json<{ id: string }>().id}`;
    });

    step('sees the award on the home page, and accepts it', async () => {
      await page.goto('/home');
      await page.getByRole('link', { name: new RegExp(`Accept award ${awardReference}`) }).click();
      await page.waitForURL(`${base}${awardUrl}`);
      expect(await page.locator('main').textContent()).toContain('Waiting for acceptance');
      await checkPage(page, 'award-offered', 'Subvención');
      await page.getByRole('link', { name: 'Review and accept the award' }).click();
      await page.waitForURL(`${base}${awardUrl}/accept`);
      await checkPage(page, 'award-accept', 'Lo que va a pasar');
      await page.getByLabel('Your full name').fill('Rosa Ruiz');
      await page.getByLabel('Your job title').fill('Superintendent');
      await page.locator('label[for="accepted"]').click();
      await page.getByRole('button', { name: 'Accept the award' }).click();
      await page.waitForURL(`${base}${awardUrl}?accepted=1`);
      expect(await page.locator('.usa-alert--success').textContent()).toContain('now active');
      await checkPage(page, 'award-active');
    });

    step('requests a payment; the confirmation sent twice files one request', async () => {
      await page.goto(awardUrl);
      await page.getByRole('link', { name: 'Request a payment' }).click();
      await page.waitForURL(`${base}${awardUrl}/payment-requests/new`);
      await checkPage(page, 'payment-request-new', 'Solicitar un pago');
      await page.locator('label', { hasText: 'Reimbursement' }).first().click();
      await page.getByLabel('Costs from (date)').fill('2026-09-01');
      await page.getByLabel('Costs to (date)').fill('2026-09-30');
      await page.getByLabel('What the costs were for').fill('September salaries');
      await page.locator('#amount_1000_100').fill('4000.00');
      await page.getByRole('button', { name: 'Continue' }).click();
      expect(await page.locator('.usa-summary-box').textContent()).toContain('$4,000.00');
      await checkPage(page, 'payment-request-confirm');

      // The send form as the browser would post it, twice at once (a double click), then once
      // more later (a resend): one request, and every answer points at it.
      const send = page.locator(`form[action="${awardUrl}/payment-requests"]`);
      const fields = Object.fromEntries(
        await send
          .locator('input[type=hidden]')
          .evaluateAll((inputs) =>
            inputs.map((i) => [(i as HTMLInputElement).name, (i as HTMLInputElement).value]),
          ),
      ) as Record<string, string>;
      expect(fields.idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);
      const post = () =>
        context.request.post(`${base}${awardUrl}/payment-requests`, {
          form: fields,
          maxRedirects: 0,
        });
      const [first, second] = await Promise.all([post(), post()]);
      expect([first.status(), second.status()]).toEqual([303, 303]);
      const location = first.headers().location;
      expect(location).toMatch(/\/payment-requests\/[0-9a-f-]{36}\?sent=1$/);
      expect(second.headers().location).toBe(location);
      await page.getByRole('button', { name: 'Send the payment request' }).click();
      await page.waitForURL(`${base}${location}`);
      const requests = await asAgencyOwner(t, MO, (client) =>
        client.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM payment_requests WHERE organization_id = $1`,
          [organizationId],
        ),
      );
      expect(requests.rows[0].n).toBe(1);

      paymentRequestUrl = location.replace(/\?sent=1$/, '');
      const main = (await page.locator('main').textContent()) ?? '';
      expect(main).toContain('Your payment request was sent.');
      expect(main).toContain('Still needed: approval 1');
      await checkPage(page, 'payment-request', 'Su solicitud de pago fue enviada.');
    });

    step(
      'chooses Spanish for good: saved on the account, every page after it in Spanish',
      async () => {
        await page.goto('/home');
        await page.getByRole('button', { name: 'Ver esta página en español' }).click();
        await page.waitForURL(`${base}/home`);
        expect(await page.getAttribute('html', 'lang')).toBe('es');
        // Signed in, the choice is saved on the account (its emails and notices follow it).
        const saved = await asAgencyOwner(t, MO, (client) =>
          client.query<{ locale: string }>(`SELECT locale FROM users WHERE email = $1`, [email]),
        );
        expect(saved.rows[0].locale).toBe('es');
        for (const [path, shot, spanish] of [
          ['/home', 'home', 'Sus subvenciones'],
          [`/${MO}/organizations/${organizationId}`, 'organization-after', 'Reading Bridges'],
          [`${applicationUrl}/status`, 'decision-after', 'Estado de la solicitud'],
          [awardUrl, 'award-after', 'Solicitar un pago'],
          [paymentRequestUrl, 'payment-request-after', 'Solicitud de pago'],
        ]) {
          const response = await page.goto(path);
          expect(response?.status()).toBe(200);
          expect(await page.getAttribute('html', 'lang')).toBe('es');
          const text = (await page.locator('main').textContent()) ?? '';
          if (!text.includes(spanish)) throw new Error(`${path}: no "${spanish}" in Spanish`);
          expect(await accessibilityViolations(page)).toEqual([]);
          await screenshot(page, `journey-${shot}-es`);
        }
      },
    );

    step("reads a finance officer's approval as a notice in Spanish", async () => {
      const finance = await signedInStaff(t, MO, ['finance_officer']);
      const requestId = paymentRequestUrl.split('/').pop()!;
      expectStatus(await approve(t, MO, requestId, finance), 200, 'first approval');

      await page.goto(`/${MO}/notifications`);
      const main = (await page.locator('main').textContent()) ?? '';
      // Every notice in the page's language, through the notice catalogs: the approval (written
      // after she chose Spanish) and the request's own (written while she read English).
      expect(main).toMatch(/Solicitud de pago PR-[0-9A-F]{8} aprobada/);
      expect(main).toContain('Se pagará en el próximo lote de pagos.');
      expect(main).toMatch(/Solicitud de pago PR-[0-9A-F]{8} enviada/);
      expect(main).toContain(`Se le ofrece la subvención ${awardReference}`);
      expect(main).not.toContain('Payment request PR-');
      expect(main).toContain('Monto aprobado: $70,000.00.');
      // Each notice's link opens the page it is about, in this portal.
      const decided = page.locator('main li', { hasText: 'Decisión sobre la solicitud' });
      expect(await decided.getByRole('link', { name: 'Abrir' }).getAttribute('href')).toBe(
        `${applicationUrl}/status`,
      );
      const sent = page.locator('main li', { hasText: /Solicitud P-.* enviada/ });
      expect(await sent.getByRole('link', { name: 'Abrir' }).getAttribute('href')).toBe(
        applicationUrl,
      );
      expect(await page.locator('main [lang]').count()).toBe(0);
      expect(await accessibilityViolations(page)).toEqual([]);
      await screenshot(page, 'journey-notifications-es');
      // As written (what the API returns): each in her saved language at the time.
      const written = await asAgencyOwner(t, MO, (client) =>
        client.query<{ template: string; subject: string }>(
          `SELECT n.template, n.subject FROM notifications n JOIN users u ON u.id = n.user_id
            WHERE u.email = $1 AND n.template LIKE 'payment.%' ORDER BY n.created_at`,
          [email],
        ),
      );
      expect(written.rows.map((r) => [r.template, r.subject.split(' PR-')[0]])).toEqual([
        ['payment.submitted', 'Payment request'],
        ['payment.approved', 'Solicitud de pago'],
      ]);
      // The switch back to English shows them all in English.
      await page.getByRole('button', { name: 'View this page in English' }).click();
      await page.waitForSelector('html[lang="en"]');
      expect(await page.locator('main').textContent()).toMatch(
        /Payment request PR-[0-9A-F]{8} approved/,
      );
      await page.getByRole('button', { name: 'Ver esta página en español' }).click();
      await page.waitForSelector('html[lang="es"]');
      await page.goto(paymentRequestUrl);
      expect(await page.locator('main').textContent()).toContain('Aprobada por');
      expect(await accessibilityViolations(page)).toEqual([]);
      await screenshot(page, 'journey-payment-request-approved-es');
    });
  });
  describe('the front door and the language switch, as an attacker tries them', () => {
    /** A page's CSRF token and the browser's cookies, as a form on it would post. */
    async function formSession(
      path: string,
      cookie = '',
    ): Promise<{ csrf: string; cookie: string }> {
      const res = await fetch(`${base}${path}`, { headers: cookie ? { cookie } : {} });
      const csrf = /name="_csrf" value="([^"]+)"/.exec(await res.text())![1];
      const set = res.headers.getSetCookie().map((c) => c.split(';')[0]);
      return { csrf, cookie: [cookie, ...set].filter(Boolean).join('; ') };
    }
    const post = (path: string, fields: Record<string, string>, cookie: string) =>
      fetch(`${base}${path}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'text/html',
          cookie,
        },
        body: new URLSearchParams(fields).toString(),
        redirect: 'manual',
      });

    it('lands on /home after sign-in, or on a path of this site, never on another host', async () => {
      const user = await createUser(t);
      const signIn = async (next?: string) => {
        const session = await formSession('/sign-in');
        const res = await post(
          '/sign-in',
          {
            _csrf: session.csrf,
            email: user.email,
            password: user.password,
            ...(next === undefined ? {} : { next }),
          },
          session.cookie,
        );
        expect(res.status).toBe(303);
        return res.headers.get('location');
      };
      expect(await signIn()).toBe('/home');
      expect(await signIn('/mo-dese/programs?status=open')).toBe('/mo-dese/programs?status=open');
      for (const hostile of [
        '//evil.example/',
        '/\\evil.example/',
        '/\t/evil.example/',
        '/\n/evil.example/',
        '/ /evil.example',
        'https://evil.example/',
        'javascript:alert(1)',
        '',
        `/${'a'.repeat(2001)}`,
      ]) {
        expect([hostile, await signIn(hostile)]).toEqual([hostile, '/home']);
      }
      // Signed out and sent to sign in from a page: back to that page afterwards.
      const asked = await fetch(`${base}/account`, { redirect: 'manual' });
      expect(asked.headers.get('location')).toBe('/sign-in?next=%2Faccount');
    });

    it('changes the language only by a POST with the CSRF token, and returns only to this site', async () => {
      const session = await formSession('/mo-dese');
      const language = (cookie: string) => /gc_lang=(en|es)/.exec(cookie)?.[1];

      // A link or an image elsewhere cannot change it: GET is not a route any more.
      const got = await fetch(`${base}/language?to=es&next=/mo-dese`, {
        headers: { cookie: session.cookie, accept: 'text/html' },
        redirect: 'manual',
      });
      expect(got.status).toBe(404);
      expect(got.headers.getSetCookie().some((c) => c.startsWith('gc_lang='))).toBe(false);

      // A POST without the token (a form on another site) is refused, changing nothing.
      const forged = await post('/language', { to: 'es', next: '/mo-dese' }, session.cookie);
      expect(forged.status).toBe(403);
      expect(forged.headers.getSetCookie().some((c) => c.startsWith('gc_lang='))).toBe(false);

      const chosen = await post(
        '/language',
        { _csrf: session.csrf, to: 'es', next: '/mo-dese/programs' },
        session.cookie,
      );
      expect(chosen.status).toBe(303);
      expect(chosen.headers.get('location')).toBe('/mo-dese/programs');
      expect(language(chosen.headers.getSetCookie().join('; '))).toBe('es');

      for (const hostile of ['//evil.example/', '/\\evil.example', 'https://evil.example/']) {
        const res = await post(
          '/language',
          { _csrf: session.csrf, to: 'en', next: hostile },
          session.cookie,
        );
        expect([hostile, res.headers.get('location')]).toEqual([hostile, '/']);
      }
      // Not a language: nothing remembered.
      const odd = await post(
        '/language',
        { _csrf: session.csrf, to: 'xx', next: '/mo-dese' },
        session.cookie,
      );
      expect(odd.status).toBe(303);
      expect(odd.headers.getSetCookie().some((c) => c.startsWith('gc_lang='))).toBe(false);
    });
  });
});
