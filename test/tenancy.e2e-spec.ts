import { randomUUID } from 'node:crypto';
import { AGENCY_ROLES, ORGANIZATION_ROLES, PERMISSIONS } from '../src/identity/permissions';
import {
  agencyId,
  createTestOrganization,
  discoverRoutes,
  DiscoveredRoute,
  signedInOrganizationMember,
  signedInPlatformAdmin,
  signedInStaff,
  SignedIn,
} from './factories/identity';
import { useTestApp } from './support/use-test-app';

const AGENCIES = ['mo-dese', 'ks-ksde'] as const;
const DUMMY_ID = '00000000-0000-4000-8000-000000000000';

/**
 * The wall between agencies, end to end: a member of one agency, whatever their role, meets the
 * same 404 on every path of the other agency as on an agency that does not exist.
 */
describe('tenancy: nothing of one agency is reachable from another', () => {
  const t = useTestApp();
  let agencyRoutes: DiscoveredRoute[];
  type Caller = { label: string; who: SignedIn; organizationId?: string };
  const callers: Record<string, Caller[]> = {};

  // An organization member's own organization id is used where the path names one: even that
  // id opens nothing under the other agency.
  const pathFor = (route: DiscoveredRoute, agencyCode: string, organizationId = DUMMY_ID) =>
    route.path.replace(/:(\w+)/g, (_, name: string) =>
      name === 'agencyCode' ? agencyCode : name === 'organizationId' ? organizationId : DUMMY_ID,
    );
  const send = (route: DiscoveredRoute, agencyCode: string, caller: Caller) =>
    t.request({
      method: route.method as 'GET',
      url: pathFor(route, agencyCode, caller.organizationId),
      token: caller.who.token,
      payload: route.method === 'GET' || route.method === 'DELETE' ? undefined : {},
      headers: { 'idempotency-key': randomUUID(), 'if-match': '"0"' },
    });

  beforeAll(async () => {
    // Members-only agency routes: public ones (e.g. published programs) and self-service ones
    // ('*', e.g. registering an organization) are open to every signed-in user by design.
    // API routes (bearer tokens). Pages sign in by cookie and run the same access decision; their
    // cross-agency refusals are in each area's browser test (test/web-*.e2e-spec.ts).
    agencyRoutes = discoverRoutes(t).filter((r) => {
      if (!r.path.startsWith('/api/')) return false;
      if (!r.path.includes(':agencyCode') || r.isPublic || !r.permission) return false;
      const roles = PERMISSIONS[r.permission as keyof typeof PERMISSIONS] as readonly string[];
      return !roles.includes('*');
    });
    for (const agency of AGENCIES) {
      callers[agency] = [];
      for (const role of AGENCY_ROLES) {
        callers[agency].push({ label: role, who: await signedInStaff(t, agency, [role]) });
      }
      callers[agency].push({
        label: 'all agency roles',
        who: await signedInStaff(t, agency, [...AGENCY_ROLES]),
      });
      // Organization members belong to the agency through their organization.
      for (const role of ORGANIZATION_ROLES) {
        const organizationId = await createTestOrganization(t, agency);
        callers[agency].push({
          label: role,
          organizationId,
          who: await signedInOrganizationMember(t, agency, organizationId, [role]),
        });
      }
    }
  });

  it('has agency-scoped routes to walk', () => {
    expect(agencyRoutes.length).toBeGreaterThan(0);
    expect(agencyRoutes.map((r) => `${r.method} ${r.path}`)).toContain(
      'GET /api/v1/agencies/:agencyCode/staff',
    );
  });

  for (const [home, other] of [
    ['mo-dese', 'ks-ksde'],
    ['ks-ksde', 'mo-dese'],
  ] as const) {
    it(`gives every role of ${home} a 404 on every ${other} route, the same as an unknown agency`, async () => {
      const leaks: string[] = [];
      for (const caller of callers[home]) {
        for (const route of agencyRoutes) {
          const [res, unknown] = await Promise.all([
            send(route, other, caller),
            send(route, 'zz-no-such-agency', caller),
          ]);
          const body = res.json();
          const expected = unknown.json();
          if (
            res.status !== 404 ||
            body.code !== 'agency.not_found' ||
            body.detail !== expected.detail ||
            unknown.status !== 404
          ) {
            leaks.push(
              `${caller.label}: ${route.method} ${pathFor(route, other)} -> ${res.status} ${body.code}`,
            );
          }
        }
      }
      expect(leaks).toEqual([]);
    });
  }

  it('recognizes every caller as a member at home (so the 404s above are not a broken login)', async () => {
    for (const agency of AGENCIES) {
      for (const caller of callers[agency]) {
        const res = await t.request({
          method: 'GET',
          url: `/api/v1/agencies/${agency}/staff`,
          token: caller.who.token,
        });
        const admin = caller.label === 'agency_admin' || caller.label === 'all agency roles';
        expect({ caller: caller.label, status: res.status }).toEqual({
          caller: caller.label,
          status: admin ? 200 : 403,
        });
      }
    }
  });

  it('gives a platform admin the same 404 inside an agency (operators read no grant data)', async () => {
    const admin = await signedInPlatformAdmin(t);
    for (const route of agencyRoutes) {
      const res = await send(route, 'mo-dese', { label: 'platform admin', who: admin });
      expect({ route: `${route.method} ${route.path}`, status: res.status }).toEqual({
        route: `${route.method} ${route.path}`,
        status: 404,
      });
    }
  });

  it('answers a caller with no token 401 on real and unknown agencies alike', async () => {
    const real = await t.request({ method: 'GET', url: '/api/v1/agencies/ks-ksde/staff' });
    const unknown = await t.request({ method: 'GET', url: '/api/v1/agencies/zz-nope/staff' });
    expect(real.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(real.json().code).toBe(unknown.json().code);
  });

  describe('the agency comes from the path only', () => {
    const moAdmin = () => callers['mo-dese'].find((c) => c.label === 'agency_admin')!.who;
    const ksAdmin = () => callers['ks-ksde'].find((c) => c.label === 'agency_admin')!.who;

    it('ignores a query string and headers naming another agency', async () => {
      const ksId = await agencyId(t, 'ks-ksde');
      const res = await t.request({
        method: 'GET',
        url: `/api/v1/agencies/mo-dese/staff?agencyCode=ks-ksde&agencyId=${ksId}`,
        token: moAdmin().token,
        headers: { 'x-agency-code': 'ks-ksde', 'x-agency-id': ksId, 'x-tenant': 'ks-ksde' },
      });
      // Unknown query properties are refused outright; without them the headers change nothing.
      expect(res.status).toBe(400);
      const plain = await t.request({
        method: 'GET',
        url: '/api/v1/agencies/mo-dese/staff',
        token: moAdmin().token,
        headers: { 'x-agency-code': 'ks-ksde', 'x-agency-id': ksId },
      });
      expect(plain.status).toBe(200);
      const emails = plain.json().items.map((i: any) => i.email);
      expect(emails).toContain(moAdmin().user.email);
      expect(emails).not.toContain(ksAdmin().user.email);

      const ksViaHeader = await t.request({
        method: 'GET',
        url: '/api/v1/agencies/mo-dese/staff',
        token: ksAdmin().token,
        headers: { 'x-agency-code': 'ks-ksde', 'x-agency-id': ksId },
      });
      expect(ksViaHeader.status).toBe(404);
    });

    it('refuses a body naming another agency and creates nothing', async () => {
      const email = `${randomUUID().slice(0, 8)}@body-agency.example.org`;
      const res = await t.request({
        method: 'POST',
        url: '/api/v1/agencies/mo-dese/staff',
        token: moAdmin().token,
        payload: { email, name: 'Body Test', roles: ['reviewer'], agencyCode: 'ks-ksde' },
      });
      expect(res.status).toBe(400);
      expect(res.json().errors.map((e: any) => e.pointer)).toContain('/agencyCode');
      const ks = await t.request({
        method: 'GET',
        url: '/api/v1/agencies/ks-ksde/staff?limit=100',
        token: ksAdmin().token,
      });
      expect(ks.json().items.map((i: any) => i.email)).not.toContain(email);
    });
  });
});
