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
  asAgencyOwner,
  createUser,
  grantOrganizationRoles,
  SignedIn,
  TestUser,
} from './factories/identity';
import {
  applicantTeam,
  ApplicantTeam,
  applicationsUrl,
  createOrganization,
  openProgram,
  SAMPLE_PDF,
  saveApplication,
  startApplication,
} from './factories/grants';

const AGENCY = 'mo-dese';

/**
 * The applicant's pages (issue 15 item 9): start from a program, the task list, a form section
 * of every question type with server validation, the budget matrix with totals, attachments,
 * check your answers, certify and submit, the receipt; in English and Spanish with no axe
 * violations; and the attacks every POST must refuse without changing anything.
 */
describe('web: applying for a grant', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  let programId: string;
  let organizationId: string;
  let team: ApplicantTeam;

  beforeAll(async () => {
    t = await bootTestApp();
    base = await listen(t);
    browser = await launchBrowser();
    const { program } = await openProgram(t, AGENCY);
    programId = program.id;
    organizationId = (await createOrganization(t, AGENCY)).id;
    team = await applicantTeam(t, AGENCY, organizationId);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function signedInContext(user: TestUser, locale = 'en-US'): Promise<BrowserContext> {
    const context = await newContext(browser, base, { locale });
    const page = await context.newPage();
    await page.goto(`/${AGENCY}/sign-in`);
    await page.locator('#email').fill(user.email);
    await page.locator('#password').fill(user.password);
    await Promise.all([
      page.waitForURL(`${base}/home`),
      page.locator('form.usa-form button[type=submit]').click(),
    ]);
    await page.close();
    return context;
  }

  async function checked(page: Page, name: string) {
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, name);
  }

  async function readApplication(member: SignedIn, orgId: string, applicationId: string) {
    const res = await t.request({
      method: 'GET',
      url: applicationsUrl(AGENCY, orgId, applicationId),
      token: member.token,
    });
    expect(res.status).toBe(200);
    return res.json();
  }

  it('takes a representative from the program to a submitted application, in English', async () => {
    const context = await signedInContext(team.representative.user);
    const page = await context.newPage();

    await page.goto(`/${AGENCY}/programs/${programId}/apply`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(
      'Apply for Summer Literacy Grants',
    );
    await checked(page, 'apply-start-en');
    await page.getByLabel('Project title (optional)').fill('Reading Bridges');
    await page.getByRole('button', { name: 'Start application' }).click();
    await page.waitForURL(/\/applications\/[0-9a-f-]{36}$/);
    const taskList = page.url();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Reading Bridges');
    expect(await page.locator('#task-narrative-status').textContent()).toBe('Not started');
    expect(await page.locator('#task-review-status').textContent()).toBe('Cannot start yet');
    await checked(page, 'application-tasks-en');

    // A section with every question type; a malformed answer is refused with the error summary.
    await page.getByRole('link', { name: 'Project narrative' }).click();
    await page.getByLabel('Project summary').fill('Summer literacy academy for grades K-3.');
    await page.getByLabel('Students served').fill('many');
    await page.getByLabel('Local match (optional)').fill('5,000');
    await page.getByLabel('Month').fill('7');
    await page.getByLabel('Day').fill('1');
    await page.getByLabel('Year').fill('2027');
    await page.locator('label', { hasText: 'Elementary' }).click(); // USWDS hides the input
    await page.locator('label', { hasText: 'Literacy' }).click();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    expect(await page.title()).toMatch(/^Error: Project narrative/);
    const summary = page.locator('#error-summary');
    expect(await summary.getByRole('link').allTextContents()).toEqual([
      'Students served: enter a whole number',
    ]);
    expect(await summary.getByRole('link').getAttribute('href')).toBe('#studentsServed');
    expect(await page.getByLabel('Project summary').inputValue()).toBe(
      'Summer literacy academy for grades K-3.',
    );
    await checked(page, 'application-section-error-en');
    await page.getByLabel('Students served').fill('240');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.waitForURL(/\?saved=1$/);
    expect(await page.locator('#last-saved').textContent()).toMatch(/^Last saved by Test /);
    await checked(page, 'application-section-en');
    await page.getByRole('button', { name: 'Save and return to your application' }).click();
    await page.waitForURL(taskList);
    expect(await page.locator('#task-narrative-status').textContent()).toBe('Completed');

    // A repeatable group.
    await page.getByRole('link', { name: 'School sites' }).click();
    await page.getByLabel('School name').fill('Lincoln Elementary');
    await page.getByLabel('Enrollment (optional)').fill('410');
    await page.getByRole('button', { name: 'Save and return to your application' }).click();
    await page.waitForURL(taskList);
    expect(await page.locator('#task-sites-status').textContent()).toBe('Completed');

    // The budget: live totals with JavaScript, the same totals computed by the server on save.
    await page.getByRole('link', { name: 'Budget' }).click();
    await page.getByLabel('Amount requested').fill('30000.00');
    await page.locator('#cell-1000-100').fill('20000');
    await page.locator('#cell-2100-200').fill('10,000.00');
    expect(await page.locator('#budget-total').textContent()).toBe('$30,000.00');
    await page.locator('#cell-2200-300').fill('abc');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    expect(await page.locator('#error-summary a').getAttribute('href')).toBe('#cell-2200-300');
    await page.locator('#cell-2200-300').fill('');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.waitForURL(/\/budget\?saved=1$/);
    expect(await page.locator('#budget-total').textContent()).toBe('$30,000.00');
    expect(await page.locator('#cell-1000-100').inputValue()).toBe('20000.00');
    expect(await page.getByText('The budget adds up to the amount requested.').count()).toBe(1);
    await checked(page, 'application-budget-en');

    // Attachments: a file that claims to be a PDF but is not (the server reads its bytes),
    // then the required PDF.
    await page.goto(`${taskList}/attachments`);
    await page.locator('#file').setInputFiles({
      name: 'notes.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('just some words'),
    });
    await page.getByRole('button', { name: 'Upload file' }).click();
    expect(await page.locator('#error-summary').textContent()).toContain(
      'The file notes.pdf is not an accepted type',
    );
    await checked(page, 'application-attachments-error-en');
    await page.locator('#requirementKey').selectOption('budgetNarrative');
    await page.locator('#file').setInputFiles({
      name: 'narrative.pdf',
      mimeType: 'application/pdf',
      buffer: SAMPLE_PDF,
    });
    await page.getByRole('button', { name: 'Upload file' }).click();
    await page.waitForURL(/\/attachments\?added=/);
    expect(await page.getByRole('row', { name: /narrative\.pdf/ }).count()).toBe(1);
    await checked(page, 'application-attachments-en');

    // Check your answers, certify and submit.
    await page.goto(taskList);
    expect(await page.locator('#task-review-status').textContent()).toBe('Not started');
    await page.getByRole('link', { name: 'Check your answers and submit' }).click();
    expect(
      await page.getByRole('link', { name: 'Change Students served' }).getAttribute('href'),
    ).toBe(`${new URL(taskList).pathname}/sections/narrative#studentsServed`);
    await checked(page, 'application-review-en');
    await page.getByRole('button', { name: 'Submit application' }).click();
    expect(await page.title()).toMatch(/^Error: /);
    await page.getByLabel('Your full name').fill('Pat Jones');
    await page.getByLabel('Your job title').fill('Superintendent');
    await page.locator('label', { hasText: 'I certify the statement above' }).click();
    const key = await page.locator('input[name=idempotencyKey]').inputValue();
    const csrf = await page.locator('form.usa-form input[name=_csrf]').inputValue();
    await page.getByRole('button', { name: 'Submit application' }).click();
    await page.waitForURL(/\/submitted$/);
    // The same form sent again (a double click, a resend) replays the receipt: one submission.
    const resent = await context.request.post(`${taskList}/review`, {
      form: {
        _csrf: csrf,
        idempotencyKey: key,
        name: 'Pat Jones',
        title: 'Superintendent',
        accepted: 'yes',
      },
      maxRedirects: 0,
    });
    expect(resent.status()).toBe(303);
    expect(resent.headers().location).toMatch(/\/submitted$/);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(
      'Application submitted',
    );
    expect(await page.locator('#reference').textContent()).toMatch(/^P-[0-9a-f]{8}-[0-9A-F]{8}$/);
    await checked(page, 'application-submitted-en');

    const applicationId = taskList.split('/').pop()!;
    const saved = await readApplication(team.representative, organizationId, applicationId);
    expect(saved.status).toBe('submitted');
    expect(saved.submissionCount).toBe(1);
    // The email the receipt page describes is the one the submission queued.
    const reference = await page.locator('#reference').textContent();
    const emailed = await asAgencyOwner(t, AGENCY, (client) =>
      client.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM jobs_outbox, jsonb_array_elements(payload->'notices') n
          WHERE name = 'notification.email' AND n->>'template' = 'application.submitted.applicant'
            AND n->'data'->>'applicationRef' = $1`,
        [reference],
      ),
    );
    expect(emailed.rows[0].n).toBe(1);
    expect(
      await page
        .getByText(`"Application ${reference} submitted: Summer Literacy Grants"`, { exact: false })
        .count(),
    ).toBe(1);
    expect(saved.amountRequested).toBe('30000.00');
    expect(saved.budget.total).toBe('30000.00');
    expect(saved.answers.narrative).toMatchObject({
      studentsServed: 240,
      localMatch: '5000.00',
      startDate: '2027-07-01',
    });
    // The task list is for drafts: a submitted application goes to its status page.
    const again = await context.request.get(taskList, { maxRedirects: 0 });
    expect(again.status()).toBe(303);
    expect(again.headers().location).toBe(`${new URL(taskList).pathname}/status`);
    await context.close();
  }, 240_000); // a dozen pages, each checked by axe: minutes on a busy shared machine

  it('shows every page in Spanish with no axe violations, and who may submit', async () => {
    const other = (await createOrganization(t, AGENCY)).id;
    const writer = await createUser(t, { name: 'Ana Ruiz' });
    const rep = await createUser(t, { name: 'Luis Ortega' });
    await grantOrganizationRoles(t, AGENCY, other, writer.id, ['grant_writer']);
    await grantOrganizationRoles(t, AGENCY, other, rep.id, ['authorized_representative']);
    const context = await signedInContext(writer, 'es-MX');
    const page = await context.newPage();
    await page.goto(`/${AGENCY}/programs/${programId}/apply`);
    expect(await page.getAttribute('html', 'lang')).toBe('es');
    await checked(page, 'apply-start-es');
    await page.getByRole('button', { name: 'Comenzar la solicitud' }).click();
    await page.waitForURL(/\/applications\/[0-9a-f-]{36}$/);
    const taskList = page.url();
    await checked(page, 'application-tasks-es');
    for (const [path, name] of [
      ['/sections/narrative', 'application-section-es'],
      ['/sections/sites', 'application-section-group-es'],
      ['/budget', 'application-budget-es'],
      ['/attachments', 'application-attachments-es'],
      ['/review', 'application-review-es'],
    ]) {
      const response = await page.goto(`${taskList}${path}`);
      expect(response?.status()).toBe(200);
      await checked(page, name);
    }
    // A grant writer cannot submit, and is told who can.
    expect(await page.getByRole('button', { name: 'Enviar la solicitud' }).count()).toBe(0);
    expect(await page.getByText('Luis Ortega').count()).toBe(1);
    await context.close();
  }, 180_000);

  it('shows a colleague’s save as a conflict, and keeps the person’s answers when they choose', async () => {
    const started = await startApplication(
      t,
      AGENCY,
      organizationId,
      team.grantWriter,
      programId,
    ).catch(() => undefined);
    // The organization's first application was submitted above; programs allow one active
    // application per organization, so the conflict runs on another organization's draft.
    const orgId = started ? organizationId : (await createOrganization(t, AGENCY)).id;
    const colleague = started
      ? team.grantWriter
      : (await applicantTeam(t, AGENCY, orgId)).grantWriter;
    const person = await createUser(t, { name: 'Maria Lopez' });
    await grantOrganizationRoles(t, AGENCY, orgId, person.id, ['grant_writer']);
    const draft = started ?? (await startApplication(t, AGENCY, orgId, colleague, programId));
    const context = await signedInContext(person);
    const page = await context.newPage();
    await page.goto(
      `/${AGENCY}/organizations/${orgId}/applications/${draft.id}/sections/narrative`,
    );
    await page.getByLabel('Project summary').fill('Mine: an after-school club.');

    const theirs = await saveApplication(t, AGENCY, orgId, draft.id, colleague, {
      answers: { narrative: { summary: 'Theirs: a summer academy.' } },
    });
    expect(theirs.status).toBe(200);

    await page.getByRole('button', { name: 'Save', exact: true }).click();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(
      'A colleague changed this part',
    );
    const row = page.getByRole('row', { name: /Project summary/ });
    expect(await row.textContent()).toContain('Mine: an after-school club.');
    expect(await row.textContent()).toContain('Theirs: a summer academy.');
    await checked(page, 'application-conflict-en');
    expect((await readApplication(colleague, orgId, draft.id)).answers.narrative.summary).toBe(
      'Theirs: a summer academy.',
    );
    await page.getByRole('button', { name: 'Keep my answers' }).click();
    await page.waitForURL(new RegExp(`/applications/${draft.id}$`));
    expect((await readApplication(colleague, orgId, draft.id)).answers.narrative.summary).toBe(
      'Mine: an after-school club.',
    );
    await context.close();
  });

  it('totals the budget on the server when JavaScript is off', async () => {
    const orgId = (await createOrganization(t, AGENCY)).id;
    const writer = (await applicantTeam(t, AGENCY, orgId)).grantWriter;
    const draft = await startApplication(t, AGENCY, orgId, writer, programId);
    // An earlier application of the district, in another program: the budget may be copied from it.
    const other = await openProgram(t, AGENCY);
    const earlier = await startApplication(t, AGENCY, orgId, writer, other.program.id);
    const context = await newContext(browser, base, { javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`/${AGENCY}/sign-in`);
    await page.locator('#email').fill(writer.user.email);
    await page.locator('#password').fill(writer.user.password);
    await Promise.all([
      page.waitForURL(`${base}/home`),
      page.locator('form.usa-form button[type=submit]').click(),
    ]);
    await page.goto(`/${AGENCY}/organizations/${orgId}/applications/${draft.id}/budget`);
    const sources = await page
      .locator('#sourceApplicationId option')
      .evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value).filter(Boolean));
    expect(sources).toEqual([earlier.id]); // the district's others, never this one
    await page.locator('#cell-1000-100').fill('1234.56');
    await page.locator('#cell-1000-200').fill('0.44');
    await page.locator('#cell-2200-100').fill('100');
    expect(await page.locator('#budget-total').textContent()).toBe('$0.00'); // no live totals
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.waitForURL(/\/budget\?saved=1$/);
    expect(await page.locator('#budget-total').textContent()).toBe('$1,335.00');
    expect(await page.locator('[data-gc-total-for=".gc-f-1000"]').textContent()).toBe('$1,235.00');
    expect(await page.locator('[data-gc-total-for=".gc-o-100"]').textContent()).toBe('$1,334.56');
    await context.close();
  });

  describe('attacks: refused, nothing changed', () => {
    let orgId: string;
    let applicationId: string;
    let owner: ApplicantTeam;
    let path: string;

    beforeAll(async () => {
      orgId = (await createOrganization(t, AGENCY)).id;
      owner = await applicantTeam(t, AGENCY, orgId);
      applicationId = (await startApplication(t, AGENCY, orgId, owner.grantWriter, programId)).id;
      path = `/${AGENCY}/organizations/${orgId}/applications/${applicationId}`;
    });

    /** A signed-in browser context and a CSRF token of its own session. */
    async function attacker(user: TestUser, agencyCode = AGENCY) {
      const context = await newContext(browser, base);
      const page = await context.newPage();
      await page.goto(`/${agencyCode}/sign-in`);
      await page.locator('#email').fill(user.email);
      await page.locator('#password').fill(user.password);
      await Promise.all([
        page.waitForURL(`${base}/home`),
        page.locator('form.usa-form button[type=submit]').click(),
      ]);
      await page.goto(`/${agencyCode}/sign-in`);
      const csrf = await page.locator('input[name=_csrf]').first().inputValue();
      return { context, csrf };
    }

    const posts = (csrf: string): Array<{ url: string; form: Record<string, string> }> => [
      {
        url: `${path}/sections/narrative`,
        form: { _csrf: csrf, version: '1', base: '{}', summary: 'hijacked' },
      },
      {
        url: `${path}/budget`,
        form: { _csrf: csrf, version: '1', amountRequested: '99999.00', 'cell-1000-100': '99999' },
      },
      {
        url: `${path}/review`,
        form: { _csrf: csrf, name: 'X', title: 'Y', accepted: 'yes', idempotencyKey: 'k1' },
      },
    ];

    async function unchanged() {
      const now = await readApplication(owner.grantWriter, orgId, applicationId);
      expect(now.status).toBe('draft');
      expect(now.version).toBe(1);
      expect(now.answers).toEqual({});
      expect(now.budget.lines).toEqual([]);
    }

    it("refuses another organization's member", async () => {
      const { context, csrf } = await attacker(team.grantWriter.user);
      for (const p of posts(csrf)) {
        const res = await context.request.post(p.url, { form: p.form, maxRedirects: 0 });
        expect([403, 404]).toContain(res.status());
      }
      const view = await context.request.get(path, { maxRedirects: 0 });
      expect([403, 404]).toContain(view.status());
      await unchanged();
      await context.close();
    });

    it('answers malformed ids in page paths with a 404 page, never a server error', async () => {
      const { context } = await attacker(owner.orgAdmin.user);
      for (const bad of ['-'.repeat(36), 'not-a-uuid']) {
        for (const suffix of [
          '',
          '/sections/narrative',
          '/budget',
          '/attachments',
          '/review',
          '/submitted',
        ]) {
          for (const url of [
            `/${AGENCY}/organizations/${orgId}/applications/${bad}${suffix}`,
            `/${AGENCY}/organizations/${bad}/applications/${applicationId}${suffix}`,
          ]) {
            const res = await context.request.get(url, { maxRedirects: 0 });
            expect([403, 404]).toContain(res.status());
          }
        }
        const apply = await context.request.get(`/${AGENCY}/programs/${bad}/apply`, {
          maxRedirects: 0,
        });
        expect(apply.status()).toBe(404);
      }
      const section = await context.request.get(`${path}/sections/nope`, { maxRedirects: 0 });
      expect(section.status()).toBe(404);
      await context.close();
    });

    it("refuses another agency's user", async () => {
      const ks = await createUser(t);
      const ksOrg = (await createOrganization(t, 'ks-ksde')).id;
      await grantOrganizationRoles(t, 'ks-ksde', ksOrg, ks.id, [
        'org_admin',
        'authorized_representative',
      ]);
      const { context, csrf } = await attacker(ks, 'ks-ksde');
      for (const p of posts(csrf)) {
        const res = await context.request.post(p.url, { form: p.form, maxRedirects: 0 });
        expect(res.status()).toBe(404);
      }
      await unchanged();
      await context.close();
    });

    it('refuses a submission by someone who is not the authorized representative', async () => {
      const { context, csrf } = await attacker(owner.grantWriter.user);
      const submit = posts(csrf)[2];
      const res = await context.request.post(submit.url, { form: submit.form, maxRedirects: 0 });
      expect(res.status()).toBe(403);
      await unchanged();
      await context.close();
    });

    it('refuses a form without its CSRF token', async () => {
      const { context } = await attacker(owner.orgAdmin.user);
      for (const p of posts('')) {
        const { _csrf, ...form } = p.form;
        void _csrf;
        const res = await context.request.post(p.url, { form, maxRedirects: 0 });
        expect(res.status()).toBe(403);
      }
      const upload = await context.request.post(`${path}/attachments`, {
        multipart: { file: { name: 'a.pdf', mimeType: 'application/pdf', buffer: SAMPLE_PDF } },
        maxRedirects: 0,
      });
      expect(upload.status()).toBe(403);
      expect((await readApplication(owner.grantWriter, orgId, applicationId)).attachments).toEqual(
        [],
      );
      await unchanged();
      await context.close();
    });

    it('keeps a stale budget save from overwriting a colleague', async () => {
      const { context, csrf } = await attacker(owner.orgAdmin.user);
      const page = await context.newPage();
      await page.goto(`${path}/budget`);
      const version = await page.locator('input[name=version]').first().inputValue();
      const theirs = await saveApplication(t, AGENCY, orgId, applicationId, owner.grantWriter, {
        projectTitle: 'Colleague title',
      });
      expect(theirs.status).toBe(200);
      const stale = await context.request.post(`${path}/budget`, {
        form: { _csrf: csrf, version, amountRequested: '5000.00', 'cell-1000-100': '5000' },
        maxRedirects: 0,
      });
      expect(stale.status()).toBe(409);
      expect(await stale.text()).toContain('A colleague saved this application');
      const now = await readApplication(owner.grantWriter, orgId, applicationId);
      expect(now.budget.lines).toEqual([]);
      expect(now.projectTitle).toBe('Colleague title');
      await context.close();
    });
  });
});
