import { randomUUID } from 'node:crypto';
import { AGENCY_ROLES, ORGANIZATION_ROLES } from '../src/identity/permissions';
import { openProgram } from './factories/grants';
import {
  createTestOrganization,
  createUser,
  grantAgencyRoles,
  grantOrganizationRoles,
  login,
} from './factories/identity';
import { useTestApp } from './support/use-test-app';

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64url');
const json = (value: unknown) => b64(JSON.stringify(value));
const ISO = '2026-03-01T12:00:00.000Z';

interface CursorRoute {
  path: string;
  /** A cursor of the right shape (pointing nowhere in particular): the list answers 200. */
  wellFormed: string;
  /** The key leads with text (a name), so any string is a well-formed first value. */
  textKey?: boolean;
}

/**
 * A malformed keyset cursor is a 400 `pagination.invalid_cursor` problem on every list that
 * takes one, never a 500 (issue 13, item 13): garbage, truncated base64, and valid base64 of
 * JSON of the wrong shape or with values PostgreSQL's casts would reject.
 */
describe('keyset cursors: forged ones are 400 pagination.invalid_cursor everywhere', () => {
  const t = useTestApp();
  let token: string;
  let routes: CursorRoute[];

  beforeAll(async () => {
    // One caller who may read every list: all agency roles, all organization roles, platform.
    const user = await createUser(t, { platformAdmin: true });
    await grantAgencyRoles(t, 'mo-dese', user.id, [...AGENCY_ROLES]);
    const organizationId = await createTestOrganization(t, 'mo-dese');
    await grantOrganizationRoles(t, 'mo-dese', organizationId, user.id, [...ORGANIZATION_ROLES]);
    token = (await login(t, user.email, user.password)).accessToken;
    const { program } = await openProgram(t, 'mo-dese');

    // A literal public address: registration needs no DNS, and no event is ever sent to it.
    const endpoint = await t.request({
      method: 'POST',
      url: '/api/v1/agencies/mo-dese/webhook-endpoints',
      token: (await login(t, user.email, user.password)).accessToken,
      payload: { url: 'https://192.0.32.10/hooks', events: ['award.accepted'] },
    });
    expect(endpoint.status).toBe(201);
    const endpointId = endpoint.json<{ id: string }>().id;

    const atId = json([ISO, randomUUID()]);
    const agency = '/api/v1/agencies/mo-dese';
    routes = [
      { path: `${agency}/programs`, wellFormed: atId },
      { path: `${agency}/programs/published`, wellFormed: atId },
      { path: `${agency}/program-templates`, wellFormed: atId },
      {
        path: `${agency}/organizations`,
        wellFormed: json(['A', randomUUID()]),
        textKey: true,
      },
      {
        path: `${agency}/organizations/${organizationId}/applications`,
        wellFormed: atId,
      },
      { path: `${agency}/programs/${program.id}/applications`, wellFormed: atId },
      { path: `${agency}/awards`, wellFormed: atId },
      {
        path: `${agency}/organizations/${organizationId}/awards`,
        wellFormed: atId,
      },
      { path: `${agency}/payment-requests`, wellFormed: atId },
      {
        path: `${agency}/organizations/${organizationId}/payment-requests`,
        wellFormed: atId,
      },
      {
        path: `${agency}/audit/events`,
        wellFormed: json(['2026-03-01T12:00:00.000000Z', randomUUID()]),
      },
      { path: `${agency}/staff`, wellFormed: b64('someone@example.org') },
      { path: '/api/v1/me/notifications', wellFormed: atId },
      { path: `${agency}/webhook-endpoints/${endpointId}/deliveries`, wellFormed: atId },
      {
        path: '/api/v1/platform/jobs/dead-letters',
        wellFormed: json(['2026-03-01 12:00:00.123456+00', randomUUID()]),
      },
    ];
  });

  const get = (url: string) => t.request({ method: 'GET', url, token });

  it('covers every list the OpenAPI document declares with a cursor', async () => {
    const doc = (await get('/api/docs-json')).json<{
      paths: Record<string, { get?: { parameters?: Array<{ in: string; name: string }> } }>;
    }>();
    const declared = Object.entries(doc.paths)
      .filter(([, ops]) =>
        (ops.get?.parameters ?? []).some((p) => p.in === 'query' && p.name === 'cursor'),
      )
      .map(([path]) => path);
    // One name for the cursor (issue 18): no list takes `after`, `next` or `page` instead.
    const otherNames = Object.entries(doc.paths).flatMap(([path, ops]) =>
      (ops.get?.parameters ?? [])
        .filter((p) => p.in === 'query' && ['after', 'next', 'page', 'nextCursor'].includes(p.name))
        .map((p) => `${path}?${p.name}`),
    );
    expect(otherNames).toEqual([]);
    const covered = routes.map((r) =>
      r.path
        .replace('/agencies/mo-dese', '/agencies/{agencyCode}')
        .replace(/organizations\/[0-9a-f-]{36}/, 'organizations/{organizationId}')
        .replace(/programs\/[0-9a-f-]{36}/, 'programs/{programId}')
        .replace(/webhook-endpoints\/[0-9a-f-]{36}/, 'webhook-endpoints/{endpointId}'),
    );
    expect(declared.length).toBeGreaterThan(0);
    expect(covered).toEqual(expect.arrayContaining(declared));
  });

  it('accepts a well-formed cursor on each (the routes are reachable by this caller)', async () => {
    for (const route of routes) {
      const res = await get(`${route.path}?cursor=${route.wellFormed}`);
      expect({ path: route.path, status: res.status }).toEqual({ path: route.path, status: 200 });
    }
  });

  it('answers every list as { items, nextCursor } with nextCursor null on the last page', async () => {
    for (const route of routes) {
      const body = (await get(`${route.path}?limit=200`)).json<Record<string, unknown>>();
      const shape = {
        path: route.path,
        items: Array.isArray(body.items),
        nextCursor: 'nextCursor' in body ? typeof body.nextCursor : 'absent',
      };
      expect(shape).toEqual({ path: route.path, items: true, nextCursor: 'object' });
      expect(body.nextCursor).toBeNull();
    }
  });

  it('answers 400 pagination.invalid_cursor for garbage, truncated and wrong-shaped cursors', async () => {
    for (const route of routes) {
      const forged = [
        'garbage!!',
        'not-a-cursor',
        route.wellFormed.slice(0, Math.ceil(route.wellFormed.length / 3)), // truncated base64
        json({ createdAt: ISO, id: randomUUID() }), // an object, not the key
        json([ISO]), // too short
        json([ISO, randomUUID(), 1]), // too long
        ...(route.textKey
          ? []
          : [
              json(['yesterday', randomUUID()]), // not a timestamp
              json(['2026-02-31T00:00:00.000Z', randomUUID()]), // no such day
            ]),
        json([ISO, 'not-a-uuid']),
        json(['a\u0000b', randomUUID()]), // NUL: PostgreSQL text cannot hold it
        json([123, randomUUID()]),
        b64('a\u0000@example.org'),
      ];
      for (const cursor of forged) {
        const res = await get(`${route.path}?cursor=${encodeURIComponent(cursor)}`);
        const seen = { path: route.path, cursor, status: res.status, code: res.json().code };
        expect(seen).toEqual({ ...seen, status: 400, code: 'pagination.invalid_cursor' });
        expect(res.headers['content-type']).toContain('application/problem+json');
      }
      // Over-long: refused by the query DTO's length limit or the decoder, a 400 problem either way.
      const long = await get(`${route.path}?cursor=${'A'.repeat(3000)}`);
      expect({ path: route.path, status: long.status }).toEqual({ path: route.path, status: 400 });
      expect(long.headers['content-type']).toContain('application/problem+json');
    }
  });
});
