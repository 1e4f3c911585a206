import { randomUUID } from 'node:crypto';
import {
  activeAward,
  reimbursement,
  requestPayeeChange,
  requestPayment,
} from './factories/finance';
import {
  asAgencyOwner,
  createOrganization,
  SignedIn,
  signedInOrganizationMember,
  signedInPlatformAdmin,
  signedInStaff,
} from './factories';
import { TestApp, TestResponse } from './support/test-app';
import { useTestApp } from './support/use-test-app';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
interface Operation {
  method: Method;
  /** OpenAPI path, parameters as `{name}`. */
  path: string;
  /** The JSON request body's schema, when the operation declares one. */
  body?: Schema;
}

interface Schema {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  example?: unknown;
  minimum?: number;
  minItems?: number;
  items?: Schema;
  allOf?: Schema[];
  oneOf?: Schema[];
  properties?: Record<string, Schema>;
  required?: string[];
}

interface OpenApiDocument {
  paths: Record<
    string,
    Record<string, { requestBody?: { content?: Record<string, { schema?: Schema }> } }>
  >;
  components?: { schemas?: Record<string, Schema> };
}

const HOME = 'mo-dese';
const OTHER = 'ks-ksde';
const LONG = 'a'.repeat(5_000);

/** Routes that end the caller's own session: walked last, so the rest keep a signed-in caller. */
const ENDS_SESSION = /\/auth\/logout$/;

/** One id of a real record of each kind in the other agency, keyed by path parameter name. */
const FOREIGN_ROWS: Record<string, string> = {
  organizationId: 'organizations',
  programId: 'programs',
  templateId: 'programs',
  applicationId: 'applications',
  attachmentId: 'application_attachments',
  assignmentId: 'review_assignments',
  reviewId: 'reviews',
  awardId: 'awards',
  revisionId: 'award_budget_revisions',
  amendmentId: 'award_amendments',
  requestId: 'payment_requests',
  batchId: 'payment_batches',
  changeId: 'payee_changes',
  runId: 'allocation_runs',
  id: 'notifications',
};

/** Every operation of the OpenAPI document the running app serves. */
async function operations(t: TestApp): Promise<Operation[]> {
  const res = await t.request({ method: 'GET', url: '/api/docs-json' });
  expect(res.status).toBe(200);
  const document = res.json<OpenApiDocument>();
  schemas = document.components?.schemas ?? {};
  const found: Operation[] = [];
  for (const [path, item] of Object.entries(document.paths))
    for (const [method, operation] of Object.entries(item))
      if (['get', 'post', 'put', 'patch', 'delete'].includes(method))
        found.push({
          method: method.toUpperCase() as Method,
          path,
          body: operation.requestBody?.content?.['application/json']?.schema,
        });
  // Session-ending routes last.
  return found.sort(
    (a, b) => Number(ENDS_SESSION.test(a.path)) - Number(ENDS_SESSION.test(b.path)),
  );
}

let schemas: Record<string, Schema> = {};

/**
 * A body that passes validation, built from the operation's schema, so that writes reach the
 * services (an empty body stops at the validation pipe): the required members only, or all of
 * them. Ids in the body come from `id` (unknown in walk (a), the other agency's in walk (b)).
 */
