/**
 * The raw baseline for the application GET: node:http and a pg Pool (same size, same app role,
 * so row-level security applies), no framework. For
 * GET /api/v1/agencies/:agencyCode/programs/:programId/applications/:applicationId it verifies
 * the bearer token's HMAC, then runs in one transaction the statements our server runs for that
 * route (BEGIN, set_config, the session-and-roles query, the application's SELECTs, COMMIT) and
 * answers the rows as JSON. What our server adds on top is the framework: routing, guards,
 * interceptors, validation, the domain code and its views.
 *
 * Env: PORT, DATABASE_URL (app role), DATABASE_POOL_SIZE, AUTH_TOKEN_SECRET.
 */
import { createHmac } from 'node:crypto';
import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { Pool, PoolClient } from 'pg';
import { PreparingClient } from '../src/core/database/prepared-statements';

// The API's pool client: parameterised statements are prepared per connection, as in the API.
const pool = new Pool({
  Client: PreparingClient,
  connectionString: process.env.DATABASE_URL,
  max: Number(process.env.DATABASE_POOL_SIZE ?? 10),
  application_name: 'grant-commons-baseline',
});
const secret = process.env.AUTH_TOKEN_SECRET ?? '';
const agencies = new Map<string, string>();
const ROUTE =
  /^\/api\/v1\/agencies\/([a-z0-9-]+)\/programs\/([0-9a-f-]{36})\/applications\/([0-9a-f-]{36})$/;

/**
 * The statements the API issues for the staff application GET, in its order (traced from the
 * server, column lists written out), each as its own round trip.
 */
const SQL = {
  grants: `
    SELECT u.platform_admin AS "platformAdmin",
           COALESCE(am.roles, '{}'::text[]) AS "agencyRoles",
           (SELECT COALESCE(json_object_agg(om.organization_id, om.roles), '{}'::json)
              FROM organization_memberships om
             WHERE om.agency_id = $3 AND om.user_id = s.user_id AND om.status = 'active')
             AS "organizationRoles"
      FROM sessions s
      JOIN users u ON u.id = s.user_id
      LEFT JOIN agency_memberships am
             ON am.agency_id = $3 AND am.user_id = s.user_id AND am.status = 'active'
     WHERE s.id = $1 AND s.user_id = $2 AND s.revoked_at IS NULL AND s.expires_at > now()`,
  // The working copy with its budget lines, current attachments and history: one statement.
  application: `SELECT agency_id, id, program_id, organization_id, status, form_version, project_title,
      amount_requested, answers, version, submission_count, created_by, created_at, updated_at,
      submitted_at, returned_at, return_comment, revision_due_at, withdrawn_at,
      (SELECT COALESCE(json_agg(json_build_object('functionCode', l.function_code,
                'objectCode', l.object_code, 'description', l.description,
                'amount', l.amount::text, 'indirect', l.indirect) ORDER BY l.position), '[]'::json)
         FROM application_budget_lines l
        WHERE l.agency_id = a.agency_id AND l.application_id = a.id) AS lines,
      (SELECT COALESCE(json_agg(json_build_object('id', x.id, 'requirementKey', x.requirement_key,
                'filename', x.filename, 'contentType', x.content_type, 'sizeBytes', x.size_bytes,
                'sha256', x.sha256, 'createdAt', floor(extract(epoch FROM x.created_at) * 1000)::bigint)
                ORDER BY x.created_at), '[]'::json)
         FROM application_attachments x
        WHERE x.agency_id = a.agency_id AND x.application_id = a.id AND x.removed_at IS NULL)
        AS attachments,
      (SELECT COALESCE(json_agg(json_build_object('from', e.from_status, 'to', e.to_status,
                'comment', e.comment, 'submissionNumber', e.submission_number,
                'at', floor(extract(epoch FROM e.at) * 1000)::bigint) ORDER BY e.at), '[]'::json)
         FROM application_status_events e
        WHERE e.agency_id = a.agency_id AND e.application_id = a.id) AS history
    FROM applications a WHERE a.agency_id = $1 AND a.id = $2 AND a.program_id = $3`,
  // The program's terms (not its form definition).
  program: `SELECT id, code, title, status, kind, fiscal_year, assistance_listing_number, opens_at,
      closes_at, grace_minutes, current_form_version, allow_multiple_applications, award_floor,
      award_ceiling, funds_available, rubric, budget_rules, required_attachments, eligibility,
      created_by
    FROM programs WHERE agency_id = $1 AND id = $2`,
};

function claimsOf(header: string | undefined): { sub: string; sid: string } | undefined {
  const token = header?.startsWith('Bearer ') ? header.slice(7) : undefined;
  const parts = token?.split('.');
  if (!parts || parts.length !== 3) return undefined;
  const signature = createHmac('sha256', secret)
    .update(`${parts[0]}.${parts[1]}`)
    .digest('base64url');
  if (signature !== parts[2]) return undefined;
  return JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as {
    sub: string;
    sid: string;
  };
}

async function applicationGet(
  client: PoolClient,
  agencyId: string,
  claims: { sub: string; sid: string },
  programId: string,
  applicationId: string,
) {
  // As the API: BEGIN is held back by the pool client and sent with the literal set_config.
  await client.query('START TRANSACTION');
  try {
    await client.query(`SELECT set_config('app.agency_id', '${agencyId}', true)`);
    const grants = await client.query(SQL.grants, [claims.sid, claims.sub, agencyId]);
    if (!grants.rows[0]?.agencyRoles?.length)
      return { status: 404, body: { code: 'agency.not_found' } };
    const app = await client.query(SQL.application, [agencyId, applicationId, programId]);
    const application = app.rows[0] as Record<string, unknown> | undefined;
    if (!application) return { status: 404, body: { code: 'application.not_found' } };
    const program = await client.query(SQL.program, [agencyId, programId]);
    const { title, code } = program.rows[0] as { title: string; code: string };
    return { status: 200, body: { ...application, program: { id: programId, code, title } } };
  } finally {
    await client.query('COMMIT');
  }
}

function send(res: ServerResponse, status: number, body: unknown) {
  const json = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(json),
  });
  res.end(json);
}

async function handle(req: IncomingMessage, res: ServerResponse) {
  if (req.url === '/health') return send(res, 200, { status: 'ok' });
  const match = req.method === 'GET' ? ROUTE.exec(req.url ?? '') : null;
  if (!match) return send(res, 404, { code: 'not_found' });
  const claims = claimsOf(req.headers.authorization);
  if (!claims) return send(res, 401, { code: 'auth.unauthenticated' });
  const agencyId = agencies.get(match[1]);
  if (!agencyId) return send(res, 404, { code: 'agency.not_found' });
  const client = await pool.connect();
  try {
    const result = await applicationGet(client, agencyId, claims, match[2], match[3]);
    send(res, result.status, result.body);
  } finally {
    client.release();
  }
}

async function main() {
  const { rows } = await pool.query<{ id: string; code: string }>(
    'SELECT id, code FROM agencies WHERE active',
  );
  for (const row of rows) agencies.set(row.code, row.id);
  createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      process.stderr.write(`${String(error)}\n`);
      if (!res.headersSent) send(res, 500, { code: 'internal' });
    });
  }).listen(Number(process.env.PORT ?? 3100), '127.0.0.1');
}

void main();
