import {
  asAgencyOwner,
  grantOrganizationRoles,
  ownerPool,
  signedInOrganizationMember,
  signedInStaff,
  signedInUser,
  SignedIn,
} from './factories/identity';
import { createOrganization, districtIdentifiers, organizationBody } from './factories/grants';
import { useTestApp } from './support/use-test-app';

describe('organizations: registration, approval, identifiers and members', () => {
  const t = useTestApp();
  let admin: SignedIn;
  const url = (path = '') => `/api/v1/agencies/mo-dese/organizations${path}`;

  beforeAll(async () => {
    admin = await signedInStaff(t, 'mo-dese', ['agency_admin']);
  });

  it('lets any signed-in user register a district: pending, with them as its org admin', async () => {
    const user = await signedInUser(t);
    const res = await t.request({
      method: 'POST',
      url: url('/registrations'),
      token: user.token,
      payload: organizationBody(),
    });
    expect(res.status).toBe(201);
    expect(res.json()).toMatchObject({ status: 'pending', registeredBy: user.user.id, version: 1 });
    const members = await t.request({
      method: 'GET',
      url: url(`/${res.json().id}/members`),
      token: user.token,
    });
    expect(members.json().items).toEqual([
      expect.objectContaining({ id: user.user.id, roles: ['org_admin'], status: 'active' }),
    ]);
    const audit = await asAgencyOwner(t, 'mo-dese', (c) =>
      c.query(`SELECT action FROM audit_events WHERE entity_id = $1 ORDER BY id`, [res.json().id]),
    );
    expect(audit.rows.map((r) => r.action)).toContain('organization.registered');
  });

  it('checks identifier formats: NCES LEA id, UEI and state district code', async () => {
    const user = await signedInUser(t);
    const res = await t.request({
      method: 'POST',
      url: url('/registrations'),
      token: user.token,
      payload: organizationBody({
        ncesLeaId: '29-1032',
        uei: '0J7M9HPTGJ1S',
        stateDistrictCode: 'a b',
      }),
    });
    expect(res.status).toBe(400);
    expect(
      res
        .json()
        .errors.map((e: { pointer: string }) => e.pointer)
        .sort(),
    ).toEqual(['/ncesLeaId', '/stateDistrictCode', '/uei']);
    for (const uei of ['J7M9HPTGJ1SO', 'J7M9HPTIJ1S8', 'J7M9HPTGJ1S']) {
      const bad = await t.request({
        method: 'POST',
        url: url('/registrations'),
        token: user.token,
        payload: organizationBody({ uei }),
      });
      expect(bad.json().errors).toEqual([expect.objectContaining({ pointer: '/uei' })]);
    }
    const lower = await t.request({
      method: 'POST',
      url: url('/registrations'),
      token: user.token,
      payload: organizationBody({ uei: 'j7m9hptgj1s8' }),
    });
    expect(lower.json().uei).toBe('J7M9HPTGJ1S8');
  });

  it('refuses a second organization with the same identifier, unless the first was rejected', async () => {
    const ids = districtIdentifiers();
    const first = await createOrganization(t, 'mo-dese', ids, admin);
    const user = await signedInUser(t);
    const dup = await t.request({
      method: 'POST',
      url: url('/registrations'),
      token: user.token,
      payload: organizationBody({ ncesLeaId: ids.ncesLeaId }),
    });
    expect(dup.status).toBe(409);
    expect(dup.json()).toMatchObject({
      code: 'organization.identifier_taken',
      errors: [{ pointer: '/ncesLeaId' }],
    });
    expect(first.status).toBe('active');

    const spam = await t.request({
      method: 'POST',
      url: url('/registrations'),
      token: user.token,
      payload: organizationBody(),
    });
    await t.request({
      method: 'POST',
      url: url(`/${spam.json().id}/reject`),
      token: admin.token,
      payload: { reason: 'Not a district' },
    });
    const real = await t.request({
      method: 'POST',
      url: url('/registrations'),
      token: user.token,
      payload: organizationBody({
        ncesLeaId: spam.json().ncesLeaId,
        uei: spam.json().uei,
        stateDistrictCode: spam.json().stateDistrictCode,
      }),
    });
    expect(real.status).toBe(201);
  });

  it('lets agency staff approve or reject a registration, and nothing else', async () => {
    const user = await signedInUser(t);
    const pending = (
      await t.request({
        method: 'POST',
        url: url('/registrations'),
        token: user.token,
        payload: organizationBody(),
      })
    ).json();
    const byRegistrant = await t.request({
      method: 'POST',
      url: url(`/${pending.id}/approve`),
      token: user.token,
      payload: {},
    });
    expect(byRegistrant.status).toBe(403);
    const listed = await t.request({
      method: 'GET',
      url: url('?status=pending'),
      token: admin.token,
    });
    expect(listed.json().items.map((o: { id: string }) => o.id)).toContain(pending.id);
    const approved = await t.request({
      method: 'POST',
      url: url(`/${pending.id}/approve`),
      token: admin.token,
      payload: {},
    });
    expect(approved.json()).toMatchObject({ status: 'active', version: 2 });
    const again = await t.request({
      method: 'POST',
      url: url(`/${pending.id}/reject`),
      token: admin.token,
      payload: {},
    });
    expect(again.status).toBe(409);
    expect(again.json()).toMatchObject({
      code: 'organization.invalid_transition',
      from: 'active',
      to: 'rejected',
    });
  });

  it('lets staff edit an organization with If-Match', async () => {
    const org = await createOrganization(t, 'mo-dese', {}, admin);
    const stale = await t.request({
      method: 'PATCH',
      url: url(`/${org.id}`),
      token: admin.token,
      headers: { 'if-match': '"v0"' },
      payload: { legalName: 'X District' },
    });
    expect(stale.status).toBe(412);
    const ok = await t.request({
      method: 'PATCH',
      url: url(`/${org.id}`),
      token: admin.token,
      headers: { 'if-match': '"v1"' },
      payload: { legalName: 'Renamed District' },
    });
    expect(ok.json()).toMatchObject({ legalName: 'Renamed District', version: 2 });
  });

  it("lets an org admin edit the organization's name, address and contacts, and nothing else", async () => {
    const org = await createOrganization(t, 'mo-dese', {}, admin);
    const orgAdmin = await signedInOrganizationMember(t, 'mo-dese', org.id, ['org_admin']);
    const profile = (token: string, payload: unknown, ifMatch: string | null = '"v1"') =>
      t.request({
        method: 'PATCH',
        url: url(`/${org.id}/profile`),
        token,
        headers: ifMatch ? { 'if-match': ifMatch } : {},
        payload,
      });
    const contacts = [
      { name: 'Fay Fiscal', email: 'fay@district.example', kind: 'fiscal', phone: '573-555-0100' },
    ];

    expect((await profile(orgAdmin.token, { contacts }, null)).status).toBe(428);
    const edited = await profile(orgAdmin.token, {
      legalName: 'Jefferson City Public Schools',
      contacts,
      address: {
        line1: '315 E Dunklin St',
        city: 'Jefferson City',
        state: 'MO',
        postalCode: '65101',
      },
    });
    expect(edited.status).toBe(200);
    expect(edited.headers.etag).toBe('"v2"');
    expect(edited.json()).toMatchObject({
      legalName: 'Jefferson City Public Schools',
      contacts,
      address: { line1: '315 E Dunklin St' },
      uei: org.uei,
      status: 'active',
      version: 2,
    });
    expect((await profile(orgAdmin.token, { contacts })).status).toBe(412); // stale v1

    // Identifiers, type and status stay with agency staff.
    for (const field of [{ uei: 'J7M9HPTGJ1S8' }, { ncesLeaId: '2900001' }, { type: 'charter' }]) {
      const refused = await profile(orgAdmin.token, { ...field, contacts }, '"v2"');
      expect(refused.status).toBe(400);
      expect(refused.json().errors.map((e: any) => e.pointer)).toEqual([
        `/${Object.keys(field)[0]}`,
      ]);
    }
    const viaStaffRoute = await t.request({
      method: 'PATCH',
      url: url(`/${org.id}`),
      token: orgAdmin.token,
      headers: { 'if-match': '"v2"' },
      payload: { uei: 'J7M9HPTGJ1S8' },
    });
    expect(viaStaffRoute.status).toBe(403);
    const approve = await t.request({
      method: 'POST',
      url: url(`/${org.id}/deactivate`),
      token: orgAdmin.token,
      payload: {},
    });
    expect(approve.status).toBe(403);
    const current = (
      await t.request({ method: 'GET', url: url(`/${org.id}`), token: orgAdmin.token })
    ).json();
    expect(current).toMatchObject({ uei: org.uei, ncesLeaId: org.ncesLeaId, version: 2 });

    // A grant writer of the organization, or an admin of another, may not.
    const writer = await signedInOrganizationMember(t, 'mo-dese', org.id, ['grant_writer']);
    expect((await profile(writer.token, { contacts }, '"v2"')).status).toBe(403);
    const other = await createOrganization(t, 'mo-dese', {}, admin);
    const otherAdmin = await signedInOrganizationMember(t, 'mo-dese', other.id, ['org_admin']);
    expect((await profile(otherAdmin.token, { contacts }, '"v2"')).status).toBe(403);

    const audit = await asAgencyOwner(t, 'mo-dese', (c) =>
      c.query(
        `SELECT actor_user_id, before, after FROM audit_events
          WHERE entity_id = $1 AND action = 'organization.profile_updated'`,
        [org.id],
      ),
    );
    expect(audit.rows).toEqual([
      {
        actor_user_id: orgAdmin.user.id,
        before: expect.objectContaining({ legalName: org.legalName, contacts: org.contacts }),
        after: expect.objectContaining({ legalName: 'Jefferson City Public Schools', contacts }),
      },
    ]);
  });

  it('lets an org admin invite members with roles, change roles, and not remove the last admin', async () => {
    const org = await createOrganization(t, 'mo-dese', {}, admin);
    const orgAdmin = await signedInOrganizationMember(t, 'mo-dese', org.id, ['org_admin']);
    const invited = await t.request({
      method: 'POST',
      url: url(`/${org.id}/members`),
      token: orgAdmin.token,
      payload: {
        email: 'New.Rep@District.example',
        name: 'Rae Rep',
        roles: ['authorized_representative'],
      },
    });
    expect(invited.status).toBe(201);
    expect(invited.json()).toMatchObject({
      email: 'new.rep@district.example',
      roles: ['authorized_representative'],
      status: 'pending',
    });
    // The answer carries no user id (the same for an existing account); the list has it.
    const listed = await t.request({
      method: 'GET',
      url: url(`/${org.id}/members`),
      token: orgAdmin.token,
    });
    const invitedId = listed
      .json()
      .items.find((m: any) => m.email === 'new.rep@district.example').id;
    const changed = await t.request({
      method: 'PUT',
      url: url(`/${org.id}/members/${invitedId}`),
      token: orgAdmin.token,
      payload: { roles: ['authorized_representative', 'grant_writer'] },
    });
    expect(changed.json().roles).toEqual(['authorized_representative', 'grant_writer']);
    const lastAdmin = await t.request({
      method: 'DELETE',
      url: url(`/${org.id}/members/${orgAdmin.user.id}`),
      token: orgAdmin.token,
    });
    expect(lastAdmin.status).toBe(409);
    expect(lastAdmin.json().code).toBe('organization.last_admin');
    const removed = await t.request({
      method: 'DELETE',
      url: url(`/${org.id}/members/${invitedId}`),
      token: orgAdmin.token,
    });
    expect(removed.status).toBe(204);

    // A grant writer may not manage members; an admin of another organization may not either.
    const writer = await signedInOrganizationMember(t, 'mo-dese', org.id, ['grant_writer']);
    expect(
      (await t.request({ method: 'GET', url: url(`/${org.id}/members`), token: writer.token }))
        .status,
    ).toBe(403);
    const other = await createOrganization(t, 'mo-dese', {}, admin);
    const otherAdmin = await signedInOrganizationMember(t, 'mo-dese', other.id, ['org_admin']);
    expect(
      (await t.request({ method: 'GET', url: url(`/${org.id}/members`), token: otherAdmin.token }))
        .status,
    ).toBe(403);
    expect(
      (await t.request({ method: 'GET', url: url(`/${org.id}`), token: otherAdmin.token })).status,
    ).toBe(403);
  });

  it("keeps each agency's organizations to itself", async () => {
    const org = await createOrganization(t, 'mo-dese', {}, admin);
    const ksAdmin = await signedInStaff(t, 'ks-ksde', ['agency_admin']);
    const res = await t.request({
      method: 'GET',
      url: `/api/v1/agencies/ks-ksde/organizations/${org.id}`,
      token: ksAdmin.token,
    });
    expect(res.status).toBe(404);
    const list = await t.request({
      method: 'GET',
      url: '/api/v1/agencies/ks-ksde/organizations',
      token: ksAdmin.token,
    });
    expect(list.json().items.map((o: { id: string }) => o.id)).not.toContain(org.id);
  });

  it('answers 404, not a database error, for ids of 36 characters that are not UUIDs', async () => {
    for (const id of ['-'.repeat(36), `${'a'.repeat(35)}-`]) {
      const res = await t.request({ method: 'GET', url: url(`/${id}`), token: admin.token });
      expect(res.status).toBe(404);
      expect(res.json().code).toBe('organization.not_found');
    }
  });

  describe("the organization's status in every request", () => {
    const get = (who: SignedIn, id: string, path = '') =>
      t.request({ method: 'GET', url: url(`/${id}${path}`), token: who.token });
    const invite = (who: SignedIn, id: string, email: string) =>
      t.request({
        method: 'POST',
        url: url(`/${id}/members`),
        token: who.token,
        payload: { email, name: 'Ivy Invitee', roles: ['grant_writer'] },
      });
    const accountCount = async (email: string) =>
      (await ownerPool(t).query(`SELECT count(*)::int AS n FROM users WHERE email = $1`, [email]))
        .rows[0].n as number;
    const memberships = (organizationId: string) =>
      asAgencyOwner(
        t,
        'mo-dese',
        async (c) =>
          (
            await c.query(
              `SELECT user_id, roles, status FROM organization_memberships
              WHERE organization_id = $1 ORDER BY user_id`,
              [organizationId],
            )
          ).rows,
      );
    const outboxRows = async () =>
      (await ownerPool(t).query(`SELECT count(*)::int AS n FROM jobs_outbox`)).rows[0].n as number;

    it('lets a pending registration be completed by the person who registered it, and no one else, and refuses its invitations', async () => {
      const registrant = await signedInUser(t);
      const pending = (
        await t.request({
          method: 'POST',
          url: url('/registrations'),
          token: registrant.token,
          payload: organizationBody(),
        })
      ).json();
      expect((await get(registrant, pending.id)).status).toBe(200);
      expect((await get(registrant, pending.id, '/members')).status).toBe(200);
      const completed = await t.request({
        method: 'PATCH',
        url: url(`/${pending.id}/profile`),
        token: registrant.token,
        headers: { 'if-match': '"v1"' },
        payload: { contacts: [{ name: 'Pat Primary', email: 'pat@district.example' }] },
      });
      expect(completed.status).toBe(200);

      // A pending organization invites nobody: coded refusal, no account, no email, no member.
      const before = { outbox: await outboxRows(), members: await memberships(pending.id) };
      const refused = await invite(registrant, pending.id, 'pending.invitee@district.example');
      expect(refused.status).toBe(409);
      expect(refused.json()).toMatchObject({
        code: 'organization.not_active',
        organizationStatus: 'pending',
      });
      expect(await accountCount('pending.invitee@district.example')).toBe(0);
      expect(await outboxRows()).toBe(before.outbox);
      expect(await memberships(pending.id)).toEqual(before.members);

      // Someone else holding a role in the pending organization (added before this rule) gets
      // nothing from it: not the organization, not the agency.
      const other = await signedInUser(t);
      await grantOrganizationRoles(t, 'mo-dese', pending.id, other.user.id, ['org_admin']);
      expect((await get(other, pending.id)).status).toBe(404);

      // Rejected: the registrant loses it too; the membership rows are left as they were.
      const beforeRejection = await memberships(pending.id);
      await t.request({
        method: 'POST',
        url: url(`/${pending.id}/reject`),
        token: admin.token,
        payload: { reason: 'Not an LEA' },
      });
      const gone = await get(registrant, pending.id);
      expect([gone.status, gone.json().code]).toEqual([404, 'agency.not_found']);
      expect(await memberships(pending.id)).toEqual(beforeRejection);
    });

    it('takes a deactivated organization away from its members at their next request, and gives it back on reactivation', async () => {
      const org = await createOrganization(t, 'mo-dese', {}, admin);
      const orgAdmin = await signedInOrganizationMember(t, 'mo-dese', org.id, ['org_admin']);
      const writer = await signedInOrganizationMember(t, 'mo-dese', org.id, ['grant_writer']);
      // A member of two organizations keeps the other one.
      const second = await createOrganization(t, 'mo-dese', {}, admin);
      await grantOrganizationRoles(t, 'mo-dese', second.id, writer.user.id, ['grant_writer']);
      expect((await get(orgAdmin, org.id)).status).toBe(200);
      expect((await get(writer, org.id)).status).toBe(200);
      const before = await memberships(org.id);

      const deactivated = await t.request({
        method: 'POST',
        url: url(`/${org.id}/deactivate`),
        token: admin.token,
        payload: { reason: 'District consolidated' },
      });
      expect(deactivated.json().status).toBe('inactive');

      const adminView = await get(orgAdmin, org.id);
      expect([adminView.status, adminView.json().code]).toEqual([404, 'agency.not_found']);
      const outbox = await outboxRows();
      const refused = await invite(orgAdmin, org.id, 'late.invitee@district.example');
      expect(refused.status).toBe(404);
      expect(await accountCount('late.invitee@district.example')).toBe(0);
      expect(await outboxRows()).toBe(outbox);
      expect((await get(writer, org.id)).status).toBe(403);
      expect((await get(writer, second.id)).status).toBe(200);
      // The memberships themselves are untouched: the status decides, not a cascade of edits.
      expect(await memberships(org.id)).toEqual(before);

      await t.request({
        method: 'POST',
        url: url(`/${org.id}/reactivate`),
        token: admin.token,
        payload: {},
      });
      expect((await get(orgAdmin, org.id)).status).toBe(200);
      const invited = await invite(orgAdmin, org.id, 'back.invitee@district.example');
      expect(invited.status).toBe(201);
    });
  });
});
