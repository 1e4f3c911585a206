/**
 * `npm run bench:ranking`: how long a program officer waits for a ranked list.
 *
 * Seeds one competitive program of mo-dese with BENCH_APPLICATIONS (10,000) submitted
 * applications in merit review, BENCH_REVIEWS_PER_APPLICATION (3) submitted reviews each from a
 * pool of BENCH_REVIEWERS (60) and a rubric of BENCH_CRITERIA (10) criteria, with set-based
 * INSERT ... SELECT generate_series (the server builds the rows; nothing crosses the wire).
 * Then it times, for each aggregation method:
 *   service: PanelRanking.rank() in a tenant transaction as the app role (load + aggregate + rank)
 *   load:    the two queries alone (cases, submitted review points)
 *   pure:    rankApplications() on data already in memory
 * Figures are the median of BENCH_RUNS (7) runs after one warm-up; a figure, not a timed test.
 * Database: DATABASE_ADMIN_URL or TEST_DATABASE_URL (a superuser URL) when set, else a throwaway
 * embedded PostgreSQL. The run uses a database of its own and drops it at the end.
 */
import 'reflect-metadata';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { AppModule } from '../src/app.module';
import { loadConfig } from '../src/core/config/env';
import { TenantDb, TenantRunner } from '../src/core/context/tenant-db';
import { startEmbeddedPostgres } from '../src/core/database/embedded-postgres';
import { provisionDatabase, runMigrations } from '../src/core/database/provisioning';
import { PanelRanking } from '../src/reviews/scoring/panel-ranking.service';
import {
  AggregationMethod,
  rankApplications,
  RubricCriterion,
  SubmittedReview,
} from '../src/reviews/scoring/panel-scoring';

const APPLICATIONS = Number(process.env.BENCH_APPLICATIONS ?? 10_000);
const PER_APPLICATION = Number(process.env.BENCH_REVIEWS_PER_APPLICATION ?? 3);
const REVIEWERS = Number(process.env.BENCH_REVIEWERS ?? 60);
const CRITERIA = Number(process.env.BENCH_CRITERIA ?? 10);
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const AGENCY = 'mo-dese';
const METHODS: AggregationMethod[] = ['mean', 'trimmed-mean', 'z-score'];

interface Database {
  appUrl: string;
  ownerUrl: string;
  drop(): Promise<void>;
}

