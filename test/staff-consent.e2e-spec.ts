import { randomUUID } from 'node:crypto';
import { AgencyDirectory } from '../src/agencies/agency-directory';
import { createOrganization } from './factories/grants';
import {
  activeAward,
  api,
  approve,
  expectStatus,
  reimbursement,
  requestPayment,
} from './factories/finance';
import {
  agencyId,
  asAgencyOwner,
  createUser,
  login,
  ownerPool,
  signedInOrganizationMember,
  signedInPlatformAdmin,
  signedInStaff,
  SignedIn,
} from './factories/identity';
import { useTestApp } from './support/use-test-app';

/**
 * Issue 13, items 3 and 8, as an attacker tries them against the real server: nobody arms
 * themselves with a privileged role, and nobody is made a member without saying yes.
 */
describe('staff consent and two-person role grants', () => {
  const t = useTestApp({ clock: '2026-10-05T15:00:00Z' });
  const staffUrl = (agency: string, rest = '') => `/api/v1/agencies/${agency}/staff${rest}`;

  const membership = (agency: string, userId: string) =>
    asAgencyOwner(t, agency, async (client) => {
      const { rows } = await client.query(
        'SELECT roles, status FROM agency_memberships WHERE user_id = $1',
        [userId],
      );
      return rows[0] as { roles: string[]; status: string } | undefined;
    });
  const events = (agency: string, action: string) =>
    asAgencyOwner(t, agency, async (client) => {
      const { rows } = await client.query(
        'SELECT actor_user_id, entity_id, after FROM audit_events WHERE action = $1',
        [action],
      );
      return rows;
    });
  const notices = (agency: string, userId: string, template: string) =>
    asAgencyOwner(t, agency, async (client) => {
      const { rows } = await client.query(
        'SELECT subject FROM notifications WHERE user_id = $1 AND template = $2',
        [userId, template],
      );
      return rows.map((row) => row.subject as string);
    });
  const emailJobs = async (userId: string, template: string) => {
    const { rows } = await ownerPool(t).query(
      `SELECT count(*)::int AS n FROM jobs_outbox
        WHERE payload::text LIKE '%' || $1 || '%' AND payload::text LIKE '%' || $2 || '%'`,
      [userId, template],
    );
    return rows[0].n as number;
  };
  const pendingGrant = async (agency: string, admin: SignedIn, userId: string, role: string) => {
    const res = await t.request({
      method: 'GET',
      url: staffUrl(agency, '/role-grants'),
      token: admin.token,
    });
    expectStatus(res, 200, 'list role grants');
    return res.json().items.find((g: any) => g.userId === userId && g.role === role);
  };
  const setRoles = (agency: string, admin: SignedIn, userId: string, roles: string[]) =>
    t.request({
      method: 'PUT',
      url: staffUrl(agency, `/${userId}/roles`),
      token: admin.token,
      payload: { roles },
    });

  describe('no one person can arm themselves', () => {
    it('an admin who gives themselves finance_officer cannot approve money, nor confirm their own grant', async () => {
      const { award, organization, team, financeA } = await activeAward(t, 'mo-dese');
      const created = await requestPayment(
        t,
        'mo-dese',
        organization.id,
        award.id,
        team.grantWriter,
        reimbursement('100.00'),
      );
      expectStatus(created, 201, 'request payment');
      const requestId = created.json().id;
      const admin = await signedInStaff(t, 'mo-dese', ['agency_admin']);

      const armed = await setRoles('mo-dese', admin, admin.user.id, [
        'agency_admin',
        'finance_officer',
      ]);
      expectStatus(armed, 200, 'ask for finance_officer');
      expect(armed.json()).toMatchObject({
        roles: ['agency_admin'],
        pendingRoles: ['finance_officer'],
      });
      expect(await membership('mo-dese', admin.user.id)).toEqual({
        roles: ['agency_admin'],
        status: 'active',
      });

      // At once, with the same token: no payment permission.
      const approval = await approve(t, 'mo-dese', requestId, admin);
      expect(approval.status).toBe(403);
      const grant = await pendingGrant('mo-dese', admin, admin.user.id, 'finance_officer');
      const own = await t.request({
        method: 'POST',
        url: staffUrl('mo-dese', `/role-grants/${grant.id}/confirm`),
        token: admin.token,
      });
      expect(own.status).toBe(403);
      expect(own.json().code).toBe('staff.role_grant_same_person');
      expect(await membership('mo-dese', admin.user.id)).toEqual({
        roles: ['agency_admin'],
        status: 'active',
      });
      const unchanged = await t.request({
        method: 'GET',
        url: `${api('mo-dese')}/payment-requests/${requestId}`,
        token: financeA.token,
      });
      expect(unchanged.json()).toMatchObject({ status: 'submitted' });
      expect(unchanged.json().approvals ?? []).toEqual([]);

      // A second admin confirms: now, and only now, the role works.
      const second = await signedInStaff(t, 'mo-dese', ['agency_admin']);
      const confirmed = await t.request({
        method: 'POST',
        url: staffUrl('mo-dese', `/role-grants/${grant.id}/confirm`),
        token: second.token,
      });
      expectStatus(confirmed, 200, 'confirm');
      expect(confirmed.json()).toMatchObject({
        status: 'confirmed',
        decidedByUserId: second.user.id,
      });
      expect((await membership('mo-dese', admin.user.id))?.roles).toEqual([
        'agency_admin',
        'finance_officer',
      ]);
      expect((await approve(t, 'mo-dese', requestId, admin)).status).toBe(200);
      const again = await t.request({
        method: 'POST',
        url: staffUrl('mo-dese', `/role-grants/${grant.id}/confirm`),
        token: second.token,
      });
      expect(again.json().code).toBe('staff.role_grant_decided');

      // Audited, and the person told (in-app and by email) at each step.
      expect(await events('mo-dese', 'staff.role_requested')).toContainEqual(
        expect.objectContaining({ actor_user_id: admin.user.id, entity_id: grant.id }),
      );
      expect(await events('mo-dese', 'staff.role_confirmed')).toContainEqual(
        expect.objectContaining({ actor_user_id: second.user.id, entity_id: grant.id }),
      );
      expect(await notices('mo-dese', admin.user.id, 'staff.role_changed')).toEqual([
        'Your finance officer role: awaiting confirmation',
        'Your finance officer role: confirmed',
      ]);
      expect(await emailJobs(admin.user.id, 'staff.role_changed')).toBeGreaterThanOrEqual(2);
    });

    it('an admin who gives a colleague finance_officer: the colleague cannot confirm it, nor approve', async () => {
      const { award, organization, team } = await activeAward(t, 'mo-dese');
      const created = await requestPayment(
        t,
        'mo-dese',
        organization.id,
        award.id,
        team.grantWriter,
        reimbursement('50.00'),
      );
      const admin = await signedInStaff(t, 'mo-dese', ['agency_admin']);
      const colleague = await signedInStaff(t, 'mo-dese', ['agency_admin']);
      const third = await signedInStaff(t, 'mo-dese', ['agency_admin']);
      expectStatus(
        await setRoles('mo-dese', admin, colleague.user.id, ['agency_admin', 'finance_officer']),
        200,
        'ask',
      );
      expect((await approve(t, 'mo-dese', created.json().id, colleague)).status).toBe(403);
      const grant = await pendingGrant('mo-dese', admin, colleague.user.id, 'finance_officer');
      const byGrantee = await t.request({
        method: 'POST',
        url: staffUrl('mo-dese', `/role-grants/${grant.id}/confirm`),
        token: colleague.token,
      });
      expect(byGrantee.status).toBe(403);
      expect((await membership('mo-dese', colleague.user.id))?.roles).toEqual(['agency_admin']);

      // The other admins are asked to confirm; neither the requester nor the grantee is.
      const asked = (who: SignedIn) =>
        notices('mo-dese', who.user.id, 'staff.role_confirmation_requested');
      expect(await asked(third)).toEqual(['A finance officer role waits for your confirmation']);
      expect(await asked(admin)).toEqual([]);
      expect(await asked(colleague)).toEqual([]);

      // Declined by a third admin: nothing changes, the person is told.
      const declined = await t.request({
        method: 'POST',
        url: staffUrl('mo-dese', `/role-grants/${grant.id}/decline`),
        token: third.token,
      });
      expectStatus(declined, 200, 'decline');
      expect((await membership('mo-dese', colleague.user.id))?.roles).toEqual(['agency_admin']);
      expect(await notices('mo-dese', colleague.user.id, 'staff.role_changed')).toContain(
        'Your finance officer role: declined',
      );
    });

    it('an invitation with agency_admin gives nothing until confirmed, even once accepted', async () => {
      const admin = await signedInStaff(t, 'mo-dese', ['agency_admin']);
      const invitee = await createUser(t);
      const invited = await t.request({
        method: 'POST',
        url: staffUrl('mo-dese'),
        token: admin.token,
        payload: { email: invitee.email, name: 'Anyone', roles: ['agency_admin'] },
      });
      expectStatus(invited, 201, 'invite');
      expect(invited.json()).toMatchObject({ roles: [], pendingRoles: ['agency_admin'] });
      const { accessToken } = await login(t, invitee.email, invitee.password);
      expectStatus(
        await t.request({
          method: 'POST',
          url: '/api/v1/me/invitations/agencies/mo-dese/accept',
          token: accessToken,
        }),
        200,
        'accept',
      );
      const staff = await t.request({
        method: 'GET',
        url: staffUrl('mo-dese'),
        token: accessToken,
      });
      expect(staff.status).toBe(404); // an active membership with no role yet is no membership
      expect(await membership('mo-dese', invitee.id)).toEqual({ roles: [], status: 'active' });
    });

    it('a single-admin agency gets its second confirmation from a platform admin', async () => {
      const ksId = await agencyId(t, 'ks-ksde');
      // Leave Kansas with one active admin.
      await asAgencyOwner(t, 'ks-ksde', (client) =>
        client.query(
          `UPDATE agency_memberships SET status = 'deactivated'
            WHERE agency_id = $1 AND 'agency_admin' = ANY (roles)`,
          [ksId],
        ),
      );
      const solo = await signedInStaff(t, 'ks-ksde', ['agency_admin']);
      const officer = await signedInStaff(t, 'ks-ksde', ['program_officer']);
      expectStatus(
        await setRoles('ks-ksde', solo, officer.user.id, ['program_officer', 'finance_officer']),
        200,
        'ask',
      );
      const grant = await pendingGrant('ks-ksde', solo, officer.user.id, 'finance_officer');
      const platform = await signedInPlatformAdmin(t);
      const platformUrl = `/api/v1/platform/agencies/ks-ksde/role-grants`;
      // Neither the agency's staff nor anyone else reaches the platform route.
      expect((await t.request({ method: 'GET', url: platformUrl, token: solo.token })).status).toBe(
        403,
      );
      const listed = await t.request({ method: 'GET', url: platformUrl, token: platform.token });
      expect(listed.json().items.map((g: any) => g.id)).toContain(grant.id);
      expect(
        (
          await t.request({
            method: 'POST',
            url: `/api/v1/platform/agencies/zz-none/role-grants/${grant.id}/confirm`,
            token: platform.token,
          })
        ).status,
      ).toBe(404);
      const confirmed = await t.request({
        method: 'POST',
        url: `${platformUrl}/${grant.id}/confirm`,
        token: platform.token,
      });
      expectStatus(confirmed, 200, 'platform confirms');
      expect((await membership('ks-ksde', officer.user.id))?.roles).toEqual([
        'program_officer',
        'finance_officer',
      ]);
      expect(await events('ks-ksde', 'staff.role_confirmed')).toContainEqual(
        expect.objectContaining({
          actor_user_id: platform.user.id,
          after: expect.objectContaining({ asPlatformAdmin: true }),
        }),
      );
      // The platform admin still sees none of the agency's own routes.
      expect(
        (await t.request({ method: 'GET', url: staffUrl('ks-ksde'), token: platform.token }))
          .status,
      ).toBe(404);
    });

    it("an agency's YAML may switch the confirmation off", async () => {
      // As if mo-dese.yaml said `access: { privilegedRoleConfirmation: false }` (the loaded
      // configuration is frozen; the validation spec checks the YAML field itself).
      const directory = t.app.get(AgencyDirectory);
      const configOf = directory.configOf.bind(directory);
      const spy = jest.spyOn(directory, 'configOf').mockImplementation((id) => ({
        ...configOf(id),
        access: { ...configOf(id).access, privilegedRoleConfirmation: false },
      }));
      try {
        const admin = await signedInStaff(t, 'mo-dese', ['agency_admin']);
        const officer = await signedInStaff(t, 'mo-dese', ['program_officer']);
        const res = await setRoles('mo-dese', admin, officer.user.id, [
          'program_officer',
          'finance_officer',
        ]);
        expect(res.json()).toMatchObject({
          roles: ['program_officer', 'finance_officer'],
          pendingRoles: [],
        });
        expect(await notices('mo-dese', officer.user.id, 'staff.role_changed')).toEqual([
          'Your finance officer role: granted',
        ]);
      } finally {
        spy.mockRestore();
      }
    });
  });

  describe('consent before membership', () => {
    it('staff: the same answer for an existing and a new email; no access until accepted', async () => {
      const admin = await signedInStaff(t, 'mo-dese', ['agency_admin']);
      const existing = await createUser(t, { name: 'Secret Name' });
      const invite = (email: string) =>
        t.request({
          method: 'POST',
          url: staffUrl('mo-dese'),
          token: admin.token,
          payload: { email, name: 'Typed By Inviter', roles: ['program_officer'] },
        });
      const known = await invite(existing.email);
      const unknown = await invite(`nobody-${randomUUID().slice(0, 8)}@example.org`);
      expect(known.status).toBe(unknown.status);
      expect(Object.keys(known.json()).sort()).toEqual(Object.keys(unknown.json()).sort());
      expect({ ...known.json(), email: 'x' }).toEqual({ ...unknown.json(), email: 'x' });
      expect(known.body).not.toContain('Secret Name');
      expect(known.body).not.toContain(existing.id);
      // Nor does the staff list show the pending person's name.
      const list = await t.request({
        method: 'GET',
        url: `${staffUrl('mo-dese')}?status=pending&limit=100`,
        token: admin.token,
      });
      expect(list.body).not.toContain('Secret Name');
      // Nor the agency's audit log (an account's creation is a platform event).
      expect(await events('mo-dese', 'user.created')).toEqual([]);

      // No access at all until they accept.
      const { accessToken } = await login(t, existing.email, existing.password);
      const programs = () =>
        t.request({ method: 'GET', url: `${api('mo-dese')}/programs`, token: accessToken });
      expect((await programs()).status).toBe(404);
      expect(await membership('mo-dese', existing.id)).toEqual({
        roles: ['program_officer'],
        status: 'pending',
      });
      expect(await notices('mo-dese', existing.id, 'membership.invited')).toHaveLength(1);
      const mine = await t.request({
        method: 'GET',
        url: '/api/v1/me/invitations',
        token: accessToken,
      });
      expect(mine.json().items).toEqual([
        expect.objectContaining({
          kind: 'agency',
          agencyCode: 'mo-dese',
          roles: ['program_officer'],
        }),
      ]);
      const accepted = await t.request({
        method: 'POST',
        url: '/api/v1/me/invitations/agencies/mo-dese/accept',
        token: accessToken,
      });
      expectStatus(accepted, 200, 'accept');
      expect((await programs()).status).toBe(200);
      const twice = await t.request({
        method: 'POST',
        url: '/api/v1/me/invitations/agencies/mo-dese/accept',
        token: accessToken,
      });
      expect(twice.status).toBe(404);
    });

    it('organizations: the same answer either way; pending until accepted; declining leaves nothing', async () => {
      const staff = await signedInStaff(t, 'mo-dese', ['agency_admin']);
      const org = await createOrganization(t, 'mo-dese', {}, staff);
      const orgAdmin = await signedInOrganizationMember(t, 'mo-dese', org.id, ['org_admin']);
      const membersUrl = `${api('mo-dese')}/organizations/${org.id}/members`;
      const existing = await createUser(t, { name: 'Hidden Person' });
      const declining = await createUser(t);
      const invite = (email: string) =>
        t.request({
          method: 'POST',
          url: membersUrl,
          token: orgAdmin.token,
          payload: { email, name: 'Typed', roles: ['grant_writer'] },
        });
      const known = await invite(existing.email);
      const unknown = await invite(`fresh-${randomUUID().slice(0, 8)}@example.org`);
      expect(known.status).toBe(201);
      expect(unknown.status).toBe(201);
      expect({ ...known.json(), email: 'x' }).toEqual({ ...unknown.json(), email: 'x' });
      expect(known.body).not.toContain('Hidden Person');
      expect(known.body).not.toContain(existing.id);
      // Who invited is kept on the membership (the separation-of-duties rule may read it).
      const invitedBy = await asAgencyOwner(t, 'mo-dese', (client) =>
        client.query(
          `SELECT status, invited_by_user_id FROM organization_memberships
            WHERE organization_id = $1 AND user_id = $2`,
          [org.id, existing.id],
        ),
      );
      expect(invitedBy.rows).toEqual([{ status: 'pending', invited_by_user_id: orgAdmin.user.id }]);
      const members = await t.request({ method: 'GET', url: membersUrl, token: orgAdmin.token });
      expect(members.body).not.toContain('Hidden Person');

      const { accessToken } = await login(t, existing.email, existing.password);
      const orgRoute = () =>
        t.request({
          method: 'GET',
          url: `${api('mo-dese')}/organizations/${org.id}`,
          token: accessToken,
        });
      expect((await orgRoute()).status).toBe(404);
      const mine = await t.request({
        method: 'GET',
        url: '/api/v1/me/invitations',
        token: accessToken,
      });
      expect(mine.json().items).toEqual([
        expect.objectContaining({
          kind: 'organization',
          organizationId: org.id,
          organizationName: org.legalName,
        }),
      ]);
      expectStatus(
        await t.request({
          method: 'POST',
          url: `/api/v1/me/invitations/agencies/mo-dese/organizations/${org.id}/accept`,
          token: accessToken,
        }),
        200,
        'accept',
      );
      expect((await orgRoute()).status).toBe(200);

      await invite(declining.email);
      const tokens = await login(t, declining.email, declining.password);
      expectStatus(
        await t.request({
          method: 'POST',
          url: `/api/v1/me/invitations/agencies/mo-dese/organizations/${org.id}/decline`,
          token: tokens.accessToken,
        }),
        200,
        'decline',
      );
      expect(
        (
          await t.request({
            method: 'GET',
            url: `${api('mo-dese')}/organizations/${org.id}`,
            token: tokens.accessToken,
          })
        ).status,
      ).toBe(404);
    });

    it("a second inviter cannot cancel another's invitation", async () => {
      const staff = await signedInStaff(t, 'mo-dese', ['agency_admin']);
      const orgA = await createOrganization(t, 'mo-dese', {}, staff);
      const orgB = await createOrganization(t, 'mo-dese', {}, staff);
      const adminA = await signedInOrganizationMember(t, 'mo-dese', orgA.id, ['org_admin']);
      const adminB = await signedInOrganizationMember(t, 'mo-dese', orgB.id, ['org_admin']);
      const email = `shared-${randomUUID().slice(0, 8)}@example.org`;
      const invite = (org: { id: string }, admin: SignedIn) =>
        t.request({
          method: 'POST',
          url: `${api('mo-dese')}/organizations/${org.id}/members`,
          token: admin.token,
          payload: { email, name: 'Shared', roles: ['grant_writer'] },
        });
      expectStatus(await invite(orgA, adminA), 201, 'A invites');
      expectStatus(await invite(orgB, adminB), 201, 'B invites');
      const { rows } = await ownerPool(t).query(
        `SELECT i.invited_by_user_id, i.closed_at FROM user_invitations i
           JOIN users u ON u.id = i.user_id WHERE u.email = $1 ORDER BY i.created_at`,
        [email],
      );
      expect(rows).toEqual([
        { invited_by_user_id: adminA.user.id, closed_at: null },
        { invited_by_user_id: adminB.user.id, closed_at: null },
      ]);
    });
  });
});
