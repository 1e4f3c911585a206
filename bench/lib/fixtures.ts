import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { compileFormSchema } from '../../src/programs/forms/form-compiler';
import {
  BENCH_FORM,
  BENCH_RUBRIC,
  BUDGET_LINES_SQL,
  BUDGET_RULES,
  COMMENTS_SQL,
  COMPLETE_ANSWERS_SQL,
  ELIGIBILITY,
  LINE_AMOUNT_SQL,
  SCORES_SQL,
} from '../seed/shapes';
import { STAFF, staffEmail } from '../seed/seed-agency';

const DAY = 86_400_000;

export interface BenchOrganization {
  organizationId: string;
  writerEmail: string;
  repEmail: string;
}

/** Records the write scenarios consume (each request its own) and the read scenarios' targets. */
export interface BenchFixtures {
  agencyCode: string;
  officerEmail: string;
  reviewerEmails: string[];
  financeEmails: string[];
  organizations: BenchOrganization[];
  /** Seeded applications (not fixtures) staff read: program and application id. */
  readTargets: Array<{ programId: string; applicationId: string }>;
  /** The seeded open mini-grant program: the agency's biggest list. */
  listProgramId: string;
  drafts: Array<{ org: number; applicationId: string; version: number }>;
  ready: Array<{ org: number; applicationId: string }>;
  assignments: Array<{ reviewer: number; assignmentId: string }>;
  paymentRequests: Array<{ approver: number; requestId: string }>;
}

export interface FixtureSizes {
  organizations: number;
  drafts: number;
  ready: number;
  assignments: number;
  paymentRequests: number;
}

async function program(
  c: Client,
  agencyId: string,
  officer: string,
  code: string,
  title: string,
  open: boolean,
  now: number,
): Promise<string> {
  const id = randomUUID();
  const opens = new Date(now - (open ? 30 : 120) * DAY);
  const closes = new Date(now + (open ? 60 : -10) * DAY);
  await c.query(
    `INSERT INTO programs (agency_id, id, code, title, description, kind, status, funding_source,
       assistance_listing_number, assistance_listing_title, fain, fiscal_year, funds_available, award_floor,
       award_ceiling, performance_start, performance_end, opens_at, closes_at, eligibility, form,
       required_attachments, budget_rules, rubric, allow_multiple_applications, current_form_version, version,
       created_by, published_at, closed_at)
     VALUES ($1, $2, $3, $4, 'Benchmark program.', 'competitive', $5, 'state', '84.010',
       'Title I Grants to Local Educational Agencies', 'S010A270025', 2027, '90000000.00', '1000.00',
       '10000.00', '2026-07-01', '2027-09-30', $6, $7, $8, $9, '[]', $10, $11, true, 1, 2, $12, $6, $13)`,
    [
      agencyId,
      id,
      code,
      title,
      open ? 'published' : 'closed',
      opens,
      closes,
      JSON.stringify(ELIGIBILITY),
      JSON.stringify(BENCH_FORM),
      JSON.stringify(BUDGET_RULES),
      JSON.stringify(BENCH_RUBRIC),
      officer,
      open ? null : closes,
    ],
  );
  await c.query(
    `INSERT INTO program_form_versions (agency_id, program_id, version, definition, json_schema, created_by)
     VALUES ($1, $2, 1, $3, $4, $5)`,
    [
      agencyId,
      id,
      JSON.stringify(BENCH_FORM),
      JSON.stringify(compileFormSchema(BENCH_FORM)),
      officer,
    ],
  );
  return id;
}

/**
 * Complete drafts (answers, a 5,000.00 request and budget lines that total it) in `programId`,
 * spread over the bench organizations; `status` under_review also gets a submitted version.
 */
async function applications(
  c: Client,
  agencyId: string,
  programId: string,
  orgIds: string[],
  writerIds: string[],
  count: number,
  status: 'draft' | 'under_review',
): Promise<Array<{ org: number; applicationId: string }>> {
  const { rows } = await c.query<{ id: string; org: number }>(
    `INSERT INTO applications (agency_id, program_id, organization_id, status, form_version, project_title,
       amount_requested, answers, version, submission_count, created_by, submitted_at)
     SELECT $1, $2, ($3::uuid[])[1 + g % $5], $6, 1, 'Benchmark project ' || g, 5000.00,
            ${COMPLETE_ANSWERS_SQL('g')}, CASE WHEN $6 = 'draft' THEN 3 ELSE 5 END,
            CASE WHEN $6 = 'draft' THEN 0 ELSE 1 END, ($4::uuid[])[1 + g % $5],
            CASE WHEN $6 = 'draft' THEN NULL ELSE now() - interval '12 days' END
       FROM generate_series(0, $7::int - 1) g
     RETURNING id, array_position($3::uuid[], organization_id) - 1 AS org`,
    [agencyId, programId, orgIds, writerIds, orgIds.length, status, count],
  );
  const ids = rows.map((r) => r.id);
  await c.query(
    `INSERT INTO application_budget_lines (agency_id, application_id, position, function_code, object_code, description, amount)
     SELECT $1, a.id, l.pos, l.fc, l.oc, l.descr, ${LINE_AMOUNT_SQL('a.amount_requested', 'l.pos')}
       FROM applications a CROSS JOIN ${BUDGET_LINES_SQL}
      WHERE a.agency_id = $1 AND a.id = ANY($2::uuid[])`,
    [agencyId, ids],
  );
  await c.query(
    `INSERT INTO application_status_events (agency_id, application_id, from_status, to_status, actor_user_id, at)
     SELECT a.agency_id, a.id, NULL, 'draft', a.created_by, a.created_at
       FROM applications a WHERE a.agency_id = $1 AND a.id = ANY($2::uuid[])`,
    [agencyId, ids],
  );
  return rows.map((r) => ({ org: r.org, applicationId: r.id }));
}