function sampleOf(
  schema: Schema,
  id: (name: string) => string,
  all: boolean,
  name = '',
  depth = 0,
): unknown {
  if (schema.$ref)
    return sampleOf(schemas[schema.$ref.split('/').pop()!] ?? {}, id, all, name, depth);
  if (schema.allOf?.length) return sampleOf(schema.allOf[0], id, all, name, depth);
  if (schema.oneOf?.length) return sampleOf(schema.oneOf[0], id, all, name, depth);
  if (/Id$/.test(name) && schema.type !== 'array') return id(name);
  if (schema.example !== undefined) return schema.example;
  if (schema.enum?.length) return schema.enum[0];
  if (schema.properties || schema.type === 'object') {
    if (depth > 4) return {};
    const members = Object.entries(schema.properties ?? {}).filter(
      ([key]) => all || (schema.required ?? []).includes(key),
    );
    return Object.fromEntries(
      members.map(([key, member]) => [key, sampleOf(member, id, all, key, depth + 1)]),
    );
  }
  switch (schema.type) {
    case 'array':
      return schema.items && (all || (schema.minItems ?? 0) > 0)
        ? [sampleOf(schema.items, id, all, name.replace(/s$/, ''), depth + 1)]
        : [];
    case 'integer':
    case 'number':
      return schema.minimum ?? 1;
    case 'boolean':
      return true;
    default:
      if (schema.format === 'uuid') return id(name);
      if (schema.format === 'date') return '2026-09-01';
      if (schema.format === 'date-time') return '2026-09-01T12:00:00.000Z';
      if (schema.format === 'email') return 'route-walk@example.org';
      return 'Route walk';
  }
}

/** The bodies a write is tried with: none at all, an empty one, the required members, all. */
function bodiesOf(op: Operation, id: (name: string) => string): Array<unknown> {
  if (op.method === 'GET') return [undefined];
  if (!op.body) return [undefined, {}];
  return [undefined, {}, sampleOf(op.body, id, false), sampleOf(op.body, id, true)];
}

function fill(path: string, value: (name: string) => string): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(value(name)));
}

/** A well-formed value for a parameter that names nothing in the home agency. */
function unknownValue(name: string): string {
  if (name === 'agencyCode') return HOME;
  if (name === 'number' || name === 'version') return '987654';
  return randomUUID();
}

/**
 * Finds what a refusal must never be: a 5xx, a 4xx that is not a problem document, an answer
 * without the request id or the security headers, or (for another agency's records) a 2xx.
 */
function judge(res: TestResponse, label: string, failures: string[], forbidSuccess: boolean) {
  const type = String(res.headers['content-type'] ?? '');
  if (res.status >= 500) failures.push(`${res.status} ${label}: ${res.body.slice(0, 200)}`);
  else if (res.status >= 400 && !type.startsWith('application/problem+json'))
    failures.push(`${res.status} not problem+json (${type}) ${label}: ${res.body.slice(0, 200)}`);
  else if (forbidSuccess && res.status < 300)
    failures.push(`${res.status} reached another agency's record: ${label}`);
  if (!res.headers['x-request-id']) failures.push(`${res.status} no x-request-id: ${label}`);
  if (!res.headers['content-security-policy'])
    failures.push(`${res.status} no security headers: ${label}`);
}

/**
 * Every route of the OpenAPI document, every method, called as agency staff holding every role,
 * as an organization member holding every role, and (outside agencies) as a platform admin:
 * (a) with well-formed ids that name nothing, (b) with ids of real records of ANOTHER agency,
 * (c) with 5,000-character path values. Writes are sent with no body, an empty one, and bodies
 * built from their schema (required members; all members) so they get past validation. No 5xx,
 * every 4xx a problem document with the request id and the security headers, no 2xx for a path
 * that names nothing, and nothing of another agency reached or changed.
 */
