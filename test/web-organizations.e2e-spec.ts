import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  asAgencyOwner,
  createUser,
  grantOrganizationRoles,
  signedInStaff,
  TestUser,
} from './factories';
import { setPayee } from './factories/finance';
import { createOrganization, districtIdentifiers, openProgram } from './factories/grants';
import {
  accessibilityViolations,
  launchBrowser,
  listen,
  newContext,
  screenshot,
} from './support/browser';
import { bootTestApp, expectStatus, TestApp } from './support/test-app';

// Browser journeys on a busy machine take longer than the project's default.
jest.setTimeout(300_000);

/**
 * Issue 15 item 8: a district registers (pending until staff approve, and says so), its
 * overview, members and roles with the API's rules, and its bank details masked, a change
 * pending until finance activates it. Every page in both languages with axe; one journey
 * without JavaScript; every POST attacked.
 */
describe('web: the district’s organization', () => {
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

  async function signIn(page: Page, user: TestUser, agency = 'mo-dese') {
    await page.goto(`/${agency}/sign-in`);
    await page.locator('#email').fill(user.email);
    await page.locator('#password').fill(user.password);
    await page.locator('form.usa-form button[type=submit]').click();
    await page.waitForURL((url) => !url.pathname.endsWith('/sign-in'));
  }

  async function browserOf(user: TestUser, locale = 'en-US', javaScriptEnabled = true) {
    const context = await newContext(browser, base, { locale, javaScriptEnabled });
    const page = await context.newPage();
    await signIn(page, user);
    return { context, page };
  }

  const memberships = (organizationId: string) =>
    asAgencyOwner(t, 'mo-dese', async (client) => {
      const { rows } = await client.query(
        `SELECT u.email, m.roles, m.status FROM organization_memberships m
           JOIN users u ON u.id = m.user_id WHERE m.organization_id = $1 ORDER BY u.email`,
        [organizationId],
      );
      return rows as Array<{ email: string; roles: string[]; status: string }>;
    });

  /** An active district with an administrator (a person, signed in through the browser later). */
  async function district() {
    const organization = await createOrganization(t, 'mo-dese', {
      legalName: `Hallsville R-IV ${Math.random().toString(36).slice(2, 6)}`,
    });
    const admin = await createUser(t, { name: 'Ana Admin' });
    await grantOrganizationRoles(t, 'mo-dese', organization.id, admin.id, ['org_admin']);
    return { organization, admin };
  }

  it('without JavaScript: finds a program, registers a district (pending, then approved) and invites a colleague', async () => {
    const { program } = await openProgram(t, 'mo-dese', { title: 'Early Reading Grants' });
    const user = await createUser(t, { name: 'Rosa Ruiz' });
    const context = await newContext(browser, base, { javaScriptEnabled: false });
    const page = await context.newPage();
    // axe runs its script in the page, which cannot run here: these pages are checked by axe
    // in the tests below, with JavaScript on.

    await page.goto('/mo-dese');
    await page.getByRole('link', { name: 'Find funding' }).last().click();
    await page.getByRole('link', { name: 'Early Reading Grants' }).click();
    await page.waitForURL(`${base}/mo-dese/programs/${program.id}`);
    expect(await page.locator('main').textContent()).toContain('Documents to attach');

    // Registering needs an account: sign in, then come back to the form.
    await page.goto('/mo-dese/organizations/new');
    expect(new URL(page.url()).pathname).toBe('/mo-dese/sign-in');
    await page.locator('#email').fill(user.email);
    await page.locator('#password').fill(user.password);
    await page.locator('form.usa-form button[type=submit]').click();
    await page.waitForURL(`${base}/mo-dese/organizations/new`);
    await screenshot(page, 'organization-register-en');

    // Mistakes are shown at the top and beside each field; what was typed is kept.
    await page.getByLabel('Legal name').fill('Columbia Public Schools');
    await page.getByLabel('NCES district ID').fill('12345');
    await page.getByRole('button', { name: 'Register organization' }).click();
    expect(await page.title()).toMatch(/^Error: Register your organization/);
    const summary = await page.locator('#error-summary').textContent();
    expect(summary).toContain('Select the kind of organization');
    expect(summary).toContain('Enter the NCES district ID as 7 digits');
    expect(summary).toContain('Enter the street address');
    expect(await page.getByLabel('Legal name').inputValue()).toBe('Columbia Public Schools');
    await screenshot(page, 'organization-register-errors-en');

    const ids = districtIdentifiers();
    await page.getByLabel('Kind of organization').selectOption('lea');
    await page.getByLabel('NCES district ID').fill(ids.ncesLeaId);
    await page.getByLabel('Unique Entity ID (UEI)').fill(ids.uei.toLowerCase());
    await page.getByLabel('Street address', { exact: true }).fill('1818 W Worley St');
    await page.getByLabel('City').fill('Columbia');
    await page.getByLabel('State', { exact: true }).fill('mo');
    await page.getByLabel('ZIP code').fill('65203');
    await page.getByRole('button', { name: 'Register organization' }).click();
    await page.waitForURL(/\/mo-dese\/organizations\/[0-9a-f-]{36}\?registered=1$/);
    const organizationId = new URL(page.url()).pathname.split('/')[3];
    const main = (await page.locator('main').textContent())!;
    expect(main).toContain('Your organization is registered.');
    expect(main).toContain('Waiting for Missouri DESE Grants to approve');
    expect(main).toContain('You will get an email when they decide');
    expect(main).toContain('Organization administrator');
    expect(main).toContain(ids.uei); // stored in capitals, as the API does
    await screenshot(page, 'organization-pending-en');

    // Pending: no invitations yet, and the page says why.
    await page.getByRole('link', { name: 'Members and roles' }).click();
    expect(await page.locator('main').textContent()).toContain(
      'You can invite colleagues once Missouri DESE Grants approves the organization.',
    );
    expect(await page.locator('input[name=email]').count()).toBe(0);

    const staff = await signedInStaff(t, 'mo-dese', ['agency_admin']);
    const approved = await t.request({
      method: 'POST',
      url: `/api/v1/agencies/mo-dese/organizations/${organizationId}/approve`,
      token: staff.token,
      payload: {},
    });
    expectStatus(approved, 200, 'approve');

    await page.reload();
    await page.getByLabel('Their name').fill('Colin Colleague');
    await page.getByLabel('Their email address').fill('Colin.Colleague@district.example');
    await page.locator('label', { hasText: /^Grant writer/ }).click();
    await page.getByRole('button', { name: 'Send invitation' }).click();
    await page.waitForURL(/\/members\?done=invited/);
    expect(await page.locator('.usa-alert--success').textContent()).toContain(
      'Invitation sent to colin.colleague@district.example.',
    );
    const row = page.locator('tr', { hasText: 'colin.colleague@district.example' });
    expect(await row.textContent()).toContain('Invitation sent');
    expect(await memberships(organizationId)).toEqual(
      expect.arrayContaining([
        { email: 'colin.colleague@district.example', roles: ['grant_writer'], status: 'pending' },
        { email: user.email, roles: ['org_admin'], status: 'active' },
      ]),
    );
    await screenshot(page, 'organization-members-en');
    await context.close();
  });

  it('shows every organization page in English and Spanish with no axe violations', async () => {
    const { organization, admin } = await district();
    const finance = await signedInStaff(t, 'mo-dese', ['finance_officer']);
    await setPayee(t, 'mo-dese', organization.id, finance, {
      payeeName: 'Hallsville R-IV',
      accountNumber: '000123456789',
    });
    const colleague = await createUser(t, { name: 'Gil Writer' });
    await grantOrganizationRoles(t, 'mo-dese', organization.id, colleague.id, ['grant_writer']);
    const root = `/mo-dese/organizations/${organization.id}`;
    for (const locale of ['en-US', 'es-MX']) {
      const lang = locale.slice(0, 2);
      const { context, page } = await browserOf(admin, locale);
      for (const [path, name] of [
        ['/mo-dese/organizations/new', 'register'],
        [root, 'overview'],
        [`${root}/members`, 'members'],
        [`${root}/members/${colleague.id}`, 'member'],
        [`${root}/payee`, 'payee'],
      ]) {
        const response = await page.goto(path);
        expect(response?.status()).toBe(200);
        expect(await page.getAttribute('html', 'lang')).toBe(lang);
        expect(await page.getByRole('heading', { level: 1 }).count()).toBe(1);
        expect(await accessibilityViolations(page)).toEqual([]);
        await screenshot(page, `organization-${name}-${lang}`);
      }
      // A form with mistakes, in this language: summary, fields, title, still no violations.
      await page.goto('/mo-dese/organizations/new');
      await page.locator('form.usa-form button[type=submit]').click();
      expect(await page.title()).toMatch(/^Error: /);
      expect(await page.locator('#error-summary li').count()).toBe(6);
      expect(await accessibilityViolations(page)).toEqual([]);
      await screenshot(page, `organization-register-errors-${lang}`);
      // The payee page shows masks only.
      await page.goto(`${root}/payee`);
      const text = (await page.locator('main').textContent())!;
      expect(text).toContain(lang === 'en' ? 'ending 6789' : 'terminada en 6789');
      expect(text).not.toContain('000123456789');
      await context.close();
    }
  });

  it('sends new bank details as a pending change until the finance office activates them', async () => {
    const { organization, admin } = await district();
    const { context, page } = await browserOf(admin);
    await page.goto(`/mo-dese/organizations/${organization.id}/payee`);
    expect(await page.locator('main').textContent()).toContain('No bank details are on file yet');
    await page.getByLabel('Account holder').fill('Hallsville R-IV School District');
    await page.locator('label', { hasText: 'Checking' }).click();
    await page.getByLabel('Routing number').fill('123456789');
    await page.getByLabel('Account number', { exact: true }).fill('555000111');
    await page.getByLabel('Account number again').fill('555000112');
    await page.getByRole('button', { name: 'Send new bank details' }).click();
    const summary = await page.locator('#error-summary').textContent();
    expect(summary).toContain('The account numbers do not match');
    expect(await page.getByLabel('Account number', { exact: true }).inputValue()).toBe('');
    expect(await accessibilityViolations(page)).toEqual([]);

    await page.getByLabel('Account number', { exact: true }).fill('555000111');
    await page.getByLabel('Account number again').fill('555000111');
    await page.getByRole('button', { name: 'Send new bank details' }).click();
    expect(await page.locator('#error-summary').textContent()).toContain(
      'Enter a 9-digit routing number with a valid check digit',
    );

    await page.getByLabel('Routing number').fill('101000019');
    await page.getByLabel('Account number', { exact: true }).fill('555000111');
    await page.getByLabel('Account number again').fill('555000111');
    await page.getByRole('button', { name: 'Send new bank details' }).click();
    await page.waitForURL(/\/payee\?sent=1$/);
    const text = (await page.locator('main').textContent())!;
    expect(text).toContain('pending until the agency’s finance office activates them');
    expect(text).toContain('ending 0111');
    expect(text).not.toContain('555000111');
    const changes = await asAgencyOwner(t, 'mo-dese', async (client) => {
      const { rows } = await client.query(
        `SELECT status, account_number_mask AS mask, requested_by AS "requestedBy"
           FROM payee_changes WHERE organization_id = $1`,
        [organization.id],
      );
      return rows;
    });
    expect(changes).toEqual([{ status: 'pending', mask: '****0111', requestedBy: admin.id }]);
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'organization-payee-pending-en');
    await context.close();
  });

  it('changes a role and removes a member, but never the last administrator', async () => {
    const { organization, admin } = await district();
    const writer = await createUser(t);
    await grantOrganizationRoles(t, 'mo-dese', organization.id, writer.id, ['grant_writer']);
    const { context, page } = await browserOf(admin);
    const root = `/mo-dese/organizations/${organization.id}/members`;

    await page.goto(`${root}/${admin.id}`);
    await page.locator('label', { hasText: /^Organization administrator/ }).click();
    await page.locator('label', { hasText: /^Grant writer/ }).click();
    await page.getByRole('button', { name: 'Save roles' }).click();
    expect(await page.locator('#error-summary').textContent()).toContain(
      'at least one active administrator',
    );
    await page.goto(`${root}/${admin.id}`);
    await page.getByRole('button', { name: `Remove ${admin.email}` }).click();
    expect(await page.locator('#error-summary').textContent()).toContain(
      'at least one active administrator',
    );
    expect(await accessibilityViolations(page)).toEqual([]);

    await page.goto(root);
    await page.getByRole('link', { name: `Change roles or remove (${writer.email})` }).click();
    await page.locator('label', { hasText: /^Authorized representative/ }).click();
    await page.getByRole('button', { name: 'Save roles' }).click();
    await page.waitForURL(/done=saved/);
    expect(await page.locator('.usa-alert--success').textContent()).toContain(writer.email);
    await page.goto(`${root}/${writer.id}`);
    await page.getByRole('button', { name: `Remove ${writer.email}` }).click();
    await page.waitForURL(/done=removed/);
    expect(await page.locator('.usa-alert--success').textContent()).toContain(
      `${writer.email} no longer has access.`,
    );
    expect(await memberships(organization.id)).toEqual(
      expect.arrayContaining([
        {
          email: writer.email,
          roles: ['grant_writer', 'authorized_representative'],
          status: 'deactivated',
        },
        { email: admin.email, roles: ['org_admin'], status: 'active' },
      ]),
    );
    await context.close();
  });

  describe('attacks on every form: refused, nothing changed', () => {
    let target: { organization: any; admin: TestUser };
    let writer: TestUser;
    let victimId: string;
    const browsers: BrowserContext[] = [];

    beforeAll(async () => {
      target = await district();
      writer = await createUser(t);
      await grantOrganizationRoles(t, 'mo-dese', target.organization.id, writer.id, [
        'grant_writer',
      ]);
      victimId = writer.id;
    });
    afterAll(async () => {
      for (const c of browsers) await c.close();
    });

    /** A signed-in browser and its CSRF token (any page's hidden field). */
    async function attacker(user: TestUser, agency = 'mo-dese') {
      const context = await newContext(browser, base);
      browsers.push(context);
      const page = await context.newPage();
      await page.goto(`/${agency}/sign-in`);
      await page.locator('#email').fill(user.email);
      await page.locator('#password').fill(user.password);
      await page.locator('form.usa-form button[type=submit]').click();
      await page.waitForURL((url) => !url.pathname.endsWith('/sign-in'));
      await page.goto(`/${agency}`);
      const csrf = (await page.locator('input[name=_csrf]').first().getAttribute('value'))!;
      return { context, csrf };
    }

    const state = () =>
      asAgencyOwner(t, 'mo-dese', async (client, agencyId) => {
        const org = target.organization.id;
        const q = async (sql: string, params: unknown[]) => (await client.query(sql, params)).rows;
        return {
          members: await q(
            'SELECT user_id, roles, status FROM organization_memberships WHERE organization_id = $1 ORDER BY user_id',
            [org],
          ),
          payeeChanges: await q('SELECT id FROM payee_changes WHERE organization_id = $1', [org]),
          organizations: await q(
            'SELECT count(*)::int AS n FROM organizations WHERE agency_id = $1',
            [agencyId],
          ),
        };
      });

    const forms = (): Array<{ url: string; form: Record<string, string> }> => {
      const root = `/mo-dese/organizations/${target.organization.id}`;
      return [
        {
          url: `${root}/members`,
          form: { name: 'Mallory', email: 'mallory@evil.example', roles: 'org_admin' },
        },
        { url: `${root}/members/${victimId}`, form: { roles: 'org_admin' } },
        { url: `${root}/members/${victimId}/remove`, form: {} },
        {
          url: `${root}/payee`,
          form: {
            payeeName: 'Mallory LLC',
            accountType: 'checking',
            routingNumber: '101000019',
            accountNumber: '999888777',
            accountNumberConfirm: '999888777',
          },
        },
      ];
    };

    it('refuses a member of another organization, a user of another agency and a member without the role', async () => {
      const other = await district(); // an administrator, of another district of the same agency
      const ksOrganization = await createOrganization(t, 'ks-ksde');
      const ksAdmin = await createUser(t);
      await grantOrganizationRoles(t, 'ks-ksde', ksOrganization.id, ksAdmin.id, ['org_admin']);
      const before = await state();
      for (const [who, user, agency, expected] of [
        ['another organization’s admin', other.admin, 'mo-dese', 403],
        ['another agency’s admin', ksAdmin, 'ks-ksde', 404],
        ['a grant writer of this organization', writer, 'mo-dese', 403],
      ] as const) {
        const { context, csrf } = await attacker(user, agency);
        for (const { url, form } of forms()) {
          const res = await context.request.post(url, {
            form: { ...form, _csrf: csrf },
            maxRedirects: 0,
          });
          expect(`${who} ${url}: ${res.status()}`).toBe(`${who} ${url}: ${expected}`);
          expect(res.headers()['content-type']).toContain('text/html');
        }
      }
      expect(await state()).toEqual(before);
    });

    it('refuses every form sent without its CSRF token, even by the administrator', async () => {
      const before = await state();
      const { context } = await attacker(target.admin);
      const all = [
        ...forms(),
        {
          url: '/mo-dese/organizations/new',
          form: {
            legalName: 'Forged District',
            type: 'lea',
            line1: '1 Main St',
            city: 'Columbia',
            state: 'MO',
            postalCode: '65201',
          },
        },
      ];
      for (const { url, form } of all) {
        const res = await context.request.post(url, { form, maxRedirects: 0 });
        expect(`${url}: ${res.status()}`).toBe(`${url}: 403`);
        expect(await res.text()).toContain('This form has expired');
      }
      expect(await state()).toEqual(before);
    });

    it('sends a signed-out visitor to sign in, and changes nothing', async () => {
      const before = await state();
      const context = await newContext(browser, base);
      browsers.push(context);
      const page = await context.newPage();
      await page.goto('/mo-dese');
      const csrf = (await page.locator('input[name=_csrf]').count())
        ? await page.locator('input[name=_csrf]').first().getAttribute('value')
        : undefined;
      for (const { url, form } of forms()) {
        const res = await context.request.post(url, {
          form: { ...form, ...(csrf ? { _csrf: csrf } : {}) },
          maxRedirects: 0,
        });
        expect([303, 403]).toContain(res.status());
      }
      expect(await state()).toEqual(before);
    });
  });
});
