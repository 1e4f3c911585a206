import { randomUUID } from 'node:crypto';
import type { Client } from 'pg';
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
  WEIGHTED_TOTAL_SQL,
} from './shapes';

const DAY = 86_400_000;

export interface AgencySeed {
  agencyId: string;
  code: string;
  /** Position among the run's agencies: makes identifiers unique across agencies. */
  index: number;
  organizations: number;
  applications: number;
  passwordHash: string;
  now: Date;
}

export interface AgencyPeople {
  officers: string[];
  reviewers: string[];
  financeOfficers: string[];
  /** Per organization (same order as organizationIds): the grant writer and the representative. */
  organizationIds: string[];
  writers: string[];
  representatives: string[];
}

/** Rows a statement inserted, by table, for the run's summary. */
export type RowCounts = Record<string, number>;

type Phase = 'open' | 'review' | 'decided';

interface ProgramPlan {
  id: string;
  code: string;
  title: string;
  phase: Phase;
  multiple: boolean;
  opensAt: Date;
  closesAt: Date;
  fiscalYear: number;
  floor: string;
  ceiling: string;
  applications: number;
  orgOffset: number;
}

export const STAFF = { officers: 3, reviewers: 12, financeOfficers: 3 };
export const staffEmail = (code: string, role: string, n: number) =>
  `${role}${n}@${code}.bench.example`;
export const applicantEmail = (code: string, role: 'writer' | 'rep', n: number) =>
  `${role}-${n}@${code}.bench.example`;

const TITLES = [
  'Summer Literacy Academy',
  'Early Numeracy Initiative',
  'STEM Pathways',
  'Attendance Recovery',
  'Teacher Residency',
  'After-School Tutoring',
  'Dual Credit Expansion',
  'Family Engagement Centers',
];

const PROGRAM_NAMES = [
  ['Title I-A School Improvement', '84.010', 'Title I Grants to Local Educational Agencies'],
  [
    '21st Century Community Learning Centers',
    '84.287',
    'Twenty-First Century Community Learning Centers',
  ],
  ['Title IV-A Student Support', '84.424', 'Student Support and Academic Enrichment Program'],
  ['Comprehensive Literacy State Development', '84.371', 'Comprehensive Literacy Development'],
  ['Rural Education Achievement', '84.358', 'Rural Education'],
  ['Title II-A Effective Instruction', '84.367', 'Supporting Effective Instruction State Grants'],
];

/** Splits an agency's applications over programs: a quarter to one open mini-grant program
 * (several applications per organization allowed: the big list), the rest over yearly programs
 * of at most ~85% of the organizations each; the newest is open, the next in review, the rest
 * decided, spread back over four years. */
export function planPrograms(seed: AgencySeed): ProgramPlan[] {
  const now = seed.now.getTime();
  const mini = Math.round(seed.applications * 0.25);
  const regular = seed.applications - mini;
  const cap = Math.max(1, Math.floor(seed.organizations * 0.85));
  const count = Math.max(3, Math.ceil(regular / cap));
  const plans: ProgramPlan[] = [];
  const fy = (d: Date) => d.getUTCFullYear() + 1;
  const miniOpens = new Date(now - 60 * DAY);
  const miniCloses = new Date(now + 120 * DAY);
  plans.push({
    id: randomUUID(),
    code: 'MINI-GRANTS',
    title: 'Classroom Innovation Mini-Grants',
    phase: 'open',
    multiple: true,
    opensAt: miniOpens,
    closesAt: miniCloses,
    fiscalYear: fy(miniCloses),
    floor: '1000.00',
    ceiling: '10000.00',
    applications: mini,
    orgOffset: 0,
  });
  const step = (4 * 365 * DAY) / count;
  for (let k = 0; k < count; k++) {
    const n = Math.floor(regular / count) + (k < regular % count ? 1 : 0);
    const phase: Phase = k === 0 ? 'open' : k === 1 ? 'review' : 'decided';
    const closesAt =
      phase === 'open'
        ? new Date(now + 40 * DAY)
        : phase === 'review'
          ? new Date(now - 30 * DAY)
          : new Date(now - 90 * DAY - (k - 2) * step);
    const opensAt = new Date(closesAt.getTime() - 60 * DAY);
    const [name] = PROGRAM_NAMES[k % PROGRAM_NAMES.length];
    plans.push({
      id: randomUUID(),
      code: `P${String(k).padStart(3, '0')}-FY${fy(closesAt)}`,
      title: `${name} FY${fy(closesAt)}${k >= PROGRAM_NAMES.length ? ` (round ${Math.floor(k / PROGRAM_NAMES.length) + 1})` : ''}`,
      phase,
      multiple: false,
      opensAt,
      closesAt,
      fiscalYear: fy(closesAt),
      floor: '10000.00',
      ceiling: '250000.00',
      applications: Math.min(n, seed.organizations),
      orgOffset: (k * 37) % seed.organizations,
    });
  }
  return plans;
}

