import { schemaDrift } from '../src/core/database/provisioning';
import { connect } from './support/database';
import { useTestApp } from './support/use-test-app';

describe('foundation: the HTTP kernel on real PostgreSQL', () => {
  const t = useTestApp();

  it('answers readiness with the database checked, and a request id on the response', async () => {
    const res = await t.request({ method: 'GET', url: '/health/ready' });
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ status: 'ok', checks: { database: 'up' } });
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('keeps a sane caller-supplied request id and replaces an unsafe one', async () => {
    const kept = await t.request({
      method: 'GET',
      url: '/health/live',
      headers: { 'x-request-id': 'trace-123' },
    });
    expect(kept.headers['x-request-id']).toBe('trace-123');
    const replaced = await t.request({
      method: 'GET',
      url: '/health/live',
      headers: { 'x-request-id': 'bad id\n' },
    });
    expect(replaced.headers['x-request-id']).not.toContain('bad');
  });

  it('answers unknown routes with a problem document', async () => {
    const res = await t.request({ method: 'GET', url: '/api/v1/no-such-thing' });
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({
      status: 404,
      code: 'route.not_found',
      instance: '/api/v1/no-such-thing',
    });
  });

  it('answers malformed JSON with a problem document and no stack trace', async () => {
    const res = await t.request({
      method: 'POST',
      url: '/api/v1/anything',
      payload: '{"broken": ',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ code: 'request.malformed', status: 400 });
    expect(res.body).not.toMatch(/at .*\.js:\d+/);
  });

  it('sends security headers', async () => {
    const res = await t.request({ method: 'GET', url: '/health/live' });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
  });

  it('publishes a valid OpenAPI 3 document', async () => {
    const res = await t.request({ method: 'GET', url: '/api/docs-json' });
    expect(res.status).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.info.title).toBe('Grant Commons API');
    expect(doc.paths['/health/ready']).toBeDefined();
    // Every operation has an id and responses: the minimum a client generator needs.
    for (const [path, item] of Object.entries<Record<string, any>>(doc.paths)) {
      for (const [method, op] of Object.entries<any>(item)) {
        expect({ path, method, operationId: typeof op.operationId }).toEqual({
          path,
          method,
          operationId: 'string',
        });
        expect(op.responses).toBeDefined();
      }
    }
  });

  it('connects as the app role, which neither owns tables nor bypasses row-level security', async () => {
    const client = await connect(t.db.appUrl);
    try {
      const role = await client.query(
        'SELECT rolsuper, rolbypassrls, rolcreaterole FROM pg_roles WHERE rolname = current_user',
      );
      expect(role.rows[0]).toEqual({ rolsuper: false, rolbypassrls: false, rolcreaterole: false });
      const owned = await client.query(
        "SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public' AND tableowner = current_user",
      );
      expect(owned.rows[0].n).toBe(0);
    } finally {
      await client.end();
    }
  });

  it('has migrations that match the entities (no schema drift)', async () => {
    expect(await schemaDrift(t.db.ownerUrl)).toEqual([]);
  });
});
