import { Controller, Get, Post } from '@nestjs/common';
import { Public, RequirePermission } from '../src/core/access/access.decorators';
import { PERMISSIONS } from '../src/identity/permissions';
import { createOrganization } from './factories/grants';
import {
  discoverRoutes,
  DiscoveredRoute,
  routesOf,
  signedInOrganizationMember,
  signedInStaff,
} from './factories/identity';
import { useTestApp } from './support/use-test-app';

/**
 * Architecture rule 8: every route declares who may call it. Walks the booted app's controllers,
 * so a route another module adds later is checked without touching this file.
 */
describe('routes: every route declares @Public or a known permission', () => {
  const t = useTestApp();
  let routes: DiscoveredRoute[];
  const label = (r: DiscoveredRoute) => `${r.method} ${r.path} (${r.controller}.${r.handler})`;

  beforeAll(() => {
    routes = discoverRoutes(t);
  });

  it('finds the routes of the app, including identity, health and agency-scoped ones', () => {
    const paths = routes.map((r) => `${r.method} ${r.path}`);
    expect(paths).toEqual(
      expect.arrayContaining([
        'POST /api/v1/auth/login',
        'GET /api/v1/me',
        'GET /api/v1/agencies/:agencyCode/staff',
        'GET /health/ready',
      ]),
    );
  });

  it('has no route that declares neither @Public nor @RequirePermission', () => {
    expect(routes.filter((r) => !r.isPublic && !r.permission).map(label)).toEqual([]);
  });

  it('has no route that declares both (which one wins would be a guess)', () => {
    expect(routes.filter((r) => r.isPublic && r.permission).map(label)).toEqual([]);
  });

  it('names only permissions that exist in the catalog', () => {
    const unknown = routes.filter((r) => r.permission && !(r.permission in PERMISSIONS));
    expect(unknown.map((r) => `${label(r)}: ${r.permission}`)).toEqual([]);
  });

  it('uses platform permissions only outside agencies and agency permissions only inside', () => {
    const misplaced = routes.filter((r) => {
      if (!r.permission) return false;
      const inAgency = r.path.includes(':agencyCode');
      const roles = PERMISSIONS[r.permission as keyof typeof PERMISSIONS] as readonly string[];
      if (inAgency) return r.permission.startsWith('platform.');
      // Outside an agency only '*' and platform_admin can ever be granted.
      return !roles.includes('*') && !roles.includes('platform_admin');
    });
    expect(misplaced.map((r) => `${label(r)}: ${r.permission}`)).toEqual([]);
  });

  it('would catch an undeclared handler (the walker reads decorators, not a list)', () => {
    @Controller('agencies/:agencyCode/forgotten')
    class ForgottenController {
      @Get()
      list(): string[] {
        return [];
      }

      @Post()
      @RequirePermission('program.manage')
      create(): void {}

      @Get('open')
      @Public()
      open(): void {}
    }
    const found = routesOf(ForgottenController);
    expect(found.filter((r) => !r.isPublic && !r.permission).map((r) => r.handler)).toEqual([
      'list',
    ]);
    expect(found.find((r) => r.handler === 'create')).toMatchObject({
      method: 'POST',
      path: '/api/v1/agencies/:agencyCode/forgotten',
      permission: 'program.manage',
    });
  });
});

/**
 * Ids in paths reach SQL only as UUIDs: any other text, even 36 characters of dashes, is a coded
 * 4xx and never a database error (500). Walks every GET route inside an agency, called by staff
 * holding every agency role and by a member holding every role of a real organization.
 */
describe('routes: malformed ids in paths', () => {
  const t = useTestApp();

  it('answers every agency GET route with a 4xx for ids that are not UUIDs', async () => {
    const staff = await signedInStaff(t, 'mo-dese', [
      'agency_admin',
      'program_officer',
      'reviewer',
      'finance_officer',
    ]);
    const organization = await createOrganization(t, 'mo-dese', {}, staff);
    const member = await signedInOrganizationMember(t, 'mo-dese', organization.id, [
      'org_admin',
      'grant_writer',
      'authorized_representative',
    ]);
    const routes = discoverRoutes(t).filter(
      (r) => r.method === 'GET' && r.path.includes(':agencyCode') && /:\w+Id\b/.test(r.path),
    );
    expect(routes.length).toBeGreaterThan(20);
    const failures: string[] = [];
    let handled = 0;
    const call = async (url: string, token: string) => {
      const res = await t.request({ method: 'GET', url, token });
      if (res.status < 400 || res.status >= 500) failures.push(`${res.status} ${url}`);
      // 403 is the access policy; anything else came from the handler's own checks.
      if (res.status !== 403) handled += 1;
    };
    for (const route of routes)
      for (const bad of ['-'.repeat(36), 'not-a-uuid']) {
        const path = route.path.replace(':agencyCode', 'mo-dese');
        await call(path.replace(/:\w+Id\b/g, bad), staff.token);
        // Inside the member's own organization, the other ids malformed.
        const inOrganization = path.replace(':organizationId', organization.id);
        if (path.includes(':organizationId') && /:\w+Id\b/.test(inOrganization))
          await call(inOrganization.replace(/:\w+Id\b/g, bad), member.token);
      }
    expect(failures).toEqual([]);
    expect(handled).toBeGreaterThan(routes.length);
  });
});