async function insertJson(client: Client, table: string, rows: Array<Record<string, unknown>>) {
  if (rows.length === 0) return 0;
  const columns = Object.keys(rows[0]).map((c) => `"${c}"`);
  const result = await client.query(
    `INSERT INTO ${table} (${columns.join(', ')})
     SELECT ${columns.join(', ')} FROM json_populate_recordset(NULL::${table}, $1::json)`,
    [JSON.stringify(rows)],
  );
  return result.rowCount ?? 0;
}

/** Staff and applicant users (global rows) with their memberships in this agency. */
async function seedPeople(
  client: Client,
  seed: AgencySeed,
  counts: RowCounts,
): Promise<AgencyPeople> {
  const { agencyId, code } = seed;
  const staff: Array<[string, string[], number]> = [
    ['admin', ['agency_admin'], 1],
    ['officer', ['program_officer'], STAFF.officers],
    ['reviewer', ['reviewer'], STAFF.reviewers],
    ['finance', ['finance_officer'], STAFF.financeOfficers],
  ];
  const ids: Record<string, string[]> = {};
  for (const [role, roles, n] of staff) {
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO users (email, name, password_hash)
       SELECT format('%s%s@%s.bench.example', $1::text, g, $2::text), initcap($1) || ' ' || g, $3
         FROM generate_series(1, $4::int) g
       RETURNING id`,
      [role, code, seed.passwordHash, n],
    );
    ids[role] = rows.map((r) => r.id);
    await client.query(
      `INSERT INTO agency_memberships (agency_id, user_id, roles, created_at, updated_at)
       SELECT $1, u, $2::text[], $3, $3 FROM unnest($4::uuid[]) u`,
      [agencyId, roles, seed.now, ids[role]],
    );
    counts.users = (counts.users ?? 0) + n;
    counts.agency_memberships = (counts.agency_memberships ?? 0) + n;
  }

  // Organizations: mostly approved school districts (some charters, a few pending), each with
  // identifiers unique in the agency: NCES id = 2-digit state prefix + 5 digits.
  const orgs = await client.query<{ id: string; n: number }>(
    `INSERT INTO organizations (agency_id, legal_name, type, status, state_district_code, nces_lea_id,
                                uei, address, contacts, decided_at, created_at, updated_at)
     SELECT $1,
            format('%s County %s %s', (ARRAY['Adams','Boone','Cass','Clay','Cole','Dade','Greene','Henry',
              'Howard','Jasper','Lincoln','Macon','Marion','Miller','Monroe','Osage','Pike','Polk',
              'Ray','Scott','Shelby','Stone','Taney','Texas','Vernon','Warren','Wayne','Wright'])[1 + g % 28],
              CASE WHEN g % 10 = 0 THEN 'Charter Academy' ELSE 'School District' END, g),
            CASE WHEN g % 10 = 0 THEN 'charter' ELSE 'lea' END,
            CASE WHEN g % 50 = 49 THEN 'pending' ELSE 'active' END,
            'D' || lpad(g::text, 5, '0'),
            lpad(($2::int % 90 + 10)::text, 2, '0') || lpad(g::text, 5, '0'),
            'K' || lpad($2::text, 3, '0') || lpad(g::text, 8, '0'),
            jsonb_build_object('line1', g || ' Main St', 'city', 'Springfield', 'state', 'MO', 'postalCode', '65101'),
            jsonb_build_array(jsonb_build_object('name', 'Pat Jones', 'email', format('superintendent%s@district.example', g), 'kind', 'superintendent')),
            $3::timestamptz - interval '5 years', $3::timestamptz - interval '5 years', $3::timestamptz - interval '5 years'
       FROM generate_series(1, $4::int) g
     RETURNING id, substr(state_district_code, 2)::int AS n`,
    [agencyId, seed.index, seed.now, seed.organizations],
  );
  counts.organizations = (counts.organizations ?? 0) + (orgs.rowCount ?? 0);
  const organizationIds = orgs.rows.sort((a, b) => a.n - b.n).map((r) => r.id);

  const people: Record<'writer' | 'rep', string[]> = { writer: [], rep: [] };
  for (const [role, roles] of [
    ['writer', ['org_admin', 'grant_writer']],
    ['rep', ['authorized_representative']],
  ] as const) {
    const { rows } = await client.query<{ id: string; n: number }>(
      `INSERT INTO users (email, name, password_hash)
       SELECT format('%s-%s@%s.bench.example', $1::text, g, $2::text),
              CASE $1 WHEN 'rep' THEN 'Representative ' ELSE 'Grant Writer ' END || g, $3
         FROM generate_series(1, $4::int) g
       RETURNING id, split_part(split_part(email, '@', 1), '-', 2)::int AS n`,
      [role, code, seed.passwordHash, seed.organizations],
    );
    people[role] = rows.sort((a, b) => a.n - b.n).map((r) => r.id);
    await client.query(
      `INSERT INTO organization_memberships (agency_id, organization_id, user_id, roles, created_at, updated_at)
       SELECT $1, o, u, $2::text[], $3, $3 FROM unnest($4::uuid[], $5::uuid[]) AS m(o, u)`,
      [agencyId, roles, seed.now, organizationIds, people[role]],
    );
    counts.users += seed.organizations;
    counts.organization_memberships = (counts.organization_memberships ?? 0) + seed.organizations;
  }
  return {
    officers: ids.officer,
    reviewers: ids.reviewer,
    financeOfficers: ids.finance,
    organizationIds,
    writers: people.writer,
    representatives: people.rep,
  };
}

async function seedPrograms(
  client: Client,
  seed: AgencySeed,
  people: AgencyPeople,
  plans: ProgramPlan[],
  counts: RowCounts,
) {
  const schema = compileFormSchema(BENCH_FORM);
  const iso = (d: Date) => d.toISOString();
  const rows = plans.map((p, i) => {
    const [, aln, alnTitle] = PROGRAM_NAMES[i % PROGRAM_NAMES.length];
    const archived = p.phase === 'decided' && p.closesAt.getTime() < seed.now.getTime() - 730 * DAY;
    return {
      agency_id: seed.agencyId,
      id: p.id,
      code: p.code,
      title: p.title,
      description: `${p.title}: competitive grants to school districts.`,
      kind: 'competitive',
      status: p.phase === 'open' ? 'published' : archived ? 'archived' : 'closed',
      funding_source: 'federal',
      assistance_listing_number: aln,
      assistance_listing_title: alnTitle,
      fain: `S${aln.replace('.', '')}A${p.fiscalYear % 100}0025`,
      fiscal_year: p.fiscalYear,
      funds_available: p.multiple ? '500000.00' : '5000000.00',
      award_floor: p.floor,
      award_ceiling: p.ceiling,
      performance_start: `${p.fiscalYear - 1}-07-01`,
      performance_end: `${p.fiscalYear}-09-30`,
      opens_at: iso(p.opensAt),
      closes_at: iso(p.closesAt),
      grace_minutes: null,
      eligibility: ELIGIBILITY,
      form: BENCH_FORM,
      required_attachments: [],
      budget_rules: BUDGET_RULES,
      rubric: BENCH_RUBRIC,
      allow_multiple_applications: p.multiple,
      shareable: false,
      current_form_version: 1,
      version: p.phase === 'open' ? 2 : 3,
      created_by: people.officers[i % people.officers.length],
      created_at: iso(new Date(p.opensAt.getTime() - 30 * DAY)),
      updated_at: iso(p.phase === 'open' ? p.opensAt : p.closesAt),
      published_at: iso(new Date(p.opensAt.getTime() - DAY)),
      closed_at: p.phase === 'open' ? null : iso(p.closesAt),
      archived_at: archived ? iso(new Date(p.closesAt.getTime() + 365 * DAY)) : null,
    };
  });
  const programs = await insertJson(client, 'programs', rows);
  counts.programs = (counts.programs ?? 0) + programs;
  const versions = await insertJson(
    client,
    'program_form_versions',
    plans.map((p, i) => ({
      agency_id: seed.agencyId,
      program_id: p.id,
      version: 1,
      definition: BENCH_FORM,
      json_schema: schema,
      created_by: people.officers[i % people.officers.length],
      created_at: iso(new Date(p.opensAt.getTime() - DAY)),
    })),
  );
  counts.program_form_versions = (counts.program_form_versions ?? 0) + versions;
}

/**
 * Applications with their budget lines, submitted versions and status history. One statement
 * per table: the plan is passed as arrays and expanded with generate_series in PostgreSQL.
 */
async function seedApplications(
  client: Client,
  seed: AgencySeed,
  people: AgencyPeople,
  plans: ProgramPlan[],
  counts: RowCounts,
) {
  const a = await client.query(
    `WITH plan AS (
       SELECT * FROM unnest($2::uuid[], $3::text[], $4::timestamptz[], $5::timestamptz[],
                            $6::numeric[], $7::numeric[], $8::int[], $9::int[], $10::bool[])
         AS p(program_id, phase, opens_at, closes_at, floor, ceiling, n, org_offset, multiple)
     ), rows AS (
       SELECT p.*, g,
              CASE WHEN p.multiple THEN (g * 7 + p.org_offset) % $11 ELSE (g + p.org_offset) % $11 END + 1 AS org_ix,
              random() AS r_status, random() AS r_created, random() AS r_submitted, random() AS r_amount
         FROM plan p CROSS JOIN LATERAL generate_series(0, p.n - 1) g
     ), shaped AS (
       SELECT r.*,
              CASE r.phase
                WHEN 'open' THEN CASE WHEN r_status < 0.40 THEN 'draft' WHEN r_status < 0.88 THEN 'submitted'
                                      WHEN r_status < 0.94 THEN 'returned' ELSE 'withdrawn' END
                WHEN 'review' THEN CASE WHEN r_status < 0.90 THEN 'under_review' WHEN r_status < 0.95 THEN 'submitted'
                                        ELSE 'withdrawn' END
                ELSE CASE WHEN r_status < 0.40 THEN 'approved' WHEN r_status < 0.82 THEN 'denied'
                          WHEN r_status < 0.92 THEN 'waitlisted' ELSE 'withdrawn' END
              END AS status,
              r.opens_at + r_created * (least(r.closes_at, $12::timestamptz) - r.opens_at) AS created
         FROM rows r
     ), timed AS (
       SELECT s.*, CASE WHEN s.status <> 'draft'
                        THEN s.created + s.r_submitted * (least(s.closes_at, $12::timestamptz) - s.created) END AS submitted
         FROM shaped s
     )
     INSERT INTO applications (agency_id, program_id, organization_id, status, form_version, project_title,
       amount_requested, answers, version, submission_count, created_by, created_at, updated_at,
       submitted_at, returned_at, return_comment, revision_due_at, withdrawn_at)
     SELECT $1, s.program_id, ($13::uuid[])[s.org_ix], s.status, 1,
            (ARRAY['${TITLES.join("','")}'])[1 + s.g % ${TITLES.length}],
            CASE WHEN s.status = 'draft' AND s.r_amount < 0.2 THEN NULL
                 ELSE (s.floor + floor(s.r_amount * (s.ceiling - s.floor) / 100) * 100)::numeric(14,2) END,
            CASE WHEN s.status = 'draft' AND s.r_amount < 0.5 THEN '{}'::jsonb ELSE ${COMPLETE_ANSWERS_SQL('s.g')} END,
            CASE WHEN s.status = 'draft' THEN 1 + s.g % 5 ELSE 4 + s.g % 3 END,
            CASE WHEN s.status = 'draft' THEN 0 ELSE 1 END,
            ($14::uuid[])[s.org_ix],
            date_trunc('milliseconds', s.created),
            coalesce(s.submitted, s.created),
            date_trunc('milliseconds', s.submitted),
            CASE WHEN s.status = 'returned' THEN s.submitted + ($12::timestamptz - s.submitted) / 2 END,
            CASE WHEN s.status = 'returned' THEN 'Please complete the budget narrative for function 2200.' END,
            CASE WHEN s.status = 'returned' THEN s.closes_at END,
            CASE WHEN s.status = 'withdrawn' THEN s.submitted + (least(s.closes_at, $12::timestamptz) - s.submitted) / 2 END
       FROM timed s`,
    [
      seed.agencyId,
      plans.map((p) => p.id),
      plans.map((p) => p.phase),
      plans.map((p) => p.opensAt),
      plans.map((p) => p.closesAt),
      plans.map((p) => p.floor),
      plans.map((p) => p.ceiling),
      plans.map((p) => p.applications),
      plans.map((p) => p.orgOffset),
      plans.map((p) => p.multiple),
      seed.organizations,
      seed.now,
      people.organizationIds,
      people.writers,
    ],
  );
  counts.applications = (counts.applications ?? 0) + (a.rowCount ?? 0);

  const lines = await client.query(
    `INSERT INTO application_budget_lines (agency_id, application_id, position, function_code, object_code,
                                           description, amount, indirect)
     SELECT a.agency_id, a.id, l.pos, l.fc, l.oc, l.descr, ${LINE_AMOUNT_SQL('a.amount_requested', 'l.pos')}, false
       FROM applications a CROSS JOIN ${BUDGET_LINES_SQL}
      WHERE a.agency_id = $1 AND a.amount_requested IS NOT NULL`,
    [seed.agencyId],
  );
  counts.application_budget_lines = (counts.application_budget_lines ?? 0) + (lines.rowCount ?? 0);

  const subs = await client.query(
    `INSERT INTO application_submissions (agency_id, application_id, number, form_version, project_title,
       amount_requested, answers, budget, attachments, certified_by, certifier_name, certifier_title,
       certification_statement, certified_at, certified_ip, content_sha256, created_at)
     SELECT a.agency_id, a.id, 1, a.form_version, a.project_title, a.amount_requested, a.answers,
            (SELECT jsonb_agg(jsonb_build_object('functionCode', l.function_code, 'objectCode', l.object_code,
                     'description', l.description, 'amount', l.amount::text, 'indirect', l.indirect) ORDER BY l.position)
               FROM application_budget_lines l WHERE l.agency_id = a.agency_id AND l.application_id = a.id),
            '[]'::jsonb, m.rep, 'Pat Jones', 'Superintendent',
            'By submitting this application, I certify that the statements herein are true, complete and accurate.',
            a.submitted_at, '203.0.113.10',
            encode(sha256(convert_to(a.id::text || a.answers::text || a.amount_requested::text, 'UTF8')), 'hex'),
            a.submitted_at
       FROM applications a JOIN unnest($2::uuid[], $3::uuid[]) AS m(org, rep) ON m.org = a.organization_id
      WHERE a.agency_id = $1 AND a.submission_count >= 1`,
    [seed.agencyId, people.organizationIds, people.representatives],
  );
  counts.application_submissions = (counts.application_submissions ?? 0) + (subs.rowCount ?? 0);

  // Status history: started, submitted, then what happened next.
  const events = await client.query(
    `INSERT INTO application_status_events (agency_id, application_id, from_status, to_status, comment,
                                            submission_number, actor_user_id, at)
     SELECT a.agency_id, a.id, e.from_status, e.to_status, e.comment, e.number, a.created_by, e.at
       FROM applications a
       JOIN programs p ON p.agency_id = a.agency_id AND p.id = a.program_id
       CROSS JOIN LATERAL (VALUES
         (NULL, 'draft', NULL, NULL::int, a.created_at, true),
         ('draft', 'submitted', NULL, 1, a.submitted_at, a.submission_count >= 1),
         ('submitted', 'under_review', NULL, NULL, p.closes_at + interval '3 days',
            a.status IN ('under_review', 'approved', 'denied', 'waitlisted')),
         ('under_review', a.status, NULL, NULL, p.closes_at + interval '60 days',
            a.status IN ('approved', 'denied', 'waitlisted')),
         ('submitted', 'returned', a.return_comment, NULL, a.returned_at, a.status = 'returned'),
         ('submitted', 'withdrawn', 'No longer pursuing this project.', NULL, a.withdrawn_at, a.status = 'withdrawn')
       ) AS e(from_status, to_status, comment, number, at, included)
      WHERE a.agency_id = $1 AND e.included`,
    [seed.agencyId],
  );
  counts.application_status_events =
    (counts.application_status_events ?? 0) + (events.rowCount ?? 0);
}

/**
 * Review of competitive programs past their window: every application in review or decided has
 * a review case, two reviewers (declared no conflict) and their reviews; decided programs have
 * released funding decisions.
 */
async function seedReviews(
  client: Client,
  seed: AgencySeed,
  people: AgencyPeople,
  counts: RowCounts,
) {
  const { agencyId } = seed;
  const cases = await client.query(
    `INSERT INTO review_cases (agency_id, application_id, program_id, organization_id, stage, submission_number,
                               submitted_at, amount_requested, entered_at, updated_at)
     SELECT a.agency_id, a.id, a.program_id, a.organization_id,
            CASE WHEN a.status = 'under_review' THEN 'merit_review' ELSE 'final_decision' END,
            1, a.submitted_at, a.amount_requested, p.closes_at + interval '3 days', p.closes_at + interval '40 days'
       FROM applications a JOIN programs p ON p.agency_id = a.agency_id AND p.id = a.program_id
      WHERE a.agency_id = $1 AND a.status IN ('under_review', 'approved', 'denied', 'waitlisted')`,
    [agencyId],
  );
  counts.review_cases = (counts.review_cases ?? 0) + (cases.rowCount ?? 0);

  const assignments = await client.query(
    `INSERT INTO review_assignments (agency_id, program_id, application_id, reviewer_id, status, declaration,
                                     declared_at, automatic, assigned_by, created_at)
     SELECT c.agency_id, c.program_id, c.application_id,
            ($2::uuid[])[1 + ((c.n + k * 5) % cardinality($2::uuid[]))::int],
            'active', 'none', c.entered_at + interval '2 days', true, $3, c.entered_at + interval '1 day'
       FROM (SELECT rc.*, row_number() OVER () AS n FROM review_cases rc WHERE rc.agency_id = $1) c
       CROSS JOIN generate_series(0, 1) k`,
    [agencyId, people.reviewers, people.officers[0]],
  );
  counts.review_assignments = (counts.review_assignments ?? 0) + (assignments.rowCount ?? 0);

  const reviews = await client.query(
    `INSERT INTO reviews (agency_id, assignment_id, program_id, application_id, reviewer_id, status, points,
                          comments, weighted_total, submitted_at, version, created_at, updated_at)
     SELECT x.agency_id, x.id, x.program_id, x.application_id, x.reviewer_id,
            CASE WHEN x.stage = 'final_decision' OR x.r < 0.6 THEN 'submitted' ELSE 'draft' END,
            x.points, ${COMMENTS_SQL}, ${WEIGHTED_TOTAL_SQL('x.points')},
            CASE WHEN x.stage = 'final_decision' OR x.r < 0.6 THEN x.created_at + interval '10 days' END,
            CASE WHEN x.stage = 'final_decision' OR x.r < 0.6 THEN 3 ELSE 2 END,
            x.created_at + interval '5 days', x.created_at + interval '10 days'
       FROM (SELECT ra.*, c.stage, random() AS r,
                    ${SCORES_SQL("(('x' || substr(md5(ra.id::text), 1, 7))::bit(28)::int)")} AS points
               FROM review_assignments ra
               JOIN review_cases c ON c.agency_id = ra.agency_id AND c.application_id = ra.application_id
              WHERE ra.agency_id = $1) x`,
    [agencyId],
  );
  counts.reviews = (counts.reviews ?? 0) + (reviews.rowCount ?? 0);

  const decisions = await client.query(
    `INSERT INTO funding_decisions (agency_id, program_id, application_id, organization_id, rank, final_score,
       method, explanation, amount_requested, recommended_outcome, recommended_amount, partial, outcome, amount,
       decided_by, released_at, updated_at)
     SELECT c.agency_id, c.program_id, c.application_id, c.organization_id,
            row_number() OVER (PARTITION BY c.program_id ORDER BY s.score DESC, c.application_id),
            s.score, 'mean', 'Ranked by mean weighted score.', c.amount_requested, a.status,
            CASE WHEN a.status = 'approved' THEN c.amount_requested ELSE 0 END, false, a.status,
            CASE WHEN a.status = 'approved' THEN c.amount_requested ELSE 0 END,
            $2, p.closes_at + interval '60 days', p.closes_at + interval '60 days'
       FROM review_cases c
       JOIN applications a ON a.agency_id = c.agency_id AND a.id = c.application_id
       JOIN programs p ON p.agency_id = c.agency_id AND p.id = c.program_id
       JOIN LATERAL (SELECT avg(r.weighted_total)::numeric(9,4) AS score FROM reviews r
                      WHERE r.agency_id = c.agency_id AND r.application_id = c.application_id) s ON true
      WHERE c.agency_id = $1 AND c.stage = 'final_decision'`,
    [agencyId, people.officers[0]],
  );
  counts.funding_decisions = (counts.funding_decisions ?? 0) + (decisions.rowCount ?? 0);
  await client.query(
    `INSERT INTO program_review_settings (agency_id, program_id, decisions_released_at, decisions_released_by, updated_at)
     SELECT p.agency_id, p.id, p.closes_at + interval '60 days', $2, p.closes_at + interval '60 days'
       FROM programs p WHERE p.agency_id = $1 AND p.status IN ('closed', 'archived') AND p.closes_at < $3::timestamptz - interval '60 days'`,
    [agencyId, people.officers[0], seed.now],
  );
}

/**
 * Awards for approved applications (accepted, obligated in the ledger, budget from the
 * application), and for each award two paid reimbursements (approved, booked in the ledger).
 */
async function seedAwardsAndPayments(
  client: Client,
  seed: AgencySeed,
  people: AgencyPeople,
  counts: RowCounts,
) {
  const { agencyId } = seed;
  const awards = await client.query(
    `INSERT INTO awards (agency_id, reference, source, source_id, program_id, organization_id, application_id,
       status, subrecipient_name, subrecipient_uei, fain, federal_award_date, assistance_listing_number,
       assistance_listing_title, program_title, fiscal_year, performance_start, performance_end, amount,
       amount_this_action, offered_by, offered_at, accepted_by, accepted_at, acceptance, updated_at)
     SELECT d.agency_id, 'AW-' || p.fiscal_year || '-' || upper(substr(md5(d.id::text), 1, 10)), 'decision', d.id,
            d.program_id, d.organization_id, d.application_id, 'active', o.legal_name, o.uei, p.fain,
            p.performance_start, p.assistance_listing_number, p.assistance_listing_title, p.title, p.fiscal_year,
            p.performance_start, p.performance_end, d.amount, d.amount, $2, d.released_at, m.rep,
            d.released_at + interval '7 days',
            jsonb_build_object('name', 'Pat Jones', 'title', 'Superintendent', 'ip', '203.0.113.10'),
            d.released_at + interval '7 days'
       FROM funding_decisions d
       JOIN programs p ON p.agency_id = d.agency_id AND p.id = d.program_id
       JOIN organizations o ON o.agency_id = d.agency_id AND o.id = d.organization_id
       JOIN unnest($3::uuid[], $4::uuid[]) AS m(org, rep) ON m.org = d.organization_id
      WHERE d.agency_id = $1 AND d.outcome = 'approved'`,
    [agencyId, people.officers[0], people.organizationIds, people.representatives],
  );
  counts.awards = (counts.awards ?? 0) + (awards.rowCount ?? 0);

  const budgetOf = `(SELECT jsonb_agg(jsonb_build_object('functionCode', l.function_code, 'objectCode', l.object_code,
                       'description', l.description, 'amount', l.amount::text) ORDER BY l.position)
                       FROM application_budget_lines l WHERE l.agency_id = w.agency_id AND l.application_id = w.application_id)`;
  await client.query(
    `INSERT INTO award_versions (agency_id, award_id, version, action, amount, amount_this_action, performance_start,
                                 performance_end, budget, approved_by, created_at)
     SELECT w.agency_id, w.id, 1, 'award', w.amount, w.amount, w.performance_start, w.performance_end,
            ${budgetOf}, w.offered_by, w.offered_at
       FROM awards w WHERE w.agency_id = $1`,
    [agencyId],
  );
  const lines = await client.query(
    `INSERT INTO award_budget_lines (agency_id, award_id, function_code, object_code, description, amount, approved_amount)
     SELECT w.agency_id, w.id, l.function_code, l.object_code, l.description, l.amount, l.amount
       FROM awards w JOIN application_budget_lines l ON l.agency_id = w.agency_id AND l.application_id = w.application_id
      WHERE w.agency_id = $1`,
    [agencyId],
  );
  counts.award_versions = (counts.award_versions ?? 0) + (awards.rowCount ?? 0);
  counts.award_budget_lines = (counts.award_budget_lines ?? 0) + (lines.rowCount ?? 0);

  // Obligations: program funds debited, the undisbursed obligation credited.
  const obligations = await client.query(
    `WITH t AS (
       INSERT INTO ledger_transactions (agency_id, award_id, kind, source_type, source_id, memo, created_by, created_at)
       SELECT w.agency_id, w.id, 'obligation', 'award', w.id, 'Obligation of award ' || w.reference, w.offered_by, w.offered_at
         FROM awards w WHERE w.agency_id = $1
       RETURNING agency_id, id, award_id
     ), w AS (SELECT id, amount FROM awards WHERE agency_id = $1)
     INSERT INTO ledger_entries (agency_id, transaction_id, award_id, account, side, amount)
     SELECT t.agency_id, t.id, t.award_id, e.account, e.side, w.amount
       FROM t JOIN w ON w.id = t.award_id
       CROSS JOIN (VALUES ('program_funds', 'debit'), ('undisbursed_obligation', 'credit')) AS e(account, side)`,
    [agencyId],
  );
  counts.ledger_transactions = (counts.ledger_transactions ?? 0) + (awards.rowCount ?? 0);
  counts.ledger_entries = (counts.ledger_entries ?? 0) + (obligations.rowCount ?? 0);

  // Two paid reimbursements per award, 30% of the award each, on the first budget line.
  const requests = await client.query(
    `INSERT INTO payment_requests (agency_id, reference, award_id, organization_id, type, status, amount_requested,
       amount, period_start, period_end, description, required_approvals, content_hash, requested_by, requested_at,
       approved_at, paid_on, paid_at)
     SELECT w.agency_id, 'PR-' || upper(substr(md5(w.id::text || k), 1, 10)), w.id, w.organization_id,
            'reimbursement', 'paid', round(w.amount * 0.30, 2), round(w.amount * 0.30, 2),
            w.performance_start + (k * 90), w.performance_start + (k * 90 + 89),
            'Quarterly reimbursement of salaries', CASE WHEN round(w.amount * 0.30, 2) >= 25000 THEN 2 ELSE 1 END,
            encode(sha256(convert_to(w.id::text || k, 'UTF8')), 'hex'), w.accepted_by,
            w.accepted_at + (k * 90 + 95) * interval '1 day', w.accepted_at + (k * 90 + 98) * interval '1 day',
            (w.accepted_at + (k * 90 + 110) * interval '1 day')::date, w.accepted_at + (k * 90 + 110) * interval '1 day'
       FROM awards w CROSS JOIN generate_series(0, 1) k
      WHERE w.agency_id = $1`,
    [agencyId],
  );
  counts.payment_requests = (counts.payment_requests ?? 0) + (requests.rowCount ?? 0);
  await client.query(
    `INSERT INTO payment_request_lines (agency_id, request_id, function_code, object_code, amount_requested, amount)
     SELECT r.agency_id, r.id, '1000', '100', r.amount, r.amount FROM payment_requests r WHERE r.agency_id = $1`,
    [agencyId],
  );
  const approvals = await client.query(
    `INSERT INTO payment_approvals (agency_id, request_id, approver_id, approver_email, decision, amount, content_hash, decided_at)
     SELECT r.agency_id, r.id, ($2::uuid[])[1 + k], NULL, 'approved', r.amount, r.content_hash, r.approved_at
       FROM payment_requests r CROSS JOIN generate_series(0, 1) k
      WHERE r.agency_id = $1 AND k < r.required_approvals`,
    [agencyId, people.financeOfficers],
  );
  counts.payment_request_lines = (counts.payment_request_lines ?? 0) + (requests.rowCount ?? 0);
  counts.payment_approvals = (counts.payment_approvals ?? 0) + (approvals.rowCount ?? 0);
  const disbursements = await client.query(
    `WITH t AS (
       INSERT INTO ledger_transactions (agency_id, award_id, kind, source_type, source_id, memo, created_at)
       SELECT r.agency_id, r.award_id, 'disbursement', 'payment_request', r.id,
              'Reimbursement ' || r.reference || ' paid on ' || r.paid_on, r.paid_at
         FROM payment_requests r WHERE r.agency_id = $1 AND r.status = 'paid'
       RETURNING agency_id, id, award_id, source_id
     )
     INSERT INTO ledger_entries (agency_id, transaction_id, award_id, account, side, amount)
     SELECT t.agency_id, t.id, t.award_id, e.account, e.side, r.amount
       FROM t JOIN payment_requests r ON r.agency_id = t.agency_id AND r.id = t.source_id
       CROSS JOIN (VALUES ('undisbursed_obligation', 'debit'), ('cash', 'credit')) AS e(account, side)`,
    [agencyId],
  );
  counts.ledger_transactions += requests.rowCount ?? 0;
  counts.ledger_entries += disbursements.rowCount ?? 0;
}

/** The audit trail of what the rows above record (the trigger stamps hashes and tx ids). */
async function seedAudit(client: Client, seed: AgencySeed, counts: RowCounts) {
  const { agencyId } = seed;
  const statements = [
    `SELECT a.agency_id, a.created_at, 'user', a.created_by, 'application.started', 'application', a.id::text, NULL::jsonb,
            jsonb_build_object('programId', a.program_id, 'organizationId', a.organization_id, 'formVersion', a.form_version)
       FROM applications a WHERE a.agency_id = $1`,
    `SELECT s.agency_id, s.certified_at, 'user', s.certified_by, 'application.submitted', 'application', s.application_id::text,
            '{"status": "draft"}'::jsonb,
            jsonb_build_object('status', 'submitted', 'submissionNumber', s.number, 'contentSha256', s.content_sha256,
                               'amountRequested', s.amount_requested::text)
       FROM application_submissions s WHERE s.agency_id = $1`,
    `SELECT r.agency_id, r.submitted_at, 'user', r.reviewer_id, 'review.submitted', 'review', r.id::text,
            '{"status": "draft"}'::jsonb,
            jsonb_build_object('status', 'submitted', 'applicationId', r.application_id, 'weightedTotal', r.weighted_total::text, 'points', r.points)
       FROM reviews r WHERE r.agency_id = $1 AND r.status = 'submitted'`,
    `SELECT w.agency_id, w.offered_at, 'user', w.offered_by, 'award.offered', 'award', w.id::text, NULL::jsonb,
            jsonb_build_object('reference', w.reference, 'amount', w.amount::text, 'source', w.source, 'sourceId', w.source_id)
       FROM awards w WHERE w.agency_id = $1`,
    `SELECT r.agency_id, r.paid_at, 'system', NULL::uuid, 'payment_request.paid', 'payment_request', r.id::text,
            '{"status": "batched"}'::jsonb, jsonb_build_object('status', 'paid', 'paidOn', r.paid_on, 'cash', r.amount::text)
       FROM payment_requests r WHERE r.agency_id = $1 AND r.status = 'paid'`,
  ];
  for (const select of statements) {
    const result = await client.query(
      `INSERT INTO audit_events (agency_id, occurred_at, actor_kind, actor_user_id, action, entity_type, entity_id,
                                 before, after, request_id, client_ip)
       SELECT x.*, NULL, '203.0.113.10' FROM (${select}) x`,
      [agencyId],
    );
    counts.audit_events = (counts.audit_events ?? 0) + (result.rowCount ?? 0);
  }
}

/** Times each statement, labelled by what it does (e.g. "insert reviews", "analyze"). */
function timedClient(client: Client, timings: Record<string, number>): Client {
  const labelOf = (sql: unknown): string => {
    const text = typeof sql === 'string' ? sql : '';
    // A statement with data-modifying CTEs is named by its last (outer) INSERT.
    const tables = [...text.matchAll(/INSERT INTO (\w+)/g)].map((m) => m[1]);
    return tables.length ? `insert ${tables.join(' + ')}` : 'other';
  };
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property !== 'query') return Reflect.get(target, property, receiver) as unknown;
      return async (...args: Parameters<Client['query']>) => {
        const label = labelOf(args[0]);
        const t0 = performance.now();
        try {
          return await (target.query as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        } finally {
          timings[label] = (timings[label] ?? 0) + (performance.now() - t0) / 1000;
        }
      };
    },
  });
}

/** Everything of one agency, in one transaction with the agency set (RLS is forced). */
export async function seedAgency(
  connection: Client,
  seed: AgencySeed,
  counts: RowCounts,
  timings: Record<string, number>,
): Promise<AgencyPeople> {
  const client = timedClient(connection, timings);
  await client.query('BEGIN');
  try {
    await client.query(`SELECT set_config('app.agency_id', $1, true)`, [seed.agencyId]);
    await client.query(`SET LOCAL synchronous_commit = off`);
    // To the planner this agency has no rows until the statistics are refreshed after commit
    // (its agency_id is in no histogram), so it joins the agency's thousands of rows with nested
    // loops that rescan an index per row: seconds per statement at a million applications, and
    // quadratic. Every statement here joins one agency's rows wholesale: hash joins fit.
    await client.query(`SET LOCAL enable_nestloop = off`);
    const people = await seedPeople(client, seed, counts);
    const plans = planPrograms(seed);
    await seedPrograms(client, seed, people, plans, counts);
    await seedApplications(client, seed, people, plans, counts);
    await seedReviews(client, seed, people, counts);
    await seedAwardsAndPayments(client, seed, people, counts);
    await seedAudit(client, seed, counts);
    const t0 = performance.now();
    await connection.query('COMMIT');
    timings['commit (ledger balance checks)'] =
      (timings['commit (ledger balance checks)'] ?? 0) + (performance.now() - t0) / 1000;
    return people;
  } catch (error) {
    await connection.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
