import { rmSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { UsageMeter } from '../src/core/usage/usage-meter';
import {
  activeAward,
  approve,
  expectStatus,
  reimbursement,
  requestPayment,
  waitFor,
} from './factories/finance';
import { agencyId, asAgencyOwner, createUser, TestUser } from './factories/identity';
import {
  accessibilityViolations,
  launchBrowser,
  listen,
  newContext,
  screenshot,
} from './support/browser';
import { agencyConfigDir, IOWA } from './support/third-agency';
import { useTestApp } from './support/use-test-app';
import { signInByPage } from './factories/web-sign-in';

const AGENCIES = [
  { code: 'ia-doe', payment: 'advance', districts: 1 },
  { code: 'ks-ksde', payment: 'reimbursement', districts: 1 },
  // Missouri is the busier agency: two districts through the lifecycle, so the shares differ.
  { code: 'mo-dese', payment: 'reimbursement', districts: 2 },
] as const;

/**
 * Issue 17's done-when: the platform admin's usage page after the lifecycle, with three agencies
 * (the two shipped ones and Iowa, one more agency file). In each: a district submits, is awarded
 * and accepts, asks for a payment, a finance officer approves it, and the emails go out. Then
 * the platform admin finds the report from the front door and sees every agency with non-zero
 * counts, each column's shares adding up to 100%, no axe violations (the screenshot in docs/).
 */
describe('web: usage of three agencies after their lifecycle', () => {
  const dir = agencyConfigDir({ 'ia-doe.yaml': IOWA });
  const t = useTestApp({
    env: {
      AGENCY_CONFIG_DIR: dir,
      USAGE_PRICES:
        'apiRequests=0.0001,applicationsSubmitted=0.50,emailsSent=0.001,storageGibMonths=0.03',
    },
  });
  let base: string;
  let browser: Browser;
  let platformAdmin: TestUser;

  beforeAll(async () => {
    base = await listen(t);
    browser = await launchBrowser();
    for (const agency of AGENCIES) {
      for (let i = 0; i < agency.districts; i++) await lifecycle(agency);
    }
    await t.app.get(UsageMeter).flush();
    platformAdmin = await createUser(t, { platformAdmin: true, name: 'Pat Operator' });
  });

  /** One district's year in brief: submitted, awarded and accepted, paid, told by email. */
  async function lifecycle(agency: (typeof AGENCIES)[number]) {
    const { award, organization, team, financeA } = await activeAward(t, agency.code);
    const requested = await requestPayment(
      t,
      agency.code,
      organization.id,
      award.id,
      team.grantWriter,
      reimbursement('5000.00', { type: agency.payment }),
    );
    expectStatus(requested, 201, `${agency.code} payment request`);
    const approved = await approve(t, agency.code, requested.json().id, financeA);
    expectStatus(approved, 200, `${agency.code} approval`);
    expect(approved.json().status).toBe('approved');
    // Every job of the agency done (the outbox is the source of truth), emails among them.
    const id = await agencyId(t, agency.code);
    await waitFor(`${agency.code}'s jobs and emails`, () =>
      asAgencyOwner(t, agency.code, async (db) => {
        const { rows } = await db.query<{ open: string; emails: string }>(
          `SELECT (SELECT count(*) FROM jobs_outbox WHERE agency_id = $1 AND state <> 'done')::text AS open,
                  (SELECT count(*) FROM job_effects
                    WHERE agency_id = $1 AND effect_key LIKE 'email:%')::text AS emails`,
          [id],
        );
        return rows[0].open === '0' && rows[0].emails !== '0';
      }),
    );
  }
  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists the three agencies with their counts and shares that add up to 100%', async () => {
    const context = await newContext(browser, base);
    const page = await context.newPage();
    try {
      // Signed in through the pages (password, then the authenticator app enrolled on the way).
      const { cookie } = await signInByPage(t, platformAdmin);
      await context.addCookies(
        cookie.split('; ').map((pair) => {
          const [name, ...value] = pair.split('=');
          return { name, value: value.join('='), url: base };
        }),
      );
      await page.goto('/home');
      await page.getByRole('link', { name: 'Usage by agency' }).click();
      await page.waitForLoadState();
      expect(new URL(page.url()).pathname).toBe('/platform/usage');
      await expect(page.locator('h1').textContent()).resolves.toBe('Usage by agency');

      const rows = page.locator('table tbody tr');
      await expect(rows.count()).resolves.toBe(3);
      const headers = await page.locator('table thead th').allTextContents();
      const cells = await rows.evaluateAll((trs) =>
        trs.map((tr) => Array.from(tr.children).map((cell) => (cell.textContent ?? '').trim())),
      );
      expect(cells.map((row) => row[0])).toEqual(
        AGENCIES.map((a) => expect.stringContaining(`(${a.code})`)),
      );
      // Every measure the lifecycle touches is counted in every agency, and each column's
      // shares (and the bill's) add up to 100% (each rounded to one decimal on its own, so
      // that equal counts show equal shares: 99.9 to 100.1 for three agencies).
      const measured = [
        'API requests',
        'Applications submitted',
        'Storage held',
        'Emails sent',
        'Background jobs run',
        'Active people',
      ];
      for (const measure of [...measured, 'Charge']) {
        const column = headers.indexOf(measure);
        expect({ measure, column: column > 0 }).toEqual({ measure, column: true });
        const shares = cells.map((row) => {
          const match = /^(.+?)share of the total: (\d+\.\d)%(?: of the bill)?$/.exec(row[column]);
          expect({ measure, cell: row[column], shaped: match !== null }).toEqual({
            measure,
            cell: row[column],
            shaped: true,
          });
          if (measured.includes(measure)) {
            expect({ measure, agency: row[0], value: /^0(\D|$)/.test(match![1]) }).toEqual({
              measure,
              agency: row[0],
              value: false,
            });
          }
          return Math.round(Number(match![2]) * 10);
        });
        const total = shares.reduce((a, b) => a + b, 0);
        expect({ measure, total: Math.abs(total - 1000) <= 1 }).toEqual({ measure, total: true });
      }
      expect(await accessibilityViolations(page)).toEqual([]);
      // Copied to docs/screenshots/usage-platform-en.png (README) by hand, after looking at it.
      await screenshot(page, 'usage-platform-three-agencies-en');
    } finally {
      await context.close();
    }
  });
});
