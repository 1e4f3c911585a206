import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { createFixtures, BenchFixtures } from '../lib/fixtures';
import { benchSignIn } from '../lib/sign-in';
import { BenchTokens, buildScenarios } from '../lib/scenarios';
import { writeAgencyFiles } from '../seed/agency-files';
import { BENCH_PASSWORD, ScaleResult, seedScale } from '../seed-scale';
import { AgencyDirectory } from '../../src/agencies/agency-directory';
import { verifyAllAuditLogs } from '../../src/core/audit/verify-all';
import { useTestApp } from '../../test/support/use-test-app';

/**
 * The scale seed and the benchmark's fixtures, at a tiny size: the seeded shapes hold together
 * (budgets total, submissions and awards exist where they should, the ledger balances, the audit
 * chains verify), and every benchmark scenario's request succeeds against the real API, so the
 * benchmark measures successful work. A check the bench runs first (`npm run bench:check`, part
 * of `npm run bench`), not part of the test suite: it checks the bench's code, not the app's.
 */
describe('benchmark seed and scenarios', () => {
  const configDir = join(mkdtempSync(join(tmpdir(), 'gc-bench-test-')), 'agencies');
  let seeded: ScaleResult;
  let owner: Client;

  writeAgencyFiles(resolve('config/agencies'), configDir, 3);
  const t = useTestApp({ env: { AGENCY_CONFIG_DIR: configDir } });

  beforeAll(async () => {
    seeded = await seedScale({
      ownerUrl: t.db.ownerUrl,
      agencies: 3,
      organizationsPerAgency: 12,
      applications: 600,
      configDir,
      log: () => undefined,
    });
    owner = new Client({ connectionString: t.db.adminUrl.replace(/\/[^/]*$/, `/${t.db.name}`) });
    await owner.connect();
  });

  t.cleanup(() => owner?.end());
  afterAll(() => rmSync(join(configDir, '..'), { recursive: true, force: true }));

  /** A count over all agencies (as the superuser: row-level security does not apply). */
  const count = async (sql: string) => Number((await owner.query<{ n: string }>(sql)).rows[0].n);

  it('spreads applications, organizations and people over every agency', async () => {
    expect(seeded.codes).toEqual(expect.arrayContaining(['mo-dese', 'ks-ksde']));
    expect(seeded.codes).toHaveLength(3);
    const perAgency = await owner.query<{ code: string; apps: string; orgs: string }>(
      `SELECT a.code,
              (SELECT count(*) FROM applications x WHERE x.agency_id = a.id) AS apps,
              (SELECT count(*) FROM organizations o WHERE o.agency_id = a.id) AS orgs
         FROM agencies a ORDER BY a.code`,
    );
    expect(perAgency.rows.map((r) => [Number(r.apps), Number(r.orgs)])).toEqual([
      [200, 12],
      [200, 12],
      [200, 12],
    ]);
    expect(seeded.counts.users).toBe(3 * (1 + 3 + 12 + 3) + 3 * 12 * 2);
  });

  it('keeps the seeded records consistent with the rules', async () => {
    // Budgets total the amount requested.
    expect(
      await count(`SELECT count(*) AS n FROM applications a
                    WHERE a.amount_requested IS NOT NULL AND a.amount_requested <>
                      (SELECT sum(amount) FROM application_budget_lines l
                        WHERE l.agency_id = a.agency_id AND l.application_id = a.id)`),
    ).toBe(0);
    // Everything past draft has its submitted version; drafts have none.
    expect(
      await count(`SELECT count(*) AS n FROM applications a
                    WHERE (a.status <> 'draft') <> EXISTS (SELECT 1 FROM application_submissions s
                           WHERE s.agency_id = a.agency_id AND s.application_id = a.id)`),
    ).toBe(0);
    // Approved applications of decided programs have an active award, obligated in full.
    expect(
      await count(`SELECT count(*) AS n FROM applications a
                    WHERE a.status = 'approved' AND NOT EXISTS (
                      SELECT 1 FROM awards w JOIN ledger_entries e
                        ON e.agency_id = w.agency_id AND e.award_id = w.id AND e.account = 'program_funds'
                       WHERE w.agency_id = a.agency_id AND w.application_id = a.id AND w.status = 'active'
                         AND e.amount = w.amount)`),
    ).toBe(0);
    expect(seeded.counts.awards).toBeGreaterThan(0);
    // Every ledger transaction balances (the deferred trigger let them commit; this says so too).
    expect(
      await count(`SELECT count(*) AS n FROM (SELECT transaction_id FROM ledger_entries GROUP BY transaction_id
                    HAVING sum(CASE side WHEN 'debit' THEN amount ELSE -amount END) <> 0) x`),
    ).toBe(0);
    expect(seeded.counts.reviews).toBeGreaterThan(0);
  });

  it('seals the seeded audit events into chains that verify', async () => {
    expect(seeded.counts.audit_chain).toBe(seeded.counts.audit_events);
    const results = await verifyAllAuditLogs(t.db.appUrl, t.app.get(AgencyDirectory).allTenants());
    for (const { log, result } of results)
      expect({ log, ok: result.ok }).toEqual({ log, ok: true });
  });

  describe('every scenario request', () => {
    let fixtures: BenchFixtures;
    let tokens: BenchTokens;

    const login = (email: string) =>
      benchSignIn(
        async (url, payload) => {
          const res = await t.request({ method: 'POST', url, payload });
          return { status: res.status, body: res.json<unknown>() };
        },
        email,
        BENCH_PASSWORD,
      );

    beforeAll(async () => {
      fixtures = await createFixtures(t.db.ownerUrl, 'mo-dese', {
        organizations: 4,
        drafts: 8,
        ready: 2,
        assignments: 2,
        paymentRequests: 2,
      });
      tokens = {
        officer: await login(fixtures.officerEmail),
        writers: await Promise.all(fixtures.organizations.map((o) => login(o.writerEmail))),
        representatives: await Promise.all(fixtures.organizations.map((o) => login(o.repEmail))),
        reviewers: await Promise.all(fixtures.reviewerEmails.map(login)),
        finance: await Promise.all(fixtures.financeEmails.map(login)),
      };
    });

    it.each([
      ['application GET', 200],
      ['list page', 200],
      ['draft save', 200],
      ['submission', 201],
      ['score submission', 200],
      ['payment approval', 200],
    ])('%s succeeds', async (name, status) => {
      const scenario = buildScenarios(fixtures, tokens, [undefined])[name];
      const request = scenario.next();
      const res = await t.request({
        method: request.method,
        url: request.path,
        headers: request.headers,
        payload: request.body,
      });
      expect({ status: res.status, body: res.status === status ? '' : res.body }).toEqual({
        status,
        body: '',
      });
      request.onResponse?.(res.status, res.body);
    });

    it('draft saves carry the ETag the previous save returned', async () => {
      // The first draft was saved above; the other 7 circulate: 10 saves reuse three of them,
      // each with the version its previous save returned.
      const rest = { ...fixtures, drafts: fixtures.drafts.slice(1) };
      const scenario = buildScenarios(rest, tokens, [undefined])['draft save'];
      for (let i = 0; i < 10; i++) {
        const request = scenario.next();
        const res = await t.request({
          method: request.method,
          url: request.path,
          headers: request.headers,
          payload: request.body,
        });
        expect(res.status).toBe(200);
        request.onResponse?.(res.status, res.body);
      }
    });
  });
});