async function createDatabase(): Promise<Database> {
  let adminUrl = process.env.DATABASE_ADMIN_URL ?? process.env.TEST_DATABASE_URL;
  let stopServer = (): Promise<void> => Promise.resolve();
  let dir: string | undefined;
  if (!adminUrl) {
    dir = mkdtempSync(join(tmpdir(), 'gc-bench-pg-'));
    chmodSync(dir, 0o755);
    const server = await startEmbeddedPostgres(
      join(dir, 'data'),
      57000 + Math.floor(Math.random() * 2000),
    );
    adminUrl = server.adminUrl;
    stopServer = () => server.stop();
  }
  const name = `gc_bench_${randomBytes(4).toString('hex')}`;
  const at = new URL(adminUrl);
  const roleUrl = (user: string) => `postgres://${user}:${user}@${at.host}/${name}`;
  const ownerUrl = roleUrl('gc_bench_owner');
  const appUrl = roleUrl('gc_bench_app');
  await provisionDatabase({ adminUrl, ownerUrl, appUrl });
  await runMigrations(ownerUrl);
  return {
    appUrl,
    ownerUrl,
    drop: async () => {
      const admin = new Client({ connectionString: adminUrl });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
      await stopServer();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function boot(db: Database): Promise<INestApplicationContext> {
  const config = loadConfig({
    NODE_ENV: 'production',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    AUTH_TOKEN_SECRET: 'bench-secret-bench-secret-bench-secret-0123',
    PAYEE_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
    PAYMENT_FILE_ENCRYPTION_KEY: Buffer.alloc(32, 8).toString('base64'),
    MIGRATE_ON_START: 'false',
    AGENCY_CONFIG_DIR: resolve(process.env.AGENCY_CONFIG_DIR ?? 'config/agencies'),
    DATABASE_URL: db.appUrl,
    DATABASE_OWNER_URL: db.ownerUrl,
    WORKER_IN_PROCESS: 'false',
  });
  const app = await NestFactory.createApplicationContext(AppModule.register(config), {
    logger: ['error', 'warn'],
  });
  await app.init();
  return app;
}

/** Everything in one owner transaction with the tenant set (RLS is forced even for the owner). */
async function seed(ownerUrl: string): Promise<{ agencyId: string; programId: string }> {
  const sql = new Client({ connectionString: ownerUrl });
  await sql.connect();
  try {
    const {
      rows: [{ id: agencyId }],
    } = await sql.query<{ id: string }>('SELECT id FROM agencies WHERE code = $1', [AGENCY]);
    await sql.query('BEGIN');
    await sql.query(`SELECT set_config('app.agency_id', $1, true)`, [agencyId]);
    await sql.query('SELECT setseed(0.42)'); // the same scores every run

    const criteria = Array.from({ length: CRITERIA }, (_, i) => ({
      key: `c${i + 1}`,
      title: `Criterion ${i + 1}`,
      weight: 1 + (i % 3),
      maxPoints: 10 * (1 + (i % 4)),
    }));
    const {
      rows: [{ id: programId }],
    } = await sql.query<{ id: string }>(
      `INSERT INTO programs (agency_id, code, title, kind, status, fiscal_year, funds_available, rubric)
       VALUES ($1, $2, 'Ranking benchmark', 'competitive', 'closed', 2027, '50000000.00', $3)
       RETURNING id`,
      [agencyId, `BENCH-${randomBytes(3).toString('hex')}`, { criteria }],
    );
    await sql.query(
      `INSERT INTO users (email, name)
       SELECT 'bench-reviewer-' || g || '@example.org', 'Reviewer ' || g FROM generate_series(1, $1) g`,
      [REVIEWERS],
    );
    await sql.query(
      `INSERT INTO agency_memberships (agency_id, user_id, roles)
       SELECT $1, id, ARRAY['reviewer'] FROM users WHERE email LIKE 'bench-reviewer-%'`,
      [agencyId],
    );
    await sql.query(
      `CREATE TEMP TABLE bench_apps ON COMMIT DROP AS
       SELECT g AS n, gen_random_uuid() AS application_id, gen_random_uuid() AS organization_id,
              timestamptz '2026-03-01' + g * interval '1 minute' AS submitted_at,
              (10000 + (g % 40) * 2500)::numeric(14,2) AS amount
         FROM generate_series(1, $1) g`,
      [APPLICATIONS],
    );
    await sql.query(
      `INSERT INTO organizations (agency_id, id, legal_name, type, status, address)
       SELECT $1, organization_id, 'Bench District ' || n, 'lea', 'active', '{}'::jsonb FROM bench_apps`,
      [agencyId],
    );
    await sql.query(
      `INSERT INTO applications (agency_id, id, program_id, organization_id, status, form_version,
                                 amount_requested, submission_count, submitted_at)
       SELECT $1, application_id, $2, organization_id, 'under_review', 1, amount, 1, submitted_at
         FROM bench_apps`,
      [agencyId, programId],
    );
    await sql.query(
      `INSERT INTO review_cases (agency_id, application_id, program_id, organization_id, stage,
                                 submission_number, submitted_at, amount_requested)
       SELECT $1, application_id, $2, organization_id, 'merit_review', 1, submitted_at, amount
         FROM bench_apps`,
      [agencyId, programId],
    );
    // Reviewer k of application n: consecutive members of the pool, so always distinct.
    await sql.query(
      `CREATE TEMP TABLE bench_reviewers ON COMMIT DROP AS
       SELECT row_number() OVER (ORDER BY id) - 1 AS i, id FROM users WHERE email LIKE 'bench-reviewer-%'`,
    );
    await sql.query(
      `INSERT INTO review_assignments (agency_id, program_id, application_id, reviewer_id, declaration)
       SELECT $1, $2, a.application_id, r.id, 'none'
         FROM bench_apps a CROSS JOIN generate_series(0, $3 - 1) k
         JOIN bench_reviewers r ON r.i = (a.n * $3 + k) % $4`,
      [agencyId, programId, PER_APPLICATION, REVIEWERS],
    );
    // Harsh and lenient reviewers: each has a bias, so normalization has work to do.
    const pointsSql = criteria
      .map(
        (c) =>
          `'${c.key}', LEAST(${c.maxPoints}, GREATEST(0, round((0.35 + random() * 0.5 + ((r.i % 7) - 3) * 0.04) * ${c.maxPoints})))`,
      )
      .join(', ');
    await sql.query(
      `INSERT INTO reviews (agency_id, assignment_id, program_id, application_id, reviewer_id,
                            status, points, submitted_at)
       SELECT $1, ra.id, ra.program_id, ra.application_id, ra.reviewer_id, 'submitted',
              jsonb_build_object(${pointsSql}), now()
         FROM review_assignments ra JOIN bench_reviewers r ON r.id = ra.reviewer_id
        WHERE ra.program_id = $2`,
      [agencyId, programId],
    );
    await sql.query('COMMIT');
    await sql.query('ANALYZE review_cases; ANALYZE reviews; ANALYZE applications');
    return { agencyId, programId };
  } finally {
    await sql.end();
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function timed(runs: number, work: () => unknown): Promise<number[]> {
  await work(); // warm-up: JIT, plan cache, pool connection
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await work();
    times.push(performance.now() - start);
  }
  return times;
}

const ms = (v: number) => `${v.toFixed(1).padStart(7)} ms`;

async function main(): Promise<void> {
  console.log(
    `bench:ranking: ${APPLICATIONS} applications x ${PER_APPLICATION} reviews x ${CRITERIA} criteria, ` +
      `${REVIEWERS} reviewers; node ${process.version}, ${cpus().length} CPU(s) (${cpus()[0]?.model ?? '?'})`,
  );
  const db = await createDatabase();
  let app: INestApplicationContext | undefined;
  try {
    app = await boot(db); // syncs the agencies
    const seedStart = performance.now();
    const { agencyId, programId } = await seed(db.ownerUrl);
    console.log(`seeded in ${(performance.now() - seedStart).toFixed(0)} ms`);

    const runner = app.get(TenantRunner);
    const ranking = app.get(PanelRanking);
    const tenantDb = app.get(TenantDb);
    const inTenant = <R>(work: () => Promise<R>) =>
      runner.run({ agencyId, agencyCode: AGENCY }, { kind: 'system' }, work);

    // The data as the pure function takes it, loaded once for the pure timing.
    const loaded = await inTenant(async () => {
      const manager = tenantDb.manager;
      const rubric = await manager.query<
        Array<{ rubric: { criteria: Array<{ key: string; weight: number; maxPoints: number }> } }>
      >('SELECT rubric FROM programs WHERE agency_id = $1 AND id = $2', [agencyId, programId]);
      const cases = await manager.query<Array<{ application_id: string; submitted_at: Date }>>(
        `SELECT application_id, submitted_at FROM review_cases WHERE agency_id = $1 AND program_id = $2`,
        [agencyId, programId],
      );
      const reviews = await manager.query<
        Array<{ application_id: string; reviewer_id: string; points: Record<string, number> }>
      >(
        `SELECT application_id, reviewer_id, points FROM reviews WHERE agency_id = $1 AND program_id = $2 AND status = 'submitted'`,
        [agencyId, programId],
      );
      return {
        criteria: rubric[0].rubric.criteria.map((c): RubricCriterion => ({
          id: c.key,
          weight: c.weight,
          maxPoints: c.maxPoints,
        })),
        applications: cases.map((c) => ({
          applicationId: c.application_id,
          submittedAt: c.submitted_at.toISOString(),
        })),
        reviews: reviews.map((r): SubmittedReview => ({
          applicationId: r.application_id,
          reviewerId: r.reviewer_id,
          points: r.points,
        })),
      };
    });
    console.log(
      `loaded ${loaded.applications.length} applications and ${loaded.reviews.length} submitted reviews\n`,
    );

    const load = await timed(RUNS, () =>
      inTenant(async () => {
        await tenantDb.manager.query(
          `SELECT application_id, organization_id, submitted_at, amount_requested, stage
             FROM review_cases WHERE agency_id = $1 AND program_id = $2 AND stage = ANY($3::text[])`,
          [agencyId, programId, ['merit_review', 'final_decision']],
        );
        await tenantDb.manager.query(
          `SELECT application_id, reviewer_id, points FROM reviews
            WHERE agency_id = $1 AND program_id = $2 AND status = 'submitted'`,
          [agencyId, programId],
        );
      }),
    );
    console.log(
      `load only (2 queries, one transaction)   median ${ms(median(load))}  min ${ms(Math.min(...load))}`,
    );
    for (const method of METHODS) {
      let top = '';
      const service = await timed(RUNS, async () => {
        const result = await inTenant(() => ranking.rank(programId, { method }));
        top = `#1 ${result.items[0].finalScore.toFixed(2)}, ${result.items.filter((i) => i.reviews.some((r) => r.outlier)).length} flagged`;
      });
      const pure = await timed(RUNS, () =>
        rankApplications(loaded.criteria, loaded.applications, loaded.reviews, {
          method,
          outlierThresholdPoints: 15,
        }),
      );
      console.log(
        `${method.padEnd(12)} load+aggregate+rank   median ${ms(median(service))}  min ${ms(Math.min(...service))}   ` +
          `pure computation median ${ms(median(pure))}  min ${ms(Math.min(...pure))}   (${top})`,
      );
    }
    console.log('\ntarget: load+aggregate+rank under 1000 ms on a 2-core machine');
  } finally {
    await app?.close();
    await db.drop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
