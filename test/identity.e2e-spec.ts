import {
  agencyId,
  asAgencyOwner,
  createTestOrganization,
  createUser,
  grantAgencyRoles,
  grantOrganizationRoles,
  login,
  ownerPool,
  signedInStaff,
  SignedIn,
} from './factories/identity';
import { waitFor } from './jobs/waiting';
import { connect } from './support/database';
import { useTestApp } from './support/use-test-app';

describe('identity: memberships, /me and staff administration', () => {
  const t = useTestApp();
  let moAdmin: SignedIn;
  const staffUrl = (agency: string, rest = '') => `/api/v1/agencies/${agency}/staff${rest}`;
  // audit_events is a tenant table: RLS is forced even for the owner, so set the agency.
  const agencyEvents = (agencyCode: string, action: string) =>
    asAgencyOwner(t, agencyCode, async (client) => {
      const { rows } = await client.query(
        `SELECT actor_user_id, entity_id, before, after FROM audit_events
          WHERE action = $1 ORDER BY occurred_at`,
        [action],
      );
      return rows;
    });

  beforeAll(async () => {
    moAdmin = await signedInStaff(t, 'mo-dese', ['agency_admin']);
  });

  describe('GET /me', () => {
    it('lists the memberships of the signed-in user across agencies and organizations', async () => {
      const user = await createUser(t);
      const org = await createTestOrganization(t, 'ks-ksde');
      await grantAgencyRoles(t, 'mo-dese', user.id, ['reviewer']);
      await grantAgencyRoles(t, 'ks-ksde', user.id, ['finance_officer', 'program_officer']);
      await grantOrganizationRoles(t, 'ks-ksde', org, user.id, ['grant_writer']);
      const other = await createUser(t);
      await grantAgencyRoles(t, 'mo-dese', other.id, ['agency_admin']);

      const { accessToken } = await login(t, user.email, user.password);
      const res = await t.request({ method: 'GET', url: '/api/v1/me', token: accessToken });
      expect(res.status).toBe(200);
      const body = res.json();
      expect(body.user).toEqual({
        id: user.id,
        email: user.email,
        name: expect.any(String),
        platformAdmin: false,
      });
      expect(body.agencies.map((a: any) => [a.agencyCode, a.roles])).toEqual([
        ['ks-ksde', ['finance_officer', 'program_officer']],
        ['mo-dese', ['reviewer']],
      ]);
      expect(body.organizations).toEqual([
        {
          agencyId: await agencyId(t, 'ks-ksde'),
          agencyCode: 'ks-ksde',
          organizationId: org,
          roles: ['grant_writer'],
        },
      ]);
    });
  });

  describe('row-level security on memberships (as the app role)', () => {
    it('shows nothing with no setting, one agency with app.agency_id, own rows with app.user_id', async () => {
      const user = await createUser(t);
      await grantAgencyRoles(t, 'mo-dese', user.id, ['reviewer']);
      await grantAgencyRoles(t, 'ks-ksde', user.id, ['reviewer']);
      const app = await connect(t.db.appUrl);
      try {
        const count = async (where = 'true') =>
          Number(
            (await app.query(`SELECT count(*) FROM agency_memberships WHERE ${where}`)).rows[0]
              .count,
          );
        expect(await count()).toBe(0);
        expect(
          Number((await app.query('SELECT count(*) FROM organization_memberships')).rows[0].count),
        ).toBe(0);

        await app.query('BEGIN');
        await app.query(`SELECT set_config('app.user_id', $1, true)`, [user.id]);
        const own = await app.query('SELECT user_id, agency_id FROM agency_memberships');
        expect(own.rows).toHaveLength(2);
        expect(own.rows.every((r) => r.user_id === user.id)).toBe(true);
        // Reading one's own rows does not extend to writing them.
        const update = await app.query(`UPDATE agency_memberships SET roles = '{agency_admin}'`);
        expect(update.rowCount).toBe(0);
        await app.query('ROLLBACK');

        await app.query('BEGIN');
        const mo = await agencyId(t, 'mo-dese');
        await app.query(`SELECT set_config('app.agency_id', $1, true)`, [mo]);
        const scoped = await app.query('SELECT DISTINCT agency_id FROM agency_memberships');
        expect(scoped.rows).toEqual([{ agency_id: mo }]);
        await expect(
          app.query(
            `INSERT INTO agency_memberships (agency_id, user_id, roles) VALUES ($1, $2, '{reviewer}')`,
            [await agencyId(t, 'ks-ksde'), (await createUser(t)).id],
          ),
        ).rejects.toThrow(/row-level security/);
        await app.query('ROLLBACK');
      } finally {
        await app.end();
      }
    });
  });

  describe('staff administration', () => {
    it('lists staff with keyset pagination', async () => {
      for (const name of ['aa', 'ab', 'ac']) {
        const u = await createUser(t, { email: `${name}-list@pagination.example.org` });
        await grantAgencyRoles(t, 'mo-dese', u.id, ['reviewer']);
      }
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const query: string = cursor ? `?limit=2&cursor=${cursor}` : '?limit=2';
        const res = await t.request({
          method: 'GET',
          url: staffUrl('mo-dese', query),
          token: moAdmin.token,
        });
        expect(res.status).toBe(200);
        const page = res.json();
        expect(page.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.items.map((i: any) => i.email));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen).toEqual([...seen].sort());
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen).toEqual(
        expect.arrayContaining(['aa-list@pagination.example.org', moAdmin.user.email]),
      );
      const bad = await t.request({
        method: 'GET',
        url: staffUrl('mo-dese', '?limit=500'),
        token: moAdmin.token,
      });
      expect(bad.status).toBe(400);
      expect(bad.json().errors[0].pointer).toBe('/limit');
    });

    it('invites a new person: one account per email whatever its case, an invitation, an audit event', async () => {
      const res = await t.request({
        method: 'POST',
        url: staffUrl('mo-dese'),
        token: moAdmin.token,
        payload: {
          email: 'Jordan.Rivera@Example.org',
          name: 'Jordan Rivera',
          roles: ['program_officer'],
        },
      });
      expect(res.status).toBe(201);
      const member = res.json();
      // Pending until the person accepts; the answer names nobody and carries no user id.
      expect(member).toEqual({
        email: 'jordan.rivera@example.org',
        roles: ['program_officer'],
        pendingRoles: [],
        status: 'pending',
      });
      const userId = (
        await ownerPool(t).query(`SELECT id FROM users WHERE email = 'jordan.rivera@example.org'`)
      ).rows[0].id;

      // The hash is written by the invitation's email job, which mints the secret.
      const invitations = await waitFor('the invitation token to be minted', async () => {
        const { rows } = await ownerPool(t).query(
          'SELECT token_hash, closed_at FROM user_invitations WHERE user_id = $1',
          [userId],
        );
        return rows[0]?.token_hash ? { rows } : undefined;
      });
      expect(invitations.rows).toEqual([
        { token_hash: expect.stringMatching(/^[0-9a-f]{64}$/), closed_at: null },
      ]);
      const events = await agencyEvents('mo-dese', 'staff.invited');
      expect(events).toContainEqual(
        expect.objectContaining({ actor_user_id: moAdmin.user.id, entity_id: userId }),
      );

      // Kansas invites the same person in other letters: the same global account.
      const ksAdmin = await signedInStaff(t, 'ks-ksde', ['agency_admin']);
      const ks = await t.request({
        method: 'POST',
        url: staffUrl('ks-ksde'),
        token: ksAdmin.token,
        payload: { email: 'JORDAN.RIVERA@example.org', name: 'J. Rivera', roles: ['reviewer'] },
      });
      expect(ks.status).toBe(201);
      expect(ks.json()).not.toHaveProperty('userId');
      const users = await ownerPool(t).query(
        `SELECT count(*)::int AS n FROM users WHERE email = 'jordan.rivera@example.org'`,
      );
      expect(users.rows[0].n).toBe(1);

      const again = await t.request({
        method: 'POST',
        url: staffUrl('mo-dese'),
        token: moAdmin.token,
        payload: { email: moAdmin.user.email, name: 'Already Here', roles: ['reviewer'] },
      });
      expect(again.status).toBe(409);
      expect(again.json().code).toBe('staff.already_member');
    });

    it('validates roles and refuses unknown ones with a pointer', async () => {
      const res = await t.request({
        method: 'POST',
        url: staffUrl('mo-dese'),
        token: moAdmin.token,
        payload: { email: 'x@example.org', name: 'X', roles: ['platform_admin'] },
      });
      expect(res.status).toBe(400);
      expect(res.json().errors.map((e: any) => e.pointer)).toContain('/roles');
    });

    it('changes roles, audited with before and after; the next request sees the new roles', async () => {
      const officer = await signedInStaff(t, 'mo-dese', ['program_officer']);
      const list = () =>
        t.request({ method: 'GET', url: staffUrl('mo-dese'), token: officer.token });
      expect((await list()).status).toBe(403);

      const res = await t.request({
        method: 'PUT',
        url: staffUrl('mo-dese', `/${officer.user.id}/roles`),
        token: moAdmin.token,
        payload: { roles: ['program_officer', 'reviewer', 'agency_admin'] },
      });
      expect(res.status).toBe(200);
      // reviewer now; agency_admin waits for a second admin (and grants nothing meanwhile).
      expect(res.json()).toMatchObject({
        roles: ['program_officer', 'reviewer'],
        pendingRoles: ['agency_admin'],
      });
      expect((await list()).status).toBe(403);
      const events = await agencyEvents('mo-dese', 'staff.roles_changed');
      expect(events).toContainEqual(
        expect.objectContaining({
          entity_id: officer.user.id,
          before: { roles: ['program_officer'], pendingRoles: [] },
          after: { roles: ['program_officer', 'reviewer'], pendingRoles: ['agency_admin'] },
        }),
      );

      const second = await signedInStaff(t, 'mo-dese', ['agency_admin']);
      const grants = await t.request({
        method: 'GET',
        url: staffUrl('mo-dese', '/role-grants'),
        token: second.token,
      });
      const grant = grants
        .json()
        .items.find((g: any) => g.userId === officer.user.id && g.role === 'agency_admin');
      const confirmed = await t.request({
        method: 'POST',
        url: staffUrl('mo-dese', `/role-grants/${grant.id}/confirm`),
        token: second.token,
      });
      expect(confirmed.status).toBe(200);
      // agency_admin needs a second factor: the session that never checked one is refused...
      const refused = await list();
      expect(refused.status).toBe(401);
      expect(refused.json().code).toBe('auth.second_factor_required');
      // ...and signing in again (enrolling) gives the new role.
      officer.token = (await login(t, officer.user.email, officer.user.password)).accessToken;
      expect((await list()).status).toBe(200);
    });

    it('refuses staff management to non-admins with 403, audited', async () => {
      const reviewer = await signedInStaff(t, 'mo-dese', ['reviewer']);
      const res = await t.request({
        method: 'POST',
        url: staffUrl('mo-dese', `/${moAdmin.user.id}/deactivate`),
        token: reviewer.token,
      });
      expect(res.status).toBe(403);
      expect(res.json()).toMatchObject({
        code: 'auth.forbidden',
        permission: 'agency.staff.manage',
      });
      const events = await agencyEvents('mo-dese', 'auth.forbidden');
      expect(events).toContainEqual(expect.objectContaining({ actor_user_id: reviewer.user.id }));
    });

    it('audits a signed-in non-member’s 404 in the agency it probed', async () => {
      const outsider = await signedInStaff(t, 'ks-ksde', ['agency_admin']);
      const res = await t.request({
        method: 'GET',
        url: staffUrl('mo-dese'),
        token: outsider.token,
      });
      expect(res.status).toBe(404);
      expect(res.json().code).toBe('agency.not_found');
      const events = await agencyEvents('mo-dese', 'auth.not_member');
      expect(events).toContainEqual(
        expect.objectContaining({
          actor_user_id: outsider.user.id,
          entity_id: 'agency.staff.read',
        }),
      );
    });

    it('keeps at least one active agency admin', async () => {
      const solo = await signedInStaff(t, 'ks-ksde', ['agency_admin']);
      const demote = (who: SignedIn, token: string) =>
        t.request({
          method: 'PUT',
          url: staffUrl('ks-ksde', `/${who.user.id}/roles`),
          token,
          payload: { roles: ['reviewer'] },
        });
      // Deactivate every other ks-ksde admin first, then the last one cannot step down.
      const others = await asAgencyOwner(t, 'ks-ksde', (client) =>
        client.query(
          `SELECT user_id FROM agency_memberships
            WHERE status = 'active' AND 'agency_admin' = ANY (roles) AND user_id <> $1`,
          [solo.user.id],
        ),
      );
      expect(others.rowCount).toBeGreaterThan(0);
      for (const row of others.rows) {
        const res = await t.request({
          method: 'POST',
          url: staffUrl('ks-ksde', `/${row.user_id}/deactivate`),
          token: solo.token,
        });
        expect(res.status).toBe(200);
      }
      const res = await demote(solo, solo.token);
      expect(res.status).toBe(409);
      expect(res.json().code).toBe('staff.last_admin');
      const self = await t.request({
        method: 'POST',
        url: staffUrl('ks-ksde', `/${solo.user.id}/deactivate`),
        token: solo.token,
      });
      expect(self.json().code).toBe('staff.last_admin');
    });

    it('deactivates: this agency is closed to them at once; their session works elsewhere', async () => {
      const officer = await signedInStaff(t, 'mo-dese', ['finance_officer']);
      await grantAgencyRoles(t, 'ks-ksde', officer.user.id, ['finance_officer']);
      const me = (token: string) => t.request({ method: 'GET', url: '/api/v1/me', token });
      const payments = (agency: string) =>
        t.request({
          method: 'GET',
          url: `/api/v1/agencies/${agency}/payment-requests`,
          token: officer.token,
        });
      expect((await me(officer.token)).status).toBe(200);
      expect((await payments('mo-dese')).status).toBe(200);

      const res = await t.request({
        method: 'POST',
        url: staffUrl('mo-dese', `/${officer.user.id}/deactivate`),
        token: moAdmin.token,
      });
      expect(res.status).toBe(200);
      expect(res.json().status).toBe('deactivated');

      // The same token, the very next request: Missouri answers 404, Kansas still works.
      expect((await payments('mo-dese')).status).toBe(404);
      expect((await payments('ks-ksde')).status).toBe(200);
      const meAgain = await me(officer.token);
      expect(meAgain.status).toBe(200);
      expect(meAgain.json().agencies.map((a: any) => a.agencyCode)).toEqual(['ks-ksde']);
      const refresh = await t.request({
        method: 'POST',
        url: '/api/v1/auth/refresh',
        payload: { refreshToken: officer.refreshToken },
      });
      expect(refresh.status).toBe(200);
      const sessions = await ownerPool(t).query(
        'SELECT count(*)::int AS n FROM sessions WHERE user_id = $1 AND revoked_at IS NOT NULL',
        [officer.user.id],
      );
      expect(sessions.rows[0].n).toBe(0);

      const events = await agencyEvents('mo-dese', 'staff.deactivated');
      expect(events).toContainEqual(
        expect.objectContaining({
          entity_id: officer.user.id,
          after: { status: 'deactivated', pendingRolesWithdrawn: [] },
        }),
      );
    });

    it('cannot reach another agency’s staff member through its own path', async () => {
      const ksOnly = await signedInStaff(t, 'ks-ksde', ['reviewer']);
      const res = await t.request({
        method: 'POST',
        url: staffUrl('mo-dese', `/${ksOnly.user.id}/deactivate`),
        token: moAdmin.token,
      });
      expect(res.status).toBe(404);
      expect(res.json().code).toBe('staff.not_found');
      expect(
        (await t.request({ method: 'GET', url: '/api/v1/me', token: ksOnly.token })).status,
      ).toBe(200);
    });
  });
});