/**
 * The benchmark's own records in the bench agency, added after the seed: separate programs, so
 * the seeded lists keep their shape. Written as the owner with the agency set (RLS is forced).
 */
export async function createFixtures(
  ownerUrl: string,
  agencyCode: string,
  sizes: FixtureSizes,
): Promise<BenchFixtures> {
  const c = new Client({ connectionString: ownerUrl });
  await c.connect();
  try {
    const [{ id: agencyId }] = (
      await c.query<{ id: string }>('SELECT id FROM agencies WHERE code = $1', [agencyCode])
    ).rows;
    await c.query('BEGIN');
    await c.query(`SELECT set_config('app.agency_id', $1, true)`, [agencyId]);
    const now = Date.now();
    const staffId = async (email: string) =>
      (await c.query<{ id: string }>('SELECT id FROM users WHERE email = $1', [email])).rows[0].id;
    const officerEmail = staffEmail(agencyCode, 'officer', 1);
    const officer = await staffId(officerEmail);
    const reviewerEmails = Array.from({ length: STAFF.reviewers }, (_, i) =>
      staffEmail(agencyCode, 'reviewer', i + 1),
    );
    const financeEmails = Array.from({ length: STAFF.financeOfficers }, (_, i) =>
      staffEmail(agencyCode, 'finance', i + 1),
    );
    const reviewerIds: string[] = [];
    for (const email of reviewerEmails) reviewerIds.push(await staffId(email));

    // Active organizations with their grant writer and representative.
    const orgs = (
      await c.query<{
        id: string;
        writer: string;
        writer_email: string;
        rep: string;
        rep_email: string;
      }>(
        `SELECT o.id, w.user_id AS writer, wu.email AS writer_email, r.user_id AS rep, ru.email AS rep_email
           FROM organizations o
           JOIN organization_memberships w ON w.agency_id = o.agency_id AND w.organization_id = o.id AND 'grant_writer' = ANY(w.roles)
           JOIN users wu ON wu.id = w.user_id
           JOIN organization_memberships r ON r.agency_id = o.agency_id AND r.organization_id = o.id AND 'authorized_representative' = ANY(r.roles)
           JOIN users ru ON ru.id = r.user_id
          WHERE o.agency_id = $1 AND o.status = 'active' AND o.nces_lea_id IS NOT NULL
          ORDER BY o.state_district_code LIMIT $2`,
        [agencyId, sizes.organizations],
      )
    ).rows;
    const orgIds = orgs.map((o) => o.id);
    const writerIds = orgs.map((o) => o.writer);

    const readTargets = (
      await c.query<{ programId: string; applicationId: string }>(
        `SELECT program_id AS "programId", id AS "applicationId" FROM applications
          WHERE agency_id = $1 AND status <> 'draft' ORDER BY random() LIMIT 2000`,
        [agencyId],
      )
    ).rows;
    const [{ id: listProgramId }] = (
      await c.query<{ id: string }>(
        `SELECT id FROM programs WHERE agency_id = $1 AND code = 'MINI-GRANTS'`,
        [agencyId],
      )
    ).rows;

    const openProgram = await program(
      c,
      agencyId,
      officer,
      'BENCH-OPEN',
      'Benchmark open program',
      true,
      now,
    );
    const drafts = (
      await applications(c, agencyId, openProgram, orgIds, writerIds, sizes.drafts, 'draft')
    ).map((d) => ({ ...d, version: 3 }));
    const ready = await applications(
      c,
      agencyId,
      openProgram,
      orgIds,
      writerIds,
      sizes.ready,
      'draft',
    );

    // Score submission: applications in merit review, one assignment each (declared, no
    // conflict) with a complete draft review, round-robin over the reviewers.
    const reviewProgram = await program(
      c,
      agencyId,
      officer,
      'BENCH-REVIEW',
      'Benchmark review',
      false,
      now,
    );
    const inReview = await applications(
      c,
      agencyId,
      reviewProgram,
      orgIds,
      writerIds,
      sizes.assignments,
      'under_review',
    );
    const reviewIds = inReview.map((a) => a.applicationId);
    await c.query(
      `INSERT INTO review_cases (agency_id, application_id, program_id, organization_id, stage, submission_number, submitted_at, amount_requested)
       SELECT agency_id, id, program_id, organization_id, 'merit_review', 1, submitted_at, amount_requested
         FROM applications WHERE agency_id = $1 AND id = ANY($2::uuid[])`,
      [agencyId, reviewIds],
    );
    const assignments = (
      await c.query<{ id: string; reviewer: number }>(
        `INSERT INTO review_assignments (agency_id, program_id, application_id, reviewer_id, declaration, declared_at, automatic)
         SELECT $1, $2, a.id, ($4::uuid[])[1 + (a.n % cardinality($4::uuid[]))::int], 'none', now(), true
           FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM unnest($3::uuid[]) id) a
         RETURNING id, array_position($4::uuid[], reviewer_id) - 1 AS reviewer`,
        [agencyId, reviewProgram, reviewIds, reviewerIds],
      )
    ).rows;
    await c.query(
      `INSERT INTO reviews (agency_id, assignment_id, program_id, application_id, reviewer_id, status, points, comments, version)
       SELECT agency_id, id, program_id, application_id, reviewer_id, 'draft',
              ${SCORES_SQL("(('x' || substr(md5(id::text), 1, 7))::bit(28)::int)")}, ${COMMENTS_SQL}, 2
         FROM review_assignments WHERE agency_id = $1 AND program_id = $2`,
      [agencyId, reviewProgram],
    );

    // Payment approval: active, obligated awards, each with one submitted 5,000.00
    // reimbursement (below the dual-approval threshold: one approval decides it).
    const awardProgram = await program(
      c,
      agencyId,
      officer,
      'BENCH-AWARDS',
      'Benchmark awards',
      false,
      now,
    );
    const requests = (
      await c.query<{ id: string }>(
        `WITH w AS (
           INSERT INTO awards (agency_id, reference, source, source_id, program_id, organization_id, status,
             subrecipient_name, fain, program_title, fiscal_year, performance_start, performance_end, amount,
             amount_this_action, offered_by, accepted_by, accepted_at)
           SELECT $1, 'AW-BENCH-' || g, 'decision', gen_random_uuid(), $2, ($3::uuid[])[1 + g % $5], 'active',
                  'Bench District', 'S010A270025', 'Benchmark awards', 2027, DATE '2026-07-01', DATE '2027-09-30',
                  100000.00, 100000.00, $6, ($4::uuid[])[1 + g % $5], now() - interval '30 days'
             FROM generate_series(0, $7::int - 1) g
           RETURNING id, organization_id, amount
         ), lines AS (
           INSERT INTO award_budget_lines (agency_id, award_id, function_code, object_code, amount, approved_amount)
           SELECT $1, id, '1000', '100', amount, amount FROM w
         ), t AS (
           INSERT INTO ledger_transactions (agency_id, award_id, kind, source_type, source_id, memo)
           SELECT $1, id, 'obligation', 'award', id, 'Obligation of a benchmark award' FROM w
           RETURNING id, award_id
         ), e AS (
           INSERT INTO ledger_entries (agency_id, transaction_id, award_id, account, side, amount)
           SELECT $1, t.id, t.award_id, x.account, x.side, 100000.00
             FROM t CROSS JOIN (VALUES ('program_funds', 'debit'), ('undisbursed_obligation', 'credit')) x(account, side)
         )
         INSERT INTO payment_requests (agency_id, reference, award_id, organization_id, type, status, amount_requested,
           amount, period_start, period_end, description, required_approvals, content_hash, requested_by)
         SELECT $1, 'PR-BENCH-' || row_number() OVER (), w.id, w.organization_id, 'reimbursement', 'submitted',
                5000.00, 5000.00, DATE '2026-07-01', DATE '2026-09-30', 'Salaries, first quarter', 1,
                encode(sha256(convert_to(w.id::text, 'UTF8')), 'hex'),
                ($4::uuid[])[array_position($3::uuid[], w.organization_id)]
           FROM w
         RETURNING id`,
        [
          agencyId,
          awardProgram,
          orgIds,
          orgs.map((o) => o.rep),
          orgIds.length,
          officer,
          sizes.paymentRequests,
        ],
      )
    ).rows;
    await c.query(
      `INSERT INTO payment_request_lines (agency_id, request_id, function_code, object_code, amount_requested, amount)
       SELECT agency_id, id, '1000', '100', amount, amount FROM payment_requests
        WHERE agency_id = $1 AND reference LIKE 'PR-BENCH-%'`,
      [agencyId],
    );
    await c.query('COMMIT');
    await c.query('ANALYZE');
    return {
      agencyCode,
      officerEmail,
      reviewerEmails,
      financeEmails,
      organizations: orgs.map((o) => ({
        organizationId: o.id,
        writerEmail: o.writer_email,
        repEmail: o.rep_email,
      })),
      readTargets,
      listProgramId,
      drafts,
      ready,
      assignments: assignments.map((a) => ({ reviewer: a.reviewer, assignmentId: a.id })),
      paymentRequests: requests.map((r, i) => ({
        approver: i % financeEmails.length,
        requestId: r.id,
      })),
    };
  } catch (error) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await c.end();
  }
}
