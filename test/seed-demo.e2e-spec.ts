import { Clock } from '../src/core/clock/clock';
import { DemoScenario } from '../src/cli/demo/demo-scenario';
import { DEMO_DISTRICTS, districtEmail } from '../src/cli/demo/demo-districts';
import {
  DEMO_PASSWORD,
  DemoLogin,
  DemoSeeder,
  formatDemoLogins,
} from '../src/identity/demo/demo-seeder';
import {
  asAgencyOwner,
  createTestOrganization,
  grantOrganizationRoles,
  login,
} from './factories/identity';
import { useTestApp } from './support/use-test-app';

jest.setTimeout(300_000);

/** Counts by status, e.g. { draft: 1, submitted: 2 }. */
type Counts = Record<string, number>;

/**
 * `npm run seed:demo` on a test database: every state a newcomer should see, in both agencies,
 * and every printed login signs in with the role it says.
 */
describe('demo: every state of the grant lifecycle, in both agencies', () => {
  const t = useTestApp();

  /** What one agency holds, read as the owner (row-level security is forced). */
  const statesOf = (code: string) =>
    asAgencyOwner(t, code, async (client) => {
      const counts = async (sql: string): Promise<Counts> =>
        Object.fromEntries(
          (await client.query<{ k: string; n: number }>(sql)).rows.map((r) => [r.k, r.n]),
        );
      const byStatus = (table: string) =>
        counts(`SELECT status AS k, count(*)::int AS n FROM ${table} GROUP BY status`);
      return {
        organizations: (
          await client.query<{ legal_name: string; roles: string[] }>(
            `SELECT o.legal_name, array_agg(DISTINCT r ORDER BY r) AS roles
               FROM organizations o
               JOIN organization_memberships m ON m.agency_id = o.agency_id AND m.organization_id = o.id,
                    unnest(m.roles) r
              WHERE o.status = 'active' AND m.status = 'active'
              GROUP BY o.legal_name ORDER BY o.legal_name`,
          )
        ).rows,
        // Open: published and its window around now; in review: closed window, cases in merit
        // review; closed: decided and released.
        programs: await counts(
          `SELECT CASE WHEN p.status = 'published' AND p.opens_at < now() AND p.closes_at > now() THEN 'open'
                       WHEN p.status = 'closed' AND p.closes_at < now()
                        AND EXISTS (SELECT 1 FROM review_cases c WHERE c.agency_id = p.agency_id
                                       AND c.program_id = p.id AND c.stage = 'merit_review') THEN 'in_review'
                       WHEN p.status = 'closed' AND p.closes_at < now() THEN 'closed'
                       ELSE p.status END AS k, count(*)::int AS n
             FROM programs p GROUP BY 1`,
        ),
        applications: await byStatus('applications'),
        reviews: await byStatus('reviews'),
        assignments: await counts(
          `SELECT 'assigned' AS k, count(*)::int AS n FROM review_assignments`,
        ),
        awards: await byStatus('awards'),
        paymentRequests: await byStatus('payment_requests'),
        batches: await byStatus('payment_batches'),
        payees: await counts(`SELECT 'on file' AS k, count(*)::int AS n FROM payees`),
      };
    });

  const everything = async () => ({
    'mo-dese': await statesOf('mo-dese'),
    'ks-ksde': await statesOf('ks-ksde'),
  });

  it('tells the whole story once, relative to today; a second run adds nothing; every login signs in', async () => {
    const seeder = t.app.get(DemoSeeder);
    const staff = await seeder.seed();
    const first = await new DemoScenario(t.app, t.app.get(Clock).now()).run(seeder);
    expect(first.outcome).toBe('created');

    const seen = await everything();
    const allRoles = ['authorized_representative', 'grant_writer', 'org_admin'];
    for (const code of ['mo-dese', 'ks-ksde'] as const) {
      const s = seen[code];
      // Two districts per agency, the border district in both, each with every district role.
      expect(s.organizations).toEqual(
        DEMO_DISTRICTS.filter((d) => d.agencies.includes(code))
          .map((d) => ({ legal_name: d.legalName, roles: allRoles }))
          .sort((a, b) => a.legal_name.localeCompare(b.legal_name)),
      );
      expect(s.programs).toEqual({ open: 2, in_review: 1, closed: 1 });
      expect(s.applications).toEqual({
        draft: 1,
        returned: 1,
        submitted: 2,
        under_review: 2, // in review: one scored, one waiting for its reviewer
        approved: 1, // funded
        denied: 1,
      });
      // Scored: both of the decided program's and one of the program in review.
      expect(s.reviews).toEqual({ submitted: 3 });
      expect(s.assignments).toEqual({ assigned: 4 });
      expect(s.awards).toEqual({ active: 1 }); // accepted
      expect(s.paymentRequests).toEqual({ submitted: 1, approved: 1, paid: 1 });
      expect(s.batches).toEqual({ reconciled: 1 }); // its file written, then marked paid
      expect(s.payees).toEqual({ 'on file': 1 });
    }

    // Again: nothing new, and it says so.
    const second = await new DemoScenario(t.app, t.app.get(Clock).now()).run(seeder);
    expect(second.outcome).toBe('present');
    expect(await everything()).toEqual(seen);

    // Every printed login signs in over the API, with the roles it is printed with.
    const logins: DemoLogin[] = [...staff, ...first.logins];
    const printed = formatDemoLogins(logins);
    expect(printed).toContain(DEMO_PASSWORD);
    for (const entry of logins) {
      expect(printed).toContain(entry.email);
      const tokens = await login(t, entry.email, entry.password);
      const me = (
        await t.request({ method: 'GET', url: '/api/v1/me', token: tokens.accessToken })
      ).json();
      if (entry.agency === null) expect(me.user.platformAdmin).toBe(true);
      else if (!entry.organization)
        expect(me.agencies).toEqual([
          expect.objectContaining({ agencyCode: entry.agency, roles: entry.roles }),
        ]);
      else {
        const agencies = entry.agency.split(' + ');
        expect(me.organizations).toHaveLength(agencies.length);
        for (const organization of me.organizations)
          expect(organization).toEqual(expect.objectContaining({ roles: entry.roles }));
      }
    }
  });
});

describe('demo: a database holding part of it (an earlier run stopped)', () => {
  const t = useTestApp();

  it('is refused, and nothing is added', async () => {
    const seeder = t.app.get(DemoSeeder);
    await seeder.seed();
    // The first district's admin and its organization: the first thing the story makes.
    const userId = await seeder.ensureDemoUser(districtEmail('springfield', 'org_admin'), 'Pat');
    const organizationId = await createTestOrganization(t, 'mo-dese');
    await grantOrganizationRoles(t, 'mo-dese', organizationId, userId, ['org_admin']);

    const { outcome } = await new DemoScenario(t.app, t.app.get(Clock).now()).run(seeder);
    expect(outcome).toBe('partial');
    const programs = await asAgencyOwner(t, 'mo-dese', async (client) =>
      Number((await client.query('SELECT count(*) AS n FROM programs')).rows[0].n),
    );
    expect(programs).toBe(0);
  });
});
