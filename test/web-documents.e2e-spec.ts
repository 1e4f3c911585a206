import type { Browser, BrowserContext, Page } from 'playwright-core';
import { documentsUrl, uploadDocument } from './factories/documents';
import { createOrganization, SAMPLE_PDF } from './factories/grants';
import {
  asAgencyOwner,
  createUser,
  grantAgencyRoles,
  grantOrganizationRoles,
  login,
  SignedIn,
  TestUser,
} from './factories/identity';
import {
  accessibilityViolations,
  launchBrowser,
  listen,
  newContext,
  screenshot,
} from './support/browser';
import { bootTestApp, TestApp } from './support/test-app';

/** YYYY-MM-DD, `days` from today in Missouri's time zone. */
function dayFromToday(days: number): string {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Chicago' }).format(
    new Date(),
  );
  const d = new Date(`${today}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/**
 * The organization's document library pages in the browser: the list with expiry status,
 * upload with errors, replace, remove, in English and Spanish with no axe violations, and the
 * attacks on every POST (another organization, another agency, a missing CSRF token).
 */
describe('web: the document library', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  let organization: { id: string; legalName: string };
  let admin: TestUser;
  let adminApi: SignedIn;

  beforeAll(async () => {
    t = await bootTestApp();
    base = await listen(t);
    browser = await launchBrowser();
    organization = await createOrganization(t, 'mo-dese', { legalName: 'Springfield R-XII' });
    admin = await createUser(t, { name: 'Maria Lopez' });
    await grantOrganizationRoles(t, 'mo-dese', organization.id, admin.id, ['org_admin']);
    const tokens = await login(t, admin.email, admin.password);
    adminApi = { user: admin, token: tokens.accessToken, refreshToken: tokens.refreshToken };
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const library = (organizationId = organization.id) =>
    `/mo-dese/organizations/${organizationId}/documents`;

  async function signedIn(user: TestUser, locale = 'en-US'): Promise<[BrowserContext, Page]> {
    const context = await newContext(browser, base, { locale });
    const page = await context.newPage();
    await page.goto('/mo-dese/sign-in');
    await page.fill('input[name=email]', user.email);
    await page.fill('input[name=password]', user.password);
    await page.locator('form[action="/sign-in"] button[type=submit]').click();
    await page.waitForURL(`${base}/home`);
    return [context, page];
  }

  async function rows(): Promise<Array<{ title: string; removed: boolean; version: number }>> {
    return asAgencyOwner(t, 'mo-dese', async (client) => {
      const { rows: found } = await client.query(
        `SELECT title, removed_at IS NOT NULL AS removed, version FROM organization_documents
          WHERE organization_id = $1 ORDER BY created_at`,
        [organization.id],
      );
      return found as Array<{ title: string; removed: boolean; version: number }>;
    });
  }

  it('uploads, shows, replaces and removes a document, in English, with no axe violations', async () => {
    const [context, page] = await signedIn(admin);
    await page.goto(library());
    expect(await page.title()).toBe('Document library – Springfield R-XII – Missouri DESE Grants');
    expect(await page.locator('main').textContent()).toContain('No documents yet.');
    expect(await accessibilityViolations(page)).toEqual([]);

    await page.getByRole('link', { name: 'Upload a document' }).click();
    await page.waitForURL(`${base}${library()}/new`);
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'documents-upload-en');

    // Nothing chosen: every problem at once, what was typed kept.
    await page.getByLabel('Title').fill('Single audit FY2026');
    await page.getByRole('button', { name: 'Upload document' }).click();
    expect(await page.title()).toMatch(/^Error: Upload a document/);
    expect(await page.locator('#error-summary a').allTextContents()).toEqual([
      'Select the kind of document',
      'Select a file to upload',
    ]);
    expect(await page.getByLabel('Title').inputValue()).toBe('Single audit FY2026');
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'documents-upload-error-en');

    await page.getByLabel('Kind of document').selectOption('single_audit_report');
    await page.getByLabel('Expiry date (optional)').fill(dayFromToday(10));
    await page.setInputFiles('#file', {
      name: 'audit-2026.pdf',
      mimeType: 'application/pdf',
      buffer: SAMPLE_PDF,
    });
    await page.getByRole('button', { name: 'Upload document' }).click();
    await page.waitForURL(/\/documents\?done=uploaded/);
    expect(await page.locator('.usa-alert').textContent()).toContain(
      '“Single audit FY2026” was added to the library.',
    );
    const row = page.locator('tbody tr', { hasText: 'Single audit FY2026' });
    expect(await row.locator('.usa-tag').textContent()).toBe('Expiring soon');
    expect(await row.textContent()).toContain('audit-2026.pdf');
    const download = await context.request.get(
      (await row.getByRole('link', { name: /audit-2026\.pdf/ }).getAttribute('href'))!,
    );
    expect(download.status()).toBe(200);
    expect(download.headers()['content-type']).toBe('application/pdf');
    expect((await download.body()).equals(SAMPLE_PDF)).toBe(true);
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'documents-list-en');

    await page.getByRole('link', { name: 'Replace Single audit FY2026' }).click();
    expect(await page.getByLabel('Title').inputValue()).toBe('Single audit FY2026');
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.getByLabel('Title').fill('Single audit FY2027');
    await page.getByLabel('Expiry date (optional)').fill(dayFromToday(400));
    await page.setInputFiles('#file', {
      name: 'audit-2027.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.concat([SAMPLE_PDF, Buffer.from('% 2027\n')]),
    });
    await page.getByRole('button', { name: 'Replace document' }).click();
    await page.waitForURL(/\/documents\?done=replaced/);
    const replaced = page.locator('tbody tr', { hasText: 'Single audit FY2027' });
    expect(await replaced.locator('.usa-tag').textContent()).toBe('Valid');
    expect(await rows()).toEqual([{ title: 'Single audit FY2027', removed: false, version: 2 }]);

    await page.getByRole('link', { name: 'Remove Single audit FY2027' }).click();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(
      'Remove “Single audit FY2027”?',
    );
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Yes, remove it' }).click();
    await page.waitForURL(/\/documents\?done=removed/);
    expect(await page.locator('main').textContent()).toContain('No documents yet.');
    expect(await rows()).toEqual([{ title: 'Single audit FY2027', removed: true, version: 2 }]);
    await context.close();
  });

  it('shows every status and every page in Spanish, with no axe violations', async () => {
    for (const [kind, title, days] of [
      ['assurances', 'Garantías 2026', 400],
      ['indirect_cost_rate_agreement', 'Acuerdo de costos indirectos', 5],
      ['board_approval', 'Aprobación de la junta 2025', -3],
    ] as const) {
      const res = await uploadDocument(
        t,
        'mo-dese',
        organization.id,
        adminApi,
        { kind, title, expiresOn: dayFromToday(days) },
        { filename: 'doc.pdf', content: SAMPLE_PDF },
      );
      expect(res.status).toBe(201);
    }
    const [context, page] = await signedIn(admin, 'es-MX');
    await page.goto(library());
    expect(await page.getAttribute('html', 'lang')).toBe('es');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(
      'Biblioteca de documentos',
    );
    expect(await page.locator('tbody .usa-tag').allTextContents()).toEqual(
      expect.arrayContaining(['Vigente', 'Vence pronto', 'Vencido']),
    );
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'documents-list-es');

    await page.getByRole('link', { name: 'Subir un documento' }).click();
    await page.getByRole('button', { name: 'Subir documento' }).click();
    expect(await page.locator('#error-summary a').allTextContents()).toEqual([
      'Seleccione el tipo de documento',
      'Escriba un título de 200 caracteres como máximo',
      'Seleccione un archivo para subir',
    ]);
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'documents-upload-error-es');

    await page.goto(library());
    await page.getByRole('link', { name: 'Reemplazar Garantías 2026' }).click();
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.goto(library());
    await page.getByRole('link', { name: 'Eliminar Garantías 2026' }).click();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(
      '¿Eliminar «Garantías 2026»?',
    );
    expect(await accessibilityViolations(page)).toEqual([]);
    await context.close();
  });

  it('refuses every POST from another organization, another agency, a reader or without CSRF, changing nothing', async () => {
    const target = (
      await uploadDocument(
        t,
        'mo-dese',
        organization.id,
        adminApi,
        { kind: 'other', title: 'Keep me', expiresOn: '' },
        { filename: 'k.pdf', content: SAMPLE_PDF },
      )
    ).json();
    const before = await rows();

    const neighbourOrg = await createOrganization(t, 'mo-dese');
    const neighbour = await createUser(t);
    await grantOrganizationRoles(t, 'mo-dese', neighbourOrg.id, neighbour.id, ['org_admin']);
    const reader = await createUser(t);
    await grantOrganizationRoles(t, 'mo-dese', organization.id, reader.id, ['grant_writer']);
    const kansan = await createUser(t);
    // Another agency's staff (a role without a second factor, so the form signs in directly).
    await grantAgencyRoles(t, 'ks-ksde', kansan.id, ['program_officer']);

    const removeUrl = `${library()}/${target.id}/remove`;
    const tokenOf = async (page: Page) =>
      (await page.locator('input[name=_csrf]').first().getAttribute('value'))!;

    for (const [who, status] of [
      [neighbour, 403],
      [reader, 403],
      [kansan, 404],
    ] as const) {
      const context = await newContext(browser, base);
      const page = await context.newPage();
      await page.goto('/sign-in');
      await page.fill('input[name=email]', who.email);
      await page.fill('input[name=password]', who.password);
      await page.locator('form[action="/sign-in"] button[type=submit]').click();
      await page.waitForURL(`${base}/home`);
      const token = await tokenOf(page);
      const removal = await context.request.post(removeUrl, {
        form: { _csrf: token },
        maxRedirects: 0,
      });
      expect([who.email, removal.status()]).toEqual([who.email, status]);
      const upload = await context.request.post(`${library()}/new?_csrf=${token}`, {
        multipart: {
          kind: 'other',
          title: 'Planted',
          file: { name: 'p.pdf', mimeType: 'application/pdf', buffer: SAMPLE_PDF },
        },
        maxRedirects: 0,
      });
      expect([who.email, upload.status()]).toEqual([who.email, status]);
      // Reading the file: the grant writer may (a member), the others may not.
      const file = await context.request.get(`${library()}/${target.id}/file`, { maxRedirects: 0 });
      expect([who.email, file.status()]).toEqual([who.email, who === reader ? 200 : status]);
      await context.close();
    }
    // A reader sees the library without the buttons.
    const [readerContext, readerPage] = await signedIn(reader);
    await readerPage.goto(library());
    expect(await readerPage.locator('main').textContent()).toContain(
      'Only your organization’s administrators',
    );
    expect(await readerPage.getByRole('link', { name: 'Upload a document' }).count()).toBe(0);
    expect(await accessibilityViolations(readerPage)).toEqual([]);
    await readerContext.close();

    // The admin's own browser, without the token: refused as an expired form.
    const [context] = await signedIn(admin);
    const noToken = await context.request.post(removeUrl, { form: {}, maxRedirects: 0 });
    expect(noToken.status()).toBe(403);
    expect(await noToken.text()).toContain('This form has expired');
    const noTokenUpload = await context.request.post(`${library()}/new`, {
      multipart: {
        kind: 'other',
        title: 'Planted',
        file: { name: 'p.pdf', mimeType: 'application/pdf', buffer: SAMPLE_PDF },
      },
      maxRedirects: 0,
    });
    expect(noTokenUpload.status()).toBe(403);
    await context.close();

    expect(await rows()).toEqual(before);
    const api = await t.request({
      method: 'GET',
      url: documentsUrl('mo-dese', organization.id, target.id),
      token: adminApi.token,
    });
    expect(api.json().title).toBe('Keep me');
  });
});
