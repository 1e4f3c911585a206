import { Clock } from '../src/core/clock/clock';
import { DemoScenario, districtEmail, DEMO_DISTRICTS } from '../src/cli/demo/demo-scenario';
import { DemoSeeder } from '../src/identity/demo/demo-seeder';
import { asAgencyOwner, login } from './factories/identity';
import { bootTestApp, TestApp } from './support/test-app';

jest.setTimeout(180_000);

/** `npm run seed:demo`'s district side, on a test database: the states a newcomer should see. */
describe('demo: districts, programs and applications in their states', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await bootTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  /** What each agency holds (read as the owner, agency by agency: RLS is forced). */
  const states = async () => {
    const seen = {
      organizations: [] as Array<Record<string, any>>,
      roles: [] as Array<Record<string, any>>,
      programs: [] as Array<Record<string, any>>,
      applications: [] as Array<Record<string, any>>,
      awards: [] as Array<Record<string, any>>,
    };
    for (const code of ['ks-ksde', 'mo-dese']) {
      await asAgencyOwner(t, code, async (client) => {
        const rows = async (sql: string) =>
          (await client.query(sql)).rows.map((r) => ({ code, ...r }));
        seen.organizations.push(
          ...(await rows(`SELECT legal_name, status FROM organizations ORDER BY legal_name`)),
        );
        seen.roles.push(
          ...(await rows(
            `SELECT o.legal_name, array_agg(DISTINCT r ORDER BY r) AS roles
               FROM organization_memberships m
               JOIN organizations o ON o.agency_id = m.agency_id AND o.id = m.organization_id,
                    unnest(m.roles) r
              WHERE m.status = 'active' GROUP BY o.legal_name ORDER BY o.legal_name`,
          )),
        );
        seen.programs.push(
          ...(await rows(
            `SELECT status, count(*)::int AS n FROM programs GROUP BY status ORDER BY status`,
          )),
        );
        seen.applications.push(
          ...(await rows(
            `SELECT status, count(*)::int AS n FROM applications GROUP BY status ORDER BY status`,
          )),
        );
        seen.awards.push(
          ...(await rows(
            `SELECT status, count(*)::int AS n FROM awards GROUP BY status ORDER BY status`,
          )),
        );
      });
    }
    return seen;
  };

  it('builds every district state through the API, once, and prints logins that work', async () => {
    const seeder = t.app.get(DemoSeeder);
    await seeder.seed();
    const logins = await new DemoScenario(t.app, t.app.get(Clock).now()).run(seeder);
    expect(logins).toHaveLength(DEMO_DISTRICTS.length * 3);

    const seen = await states();
    const border = 'Border Cooperative School District';
    expect(seen.organizations.filter((o) => o.legal_name === border).map((o) => o.code)).toEqual([
      'ks-ksde',
      'mo-dese',
    ]);
    expect(seen.organizations.every((o) => o.status === 'active')).toBe(true);
    for (const r of seen.roles)
      expect(r.roles).toEqual(['authorized_representative', 'grant_writer', 'org_admin']);
    expect(seen.roles).toHaveLength(4);
    for (const code of ['mo-dese', 'ks-ksde']) {
      expect(seen.programs.filter((p) => p.code === code).map((p) => p.status)).toEqual([
        'closed',
        'published',
      ]);
      expect(seen.applications.filter((a) => a.code === code).map((a) => a.status)).toEqual([
        'approved',
        'denied',
        'draft',
        'returned',
        'submitted',
      ]);
      expect(seen.awards.filter((a) => a.code === code).map((a) => a.status)).toEqual(['active']);
    }

    // Again: nothing new.
    await new DemoScenario(t.app, t.app.get(Clock).now()).run(seeder);
    expect(await states()).toEqual(seen);

    const tokens = await login(
      t,
      districtEmail('border', 'authorized_representative'),
      logins[0].password,
    );
    const me = (
      await t.request({ method: 'GET', url: '/api/v1/me', token: tokens.accessToken })
    ).json();
    expect(me.organizations).toHaveLength(2);
  });
});
