import { AGENCY_ROLES } from '../src/identity/permissions';
import {
  DEMO_PASSWORD,
  DEMO_PLATFORM_ADMIN,
  DemoSeeder,
  formatDemoLogins,
} from '../src/identity/demo/demo-seeder';
import { asAgencyOwner, login, ownerPool } from './factories/identity';
import { useTestApp } from './support/use-test-app';

describe('demo data: staff of every agency role and a platform admin', () => {
  const t = useTestApp();
  let seeder: DemoSeeder;

  beforeAll(() => {
    seeder = t.app.get(DemoSeeder);
  });

  it('seeds an empty database once, and the printed logins work with the roles they say', async () => {
    const logins = await seeder.seedIfEmpty();
    expect(logins).toBeDefined();
    for (const agency of ['mo-dese', 'ks-ksde']) {
      const roles = logins!.filter((l) => l.agency === agency).flatMap((l) => l.roles);
      // One person per agency role, and a second finance officer (batches: separation of duties).
      expect(roles.sort()).toEqual([...AGENCY_ROLES, 'finance_officer'].sort());
    }
    expect(logins).toContainEqual(
      expect.objectContaining({ email: DEMO_PLATFORM_ADMIN, roles: ['platform_admin'] }),
    );
    const printed = formatDemoLogins(logins!);
    expect(printed).toContain(DEMO_PASSWORD);
    for (const entry of logins!) expect(printed).toContain(entry.email);

    for (const entry of logins!) {
      const tokens = await login(t, entry.email, entry.password);
      const me = (
        await t.request({ method: 'GET', url: '/api/v1/me', token: tokens.accessToken })
      ).json();
      if (entry.agency) {
        expect(me.agencies).toEqual([
          expect.objectContaining({ agencyCode: entry.agency, roles: entry.roles }),
        ]);
      } else {
        expect(me.user.platformAdmin).toBe(true);
        expect(me.agencies).toEqual([]);
      }
    }
    // Not again once there are users.
    expect(await seeder.seedIfEmpty()).toBeUndefined();
  });

  it('is idempotent and audited like any other change', async () => {
    const count = async () =>
      (await ownerPool(t).query('SELECT count(*)::int AS n FROM users')).rows[0].n as number;
    const before = await count();
    await seeder.seed();
    expect(await count()).toBe(before);
    const events = await asAgencyOwner(t, 'mo-dese', async (client) => {
      const { rows } = await client.query(
        `SELECT actor_kind, action FROM audit_events WHERE action IN ('user.created', 'staff.invited')`,
      );
      return rows;
    });
    // One user and one membership per person, written by the system actor, once.
    expect(events).toHaveLength((AGENCY_ROLES.length + 1) * 2);
    expect(events.every((e) => e.actor_kind === 'system')).toBe(true);
  });
});
