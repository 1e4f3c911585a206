import { randomBytes } from 'node:crypto';
import { ownerPool, signedInPlatformAdmin, signedInStaff } from './factories';
import { deleteRedisKeys, TEST_REDIS_URL } from './jobs/redis';
import { useTestApp } from './support/use-test-app';

describe('the queue dashboard and Redis readiness (with REDIS_URL)', () => {
  const prefix = `gc-test-${randomBytes(4).toString('hex')}`;
  // An API process: Redis configured, workers elsewhere (WORKER_IN_PROCESS defaults to false).
  const t = useTestApp({ env: { REDIS_URL: TEST_REDIS_URL, JOB_QUEUE_PREFIX: prefix } });
  afterAll(() => deleteRedisKeys(TEST_REDIS_URL, prefix));

  it('reports Redis in the readiness check', async () => {
    const res = await t.request({ method: 'GET', url: '/health/ready' });
    expect(res.status).toBe(200);
    expect(res.json().checks).toMatchObject({ database: 'up', redis: 'up' });
  });

  it('shows a sign-in form to a browser without a token, and refuses API calls', async () => {
    const page = await t.request({
      method: 'GET',
      url: '/admin/queues',
      headers: { accept: 'text/html' },
    });
    expect(page.status).toBe(401);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain('action="/admin/queues/session"');
    const api = await t.request({ method: 'GET', url: '/admin/queues/api/queues' });
    expect(api.status).toBe(401);
    expect(api.json().code).toBe('auth.unauthenticated');
  });

  it('refuses agency staff, however senior', async () => {
    const staff = await signedInStaff(t, 'mo-dese', ['agency_admin']);
    const api = await t.request({
      method: 'GET',
      url: '/admin/queues/api/queues',
      token: staff.token,
    });
    expect(api.status).toBe(403);
    const form = await t.request({
      method: 'POST',
      url: '/admin/queues/session',
      payload: `token=${encodeURIComponent(staff.token)}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(form.status).toBe(403);
    expect(form.headers['set-cookie']).toBeUndefined();
  });

  it('lets a platform admin in with a bearer token, or through the form and an HttpOnly cookie', async () => {
    const admin = await signedInPlatformAdmin(t);
    const api = await t.request({
      method: 'GET',
      url: '/admin/queues/api/queues',
      token: admin.token,
    });
    expect(api.status).toBe(200);
    expect(
      api
        .json()
        .queues.map((q: any) => q.name)
        .sort(),
    ).toEqual(['jobs', 'schedules']);

    const form = await t.request({
      method: 'POST',
      url: '/admin/queues/session',
      payload: `token=${encodeURIComponent(admin.token)}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(form.status).toBe(303);
    expect(form.headers.location).toBe('/admin/queues/');
    const cookie = String(form.headers['set-cookie']);
    expect(cookie).toMatch(
      /^gc_queues=[^;]+; Path=\/admin\/queues; HttpOnly; SameSite=Strict; Max-Age=\d+/,
    );

    const board = await t.request({
      method: 'GET',
      url: '/admin/queues/',
      headers: { accept: 'text/html', cookie: cookie.split(';')[0] },
    });
    expect(board.status).toBe(200);
    expect(board.body).toContain('Grant Commons jobs');
    const viaCookie = await t.request({
      method: 'GET',
      url: '/admin/queues/api/queues',
      headers: { cookie: cookie.split(';')[0] },
    });
    expect(viaCookie.status).toBe(200);
    const tampered = await t.request({
      method: 'GET',
      url: '/admin/queues/api/queues',
      headers: { cookie: 'gc_queues=not-a-token' },
    });
    expect(tampered.status).toBe(401);
  });

  it('refuses a token whose session was logged out, or whose admin was demoted, at once', async () => {
    const queuesWith = (headers: Record<string, string>) =>
      t.request({ method: 'GET', url: '/admin/queues/api/queues', headers });

    const admin = await signedInPlatformAdmin(t);
    const form = await t.request({
      method: 'POST',
      url: '/admin/queues/session',
      payload: `token=${encodeURIComponent(admin.token)}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    const cookie = String(form.headers['set-cookie']).split(';')[0];
    const bearer = { authorization: `Bearer ${admin.token}` };
    expect((await queuesWith(bearer)).status).toBe(200);
    expect((await queuesWith({ cookie })).status).toBe(200);

    const logout = await t.request({
      method: 'POST',
      url: '/api/v1/auth/logout',
      token: admin.token,
    });
    expect(logout.status).toBe(204);
    // The token is still unexpired and still says platform admin; its session is over.
    const afterLogout = await queuesWith(bearer);
    expect(afterLogout.status).toBe(401);
    expect(afterLogout.json().code).toBe('auth.unauthenticated');
    expect((await queuesWith({ cookie })).status).toBe(401);
    const page = await t.request({
      method: 'GET',
      url: '/admin/queues/',
      headers: { accept: 'text/html', cookie },
    });
    expect(page.status).toBe(401);
    expect(page.body).toContain('action="/admin/queues/session"');
    const signInAgain = await t.request({
      method: 'POST',
      url: '/admin/queues/session',
      payload: `token=${encodeURIComponent(admin.token)}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(signInAgain.status).toBe(401);
    expect(signInAgain.headers['set-cookie']).toBeUndefined();

    const demoted = await signedInPlatformAdmin(t);
    expect((await queuesWith({ authorization: `Bearer ${demoted.token}` })).status).toBe(200);
    await ownerPool(t).query(`UPDATE users SET platform_admin = false WHERE id = $1`, [
      demoted.user.id,
    ]);
    expect((await queuesWith({ authorization: `Bearer ${demoted.token}` })).status).toBe(403);
  });
});
