import { ApplicationConfig } from '@nestjs/core';
import { AuthenticationGuard } from '../src/core/access/authentication.guard';
import { TenantTransactionInterceptor } from '../src/core/context/tenant-transaction.interceptor';
import { signedInStaff, signedInUser, SignedIn } from './factories/identity';
import { createProgram, publishProgram } from './factories/grants';
import { bootTestApp, TestApp } from './support/test-app';

/**
 * The request's first round trip: BEGIN, the tenant and the caller's grants together, once the
 * connection has the access statement prepared (MembershipAccessPolicy).
 */
describe('request access: tenant and grants in the first round trip', () => {
  let t: TestApp;
  let officer: SignedIn;

  beforeAll(async () => {
    t = await bootTestApp();
    officer = await signedInStaff(t, 'mo-dese', ['program_officer']);
  });
  afterAll(async () => {
    await t.close();
  });

  it('runs each request through one guard and one interceptor (no pass-throughs)', () => {
    const config = t.app.get(ApplicationConfig);
    expect(config.getGlobalGuards().map((g) => g.constructor)).toEqual([AuthenticationGuard]);
    expect(config.getGlobalInterceptors().map((i) => i.constructor)).toEqual([
      TenantTransactionInterceptor,
    ]);
  });

  it('answers the same on a connection that has the access statement prepared (one round trip)', async () => {
    // The first request on a pooled connection prepares the access statement; later ones send
    // BEGIN, set_config and EXECUTE together. Sequential requests reuse connections, so each
    // verdict below is reached on both paths.
    const ended = await signedInStaff(t, 'mo-dese', ['reviewer']);
    await t.request({ method: 'POST', url: '/api/v1/auth/logout', token: ended.token });
    const kansan = await signedInStaff(t, 'ks-ksde', ['program_officer']);
    const admin = await signedInStaff(t, 'mo-dese', ['agency_admin']);
    const staff = '/api/v1/agencies/mo-dese/staff';
    for (let i = 0; i < 12; i++) {
      const own = await t.request({ method: 'GET', url: staff, token: admin.token });
      expect(own.status).toBe(200);
      const forbidden = await t.request({ method: 'GET', url: staff, token: officer.token });
      expect([forbidden.status, forbidden.json().code]).toEqual([403, 'auth.forbidden']);
      const foreign = await t.request({ method: 'GET', url: staff, token: kansan.token });
      expect([foreign.status, foreign.json().code]).toEqual([404, 'agency.not_found']);
      const gone = await t.request({ method: 'GET', url: staff, token: ended.token });
      expect([gone.status, gone.json().code]).toEqual([401, 'auth.session_ended']);
      const me = await t.request({ method: 'GET', url: '/api/v1/me', token: kansan.token });
      expect(me.status).toBe(200);
      expect(JSON.stringify(me.json())).toContain('ks-ksde');
      const meEnded = await t.request({ method: 'GET', url: '/api/v1/me', token: ended.token });
      expect(meEnded.json().code).toBe('auth.session_ended');
    }
  });

  it('serves a public agency route its agency’s data to anonymous, ended and outside callers alike', async () => {
    const program = await createProgram(t, 'mo-dese', officer, {
      title: 'Request Access Literacy',
      fiscalYear: 2029,
    });
    await publishProgram(t, 'mo-dese', officer, program.id);
    const ended = await signedInStaff(t, 'mo-dese', ['reviewer']);
    await t.request({ method: 'POST', url: '/api/v1/auth/logout', token: ended.token });
    const outsider = await signedInUser(t);
    const url = '/api/v1/agencies/mo-dese/programs/published?fiscalYear=2029';
    for (const token of [undefined, ended.token, outsider.token, officer.token]) {
      const res = await t.request({ method: 'GET', url, token });
      expect(res.status).toBe(200);
      expect(res.json().items.map((p: { id: string }) => p.id)).toEqual([program.id]);
    }
    // The same caller with the same token on another agency's path sees that agency's only.
    const kansas = await t.request({
      method: 'GET',
      url: '/api/v1/agencies/ks-ksde/programs/published?fiscalYear=2029',
      token: officer.token,
    });
    expect(kansas.json().items).toEqual([]);
  });
});
