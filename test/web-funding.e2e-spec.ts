import type { Browser } from 'playwright-core';
import { Formats } from '../src/web/i18n/format';
import { signedInStaff } from './factories';
import { createProgram, openProgram, publishProgram } from './factories/grants';
import {
  accessibilityViolations,
  launchBrowser,
  listen,
  newContext,
  screenshot,
} from './support/browser';
import { bootTestApp, expectStatus, TestApp } from './support/test-app';

const DAY = 86_400_000;
// Browser pages on a busy machine take longer than the project's default.
jest.setTimeout(300_000);

/**
 * Issue 15 item 7, Find funding: anyone sees an agency's programs open, upcoming and closed,
 * with eligibility, amounts, window and deadline in the agency's time zone; a program's page
 * says what to attach and what the form asks, and links to apply. Drafts never show.
 */
describe('web: find funding', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  const programs: Record<'open' | 'upcoming' | 'closed' | 'draft' | 'foreign', any> = {} as never;

  beforeAll(async () => {
    t = await bootTestApp();
    base = await listen(t);
    browser = await launchBrowser();
    const now = Date.now();
    const { officer, program } = await openProgram(t, 'mo-dese', {
      title: 'Summer Literacy Grants',
    });
    programs.open = program;
    const upcoming = await createProgram(t, 'mo-dese', officer, {
      title: 'Rural Broadband Grants',
      opensAt: new Date(now + 10 * DAY).toISOString(),
      closesAt: new Date(now + 40 * DAY).toISOString(),
      eligibility: {},
      requiredAttachments: [],
    });
    programs.upcoming = await publishProgram(t, 'mo-dese', officer, upcoming.id);
    const closing = (
      await openProgram(t, 'mo-dese', { title: 'Teacher Residency Grants' }, officer)
    ).program;
    const closed = await t.request({
      method: 'POST',
      url: `/api/v1/agencies/mo-dese/programs/${closing.id}/close`,
      token: officer.token,
    });
    expectStatus(closed, 200, 'close program');
    programs.closed = closed.json();
    programs.draft = await createProgram(t, 'mo-dese', officer, { title: 'Secret Draft Program' });
    const ks = await signedInStaff(t, 'ks-ksde', ['program_officer']);
    programs.foreign = (
      await openProgram(t, 'ks-ksde', { title: 'Kansas Only Grants' }, ks)
    ).program;
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const sectionTexts = async (page: import('playwright-core').Page, id: string) =>
    page.locator(`section[aria-labelledby="${id}"]`).textContent();

  it('lists open, upcoming and closed programs without signing in, in English and Spanish, never a draft', async () => {
    for (const locale of ['en-US', 'es-MX']) {
      const en = locale === 'en-US';
      const formats = new Formats(en ? 'en' : 'es', 'America/Chicago');
      const context = await newContext(browser, base, { locale });
      const page = await context.newPage();
      const response = await page.goto('/mo-dese/programs');
      expect(response?.status()).toBe(200);
      expect(await page.title()).toBe(
        en ? 'Find funding – Missouri DESE Grants' : 'Buscar fondos – Missouri DESE Grants',
      );
      const open = await sectionTexts(page, 'group-open');
      expect(open).toContain('Summer Literacy Grants');
      expect(open).toContain(en ? '$10,000.00 to $250,000.00' : 'De $10,000.00 a $250,000.00');
      expect(open).toContain(formats.dateTime(new Date(programs.open.closesAt)));
      expect(open).toContain(en ? 'School district (LEA)' : 'Distrito escolar (LEA)');
      expect(open).toContain(
        en ? 'Must have: NCES district ID' : 'Debe tener: ID de distrito del NCES',
      );
      expect(open).not.toContain('Teacher Residency');
      expect(await sectionTexts(page, 'group-upcoming')).toContain('Rural Broadband Grants');
      expect(await sectionTexts(page, 'group-closed')).toContain('Teacher Residency Grants');
      const html = await page.content();
      expect(html).not.toContain('Secret Draft Program');
      expect(html).not.toContain('Kansas Only Grants');
      expect(await accessibilityViolations(page)).toEqual([]);
      await screenshot(page, `funding-list-${locale.slice(0, 2)}`);
      await context.close();
    }
  });

  it('shows one program in full with its documents, form sections and the link to apply', async () => {
    for (const locale of ['en-US', 'es-MX']) {
      const en = locale === 'en-US';
      const formats = new Formats(en ? 'en' : 'es', 'America/Chicago');
      const context = await newContext(browser, base, { locale });
      const page = await context.newPage();
      await page.goto('/mo-dese/programs');
      await page.getByRole('link', { name: 'Summer Literacy Grants' }).click();
      await page.waitForURL(`${base}/mo-dese/programs/${programs.open.id}`);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(
        'Summer Literacy Grants',
      );
      const main = (await page.locator('main').textContent())!;
      expect(main).toContain('Competitive grants for summer literacy programs.');
      expect(main).toContain(formats.dateTime(new Date(programs.open.closesAt)));
      expect(main).toContain(formats.dateTime(new Date(programs.open.opensAt)));
      expect(main).toContain(
        en ? 'Total available: $1,500,000.00' : 'Total disponible: $1,500,000.00',
      );
      expect(main).toContain('84.010 – Title I Grants to Local Educational Agencies');
      expect(main).toContain('Budget narrative');
      expect(main).toContain(en ? 'Accepted file types: PDF' : 'Tipos de archivo aceptados: PDF');
      expect(main).toContain(
        en ? 'Project narrative (7 questions)' : 'Project narrative (7 preguntas)',
      );
      expect(main).toContain(en ? 'School sites (1 question)' : 'School sites (1 pregunta)');
      // The period of performance is a calendar date: the same day in any time zone.
      expect(main).toContain(en ? '1 July 2026' : '1 de julio de 2026');
      const apply = page.getByRole('link', {
        name: en ? 'Apply for this program' : 'Solicitar este programa',
      });
      expect(await apply.getAttribute('href')).toBe(`/mo-dese/programs/${programs.open.id}/apply`);
      expect(await accessibilityViolations(page)).toEqual([]);
      await screenshot(page, `funding-program-${locale.slice(0, 2)}`);

      // Upcoming and closed programs say so, and offer no Apply link.
      for (const [which, says] of [
        ['upcoming', en ? 'Applications open on' : 'Las solicitudes abren el'],
        ['closed', en ? 'no longer accepting applications' : 'ya no acepta solicitudes'],
      ] as const) {
        await page.goto(`/mo-dese/programs/${programs[which].id}`);
        expect(await page.locator('main').textContent()).toContain(says);
        expect(await page.locator('a[href$="/apply"]').count()).toBe(0);
        expect(await accessibilityViolations(page)).toEqual([]);
      }
      await context.close();
    }
  });

  it('answers a draft, another agency’s program or a made-up id with the not-found page', async () => {
    for (const id of [programs.draft.id, programs.foreign.id, 'not-a-uuid']) {
      const res = await fetch(`${base}/mo-dese/programs/${id}`);
      expect(res.status).toBe(404);
      const html = await res.text();
      expect(html).toContain('Page not found');
      expect(html).not.toContain('Secret Draft Program');
    }
  });
});