describe('route walk: every route, unknown, foreign and over-long ids', () => {
  const t = useTestApp();
  let ops: Operation[];
  let staff: SignedIn;
  let member: SignedIn;
  let platformAdmin: SignedIn;
  let homeOrganizationId: string;
  const foreign: Record<string, string> = {};
  let otherSettingsRows: number;

  beforeAll(async () => {
    ops = await operations(t);
    staff = await signedInStaff(t, HOME, [
      'agency_admin',
      'program_officer',
      'reviewer',
      'finance_officer',
    ]);
    homeOrganizationId = (await createOrganization(t, HOME, {}, staff)).id;
    member = await signedInOrganizationMember(t, HOME, homeOrganizationId, [
      'org_admin',
      'grant_writer',
      'authorized_representative',
    ]);
    platformAdmin = await signedInPlatformAdmin(t);

    // Real records in the other agency: an accepted award on a submitted application (with
    // its attachment) and a payment request on it.
    const other = await activeAward(t, OTHER);
    const paid = await requestPayment(
      t,
      OTHER,
      other.organization.id,
      other.award.id,
      other.team.representative,
      reimbursement('1000.00'),
    );
    expect(paid.status).toBe(201);
    // And a pending change of its bank details.
    const change = await requestPayeeChange(t, OTHER, other.organization.id, other.financeA);
    expect(change.status).toBe(201);
    await asAgencyOwner(t, OTHER, async (client, otherAgency) => {
      for (const [name, table] of Object.entries(FOREIGN_ROWS)) {
        const { rows } = await client.query<{ id: string }>(
          `SELECT id FROM ${table} WHERE agency_id = $1 LIMIT 1`,
          [otherAgency],
        );
        if (rows[0]) foreign[name] = rows[0].id;
      }
    });
    foreign.userId = other.officer.user.id;
    otherSettingsRows = await settingsRows(t, foreign.programId);
    // The walk must reach the kinds of records money and applications are made of.
    expect(Object.keys(foreign)).toEqual(
      expect.arrayContaining([
        'organizationId',
        'programId',
        'applicationId',
        'attachmentId',
        'awardId',
        'requestId',
      ]),
    );
  });

  const callers = () => {
    const list: Array<{ who: string; caller: SignedIn; organizationId?: string }> = [
      { who: 'staff', caller: staff },
      { who: 'member', caller: member, organizationId: homeOrganizationId },
    ];
    return list;
  };

  const send = (op: Operation, url: string, caller: SignedIn, payload?: unknown) =>
    t.request({
      method: op.method,
      url,
      token: caller.token,
      // Some writes want an Idempotency-Key or an If-Match: a fresh key, and no If-Match.
      headers: op.method === 'POST' ? { 'idempotency-key': randomUUID() } : {},
      ...(payload === undefined ? {} : { payload }),
    });
  const described = (payload: unknown) =>
    payload === undefined ? '' : ` body ${JSON.stringify(payload).slice(0, 300)}`;

  it('finds the routes of the app in its OpenAPI document, writes included', () => {
    expect(ops.length).toBeGreaterThan(100);
    expect(ops.filter((o) => o.method !== 'GET').length).toBeGreaterThan(40);
  });

  it('answers a decision for a program not in the agency with its 404, creating nothing', async () => {
    for (const programId of [randomUUID(), foreign.programId]) {
      const url = `/api/v1/agencies/${HOME}/programs/${programId}/decisions/${randomUUID()}`;
      const res = await send({ method: 'PUT', path: url }, url, staff, { outcome: 'approved' });
      expect(res.status).toBe(404);
      expect(res.json()).toMatchObject({ code: 'program.not_found' });
      expect(await settingsRows(t, programId)).toBe(
        foreign.programId === programId ? otherSettingsRows : 0,
      );
    }
  });

  it("answers an organization's lists like its item: 404 for an unknown or foreign organization", async () => {
    const lists = ops.filter(
      (op) => op.method === 'GET' && /\/organizations\/\{organizationId\}\/[a-z-]+$/.test(op.path),
    );
    expect(lists.length).toBeGreaterThan(3);
    let notFound = 0;
    for (const organizationId of [randomUUID(), foreign.organizationId]) {
      const item = await send(
        { method: 'GET', path: '' },
        `/api/v1/agencies/${HOME}/organizations/${organizationId}`,
        staff,
      );
      expect(item.status).toBe(404);
      for (const op of lists) {
        const url = fill(op.path, (name) => (name === 'agencyCode' ? HOME : organizationId));
        const res = await send(op, url, staff);
        // Lists staff may not read at all (an organization's members) stay a 403.
        if (res.json().code === 'auth.forbidden') continue;
        expect({ url, status: res.status, code: res.json().code }).toEqual({
          url,
          status: 404,
          code: item.json().code,
        });
        notFound += 1;
      }
    }
    expect(notFound).toBeGreaterThanOrEqual(2 * 3);
  });

  it('(a) answers well-formed ids that name nothing with problem documents, never a 5xx', async () => {
    const failures: string[] = [];
    const walked: Array<{ who: string; caller: SignedIn; organizationId?: string; op: Operation }> =
      [];
    for (const op of ops) {
      for (const { who, caller, organizationId } of callers())
        walked.push({ who, caller, organizationId, op });
      if (!op.path.includes('{agencyCode}'))
        walked.push({ who: 'platform', caller: platformAdmin, op });
    }
    for (const { who, caller, organizationId, op } of walked) {
      const url = fill(op.path, (name) =>
        name === 'organizationId' && organizationId ? organizationId : unknownValue(name),
      );
      // A path that names a record which does not exist cannot succeed (the caller's own
      // organization aside, which is real).
      const namesNothing = /\{(?!agencyCode\})\w+\}/.test(
        organizationId ? op.path.replace('{organizationId}', '') : op.path,
      );
      for (const payload of bodiesOf(op, unknownValue))
        judge(
          await send(op, url, caller, payload),
          `${who} ${op.method} ${url}${described(payload)}`,
          failures,
          namesNothing,
        );
    }
    expect(failures).toEqual([]);
  });

  it('(b) reaches nothing of another agency through ids of its real records', async () => {
    const failures: string[] = [];
    const walked = ops.filter((op) => /\{(?!agencyCode\})\w+\}/.test(op.path));
    for (const op of walked) {
      for (const { who, caller, organizationId } of callers()) {
        const url = fill(op.path, (name) => {
          if (name === 'agencyCode') return HOME;
          // The member stays in their own organization, so the other ids are what is tried.
          if (
            name === 'organizationId' &&
            organizationId &&
            /\{(?!organizationId\})\w+Id\}/.test(op.path)
          )
            return organizationId;
          return foreign[name] ?? unknownValue(name);
        });
        const before = await changedRows(t);
        judge(await send(op, url, caller), `${who} ${op.method} ${url}`, failures, true);
        const after = await changedRows(t);
        if (after !== before)
          failures.push(`changed another agency's rows: ${who} ${op.method} ${url}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('(c) answers 5,000-character path values with problem documents', async () => {
    const failures: string[] = [];
    for (const op of ops.filter((o) => o.path.includes('{'))) {
      for (const { who, caller } of callers()) {
        // Each parameter over-long in turn, the others well-formed.
        for (const long of op.path.match(/\{(\w+)\}/g) ?? []) {
          const url = fill(op.path, (name) => (`{${name}}` === long ? LONG : unknownValue(name)));
          judge(
            await send(op, url, caller),
            `${who} ${op.method} ${op.path} (${long} long)`,
            failures,
            false,
          );
        }
      }
    }
    expect(failures).toEqual([]);
  });
});

/** The review settings rows of a program id, in either agency. */
async function settingsRows(t: TestApp, programId: string): Promise<number> {
  let count = 0;
  for (const code of [HOME, OTHER])
    count += await asAgencyOwner(t, code, async (client) => {
      const { rowCount } = await client.query(
        'SELECT 1 FROM program_review_settings WHERE program_id = $1',
        [programId],
      );
      return rowCount ?? 0;
    });
  return count;
}

/** Tables of the other agency a request could change, beyond those the walk takes ids from. */
const WATCHED_TABLES = [
  ...new Set(Object.values(FOREIGN_ROWS)),
  'organization_memberships',
  'agency_memberships',
  'payees',
  'payment_approvals',
  'ledger_entries',
  'program_review_settings',
  'funding_decisions',
];

/** A fingerprint of the other agency's tenant rows that a request could change. */
function changedRows(t: TestApp): Promise<string> {
  return asAgencyOwner(t, OTHER, async (client, id) => {
    const parts: string[] = [];
    for (const table of WATCHED_TABLES) {
      const { rows } = await client.query<{ digest: string }>(
        `SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), '')) AS digest
           FROM ${table} t WHERE agency_id = $1`,
        [id],
      );
      parts.push(rows[0].digest);
    }
    return parts.join(':');
  });
}
