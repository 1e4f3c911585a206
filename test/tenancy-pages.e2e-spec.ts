import { AGENCY_ROLES, ORGANIZATION_ROLES, PERMISSIONS } from '../src/identity/permissions';
import {
  createTestOrganization,
  createUser,
  DiscoveredRoute,
  discoverRoutes,
  grantAgencyRoles,
  grantOrganizationRoles,
} from './factories/identity';
import { signInByPage } from './factories/web-sign-in';
import { useTestApp } from './support/use-test-app';

const AGENCIES = ['mo-dese', 'ks-ksde'] as const;
const DUMMY_ID = '00000000-0000-4000-8000-000000000000';

/** A browser's state without a browser: its cookies and a form token made from its CSRF secret. */
interface WebCaller {
  label: string;
  organizationId?: string;
  cookie: string;
  formToken: string;
}

/**
 * The wall between agencies, for the web pages: the routes are the pages' own (signed in by the
 * session cookie, forms with their CSRF token), walked as the API's tenancy test walks the API.
 * A member of one agency, whatever their role, gets the same 404 page on every members-only
 * page of the other agency, their own organization's id in the path included.
 */
describe('tenancy, pages: nothing of one agency is reachable from another', () => {
  const t = useTestApp();
  let pageRoutes: DiscoveredRoute[];
  const callers: Record<string, WebCaller[]> = {};

  const pathFor = (route: DiscoveredRoute, agencyCode: string, organizationId = DUMMY_ID) =>
    route.path.replace(/:(\w+)/g, (_, name: string) =>
      name === 'agencyCode' ? agencyCode : name === 'organizationId' ? organizationId : DUMMY_ID,
    );
  const send = (route: DiscoveredRoute, agencyCode: string, caller: WebCaller) =>
    t.request({
      method: route.method as 'GET',
      url: pathFor(route, agencyCode, caller.organizationId),
      headers: {
        cookie: caller.cookie,
        accept: 'text/html',
        ...(route.method === 'GET' ? {} : { 'content-type': 'application/x-www-form-urlencoded' }),
      },
      payload:
        route.method === 'GET'
          ? undefined
          : new URLSearchParams({ _csrf: caller.formToken }).toString(),
    });

  beforeAll(async () => {
    // Members-only pages inside an agency's portal; public pages (Find funding) and self-service
    // ones ('*', e.g. registering an organization) are open to every signed-in user by design.
    pageRoutes = discoverRoutes(t).filter((r) => {
      if (r.path.startsWith('/api/') || !r.path.includes(':agencyCode')) return false;
      if (r.isPublic || !r.permission) return false;
      const roles = PERMISSIONS[r.permission as keyof typeof PERMISSIONS] as readonly string[];
      return !roles.includes('*');
    });
    for (const agency of AGENCIES) {
      callers[agency] = [];
      const organizationId = await createTestOrganization(t, agency);
      const member = await createUser(t);
      await grantOrganizationRoles(t, agency, organizationId, member.id, [...ORGANIZATION_ROLES]);
      const memberWeb = await signInByPage(t, member);
      callers[agency].push({
        label: 'organization member (all roles)',
        organizationId,
        cookie: memberWeb.cookie,
        formToken: memberWeb.token,
      });
      const staff = await createUser(t);
      await grantAgencyRoles(t, agency, staff.id, [...AGENCY_ROLES]);
      const staffWeb = await signInByPage(t, staff);
      callers[agency].push({
        label: 'agency staff (all roles)',
        cookie: staffWeb.cookie,
        formToken: staffWeb.token,
      });
    }
  });

  it('has members-only pages to walk, reads and forms', () => {
    expect(pageRoutes.filter((r) => r.method === 'GET').length).toBeGreaterThan(10);
    expect(pageRoutes.filter((r) => r.method === 'POST').length).toBeGreaterThan(10);
  });

  // The pages that name nothing but the agency and the member's own organization open at home:
  // the same requests' 404s in the other agency are the wall, not a broken sign-in.
  const ownPages = () =>
    pageRoutes.filter(
      (r) =>
        r.method === 'GET' &&
        r.path.includes(':organizationId') &&
        [...r.path.matchAll(/:(\w+)/g)].every((m) =>
          ['agencyCode', 'organizationId'].includes(m[1]),
        ),
    );

  it("opens the member's own organization's pages at home", async () => {
    expect(ownPages().length).toBeGreaterThan(3);
    for (const agency of AGENCIES) {
      const member = callers[agency][0];
      for (const route of ownPages()) {
        const res = await send(route, agency, member);
        expect(`${res.status} ${route.path}`).toBe(`200 ${route.path}`);
      }
    }
  });

  it('answers every members-only page and form of the other agency with the 404 page', async () => {
    const failures: string[] = [];
    for (const [home, other] of [AGENCIES, [...AGENCIES].reverse()]) {
      for (const caller of callers[home]) {
        for (const route of pageRoutes) {
          const res = await send(route, other, caller);
          const type = String(res.headers['content-type'] ?? '');
          if (res.status !== 404 || !type.startsWith('text/html'))
            failures.push(
              `${res.status} ${type} ${route.method} ${pathFor(route, other, caller.organizationId)} as ${home} ${caller.label}`,
            );
        }
      }
    }
    expect(failures).toEqual([]);
  });
});
