/**
 * `npm run bench:jobs`: outbox-to-handled throughput and lag for both job drivers.
 *
 * For each driver (BullMQ on REDIS_URL or redis://127.0.0.1:6379, then in-process) it boots the
 * real app as a worker (all modules, plus one benchmark job that writes a row) and measures:
 *   burst:  N jobs committed to the outbox at once; throughput = N / (last handled - first enqueued)
 *   steady: jobs committed at a fixed rate in small transactions; lag = handled - committed, p50/p99
 * Database: DATABASE_ADMIN_URL or TEST_DATABASE_URL (a superuser URL) when set, else a throwaway
 * embedded PostgreSQL. Each run uses a database of its own and drops it at the end.
 * Knobs: BENCH_JOBS (10000), BENCH_RATE (jobs/s, 1000), BENCH_SECONDS (10), BENCH_DRIVERS
 * (bullmq,in-process), JOB_CONCURRENCY (32), DATABASE_POOL_SIZE (40), BENCH_BATCHABLE (true: the
 * benchmark job may share transactions; false: one transaction per job).
 */
import 'reflect-metadata';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, chmodSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { Redis } from 'ioredis';
import { AppModule } from '../src/app.module';
import { loadConfig } from '../src/core/config/env';
import { TenantRunner } from '../src/core/context/tenant-db';
import { startEmbeddedPostgres } from '../src/core/database/embedded-postgres';
import { provisionDatabase, runMigrations } from '../src/core/database/provisioning';
import { JobQueue } from '../src/core/jobs';
import { BENCH_TABLE_SQL, JobsBenchModule } from './jobs-bench.module';

const JOBS = Number(process.env.BENCH_JOBS ?? 10_000);
const RATE = Number(process.env.BENCH_RATE ?? 1000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const DRIVERS = (process.env.BENCH_DRIVERS ?? 'bullmq,in-process').split(',');
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const SYSTEM = { kind: 'system' as const };

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

async function boot(
  db: Database,
  driver: string,
  prefix: string,
): Promise<INestApplicationContext> {
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
    DATABASE_POOL_SIZE: process.env.DATABASE_POOL_SIZE ?? '40',
    WORKER_IN_PROCESS: 'true',
    REDIS_URL: driver === 'bullmq' ? REDIS_URL : undefined,
    JOB_QUEUE_PREFIX: prefix,
    JOB_CONCURRENCY: process.env.JOB_CONCURRENCY ?? '32',
    JOB_POLL_MS: '1000',
  });
  const app = await NestFactory.createApplicationContext(
    { module: class JobsBenchRoot {}, imports: [AppModule.register(config), JobsBenchModule] },
    { logger: ['error', 'warn'] },
  );
  await app.init();
  return app;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function query<T>(
  sql: Client,
  agencyId: string,
  text: string,
  params: unknown[] = [],
): Promise<T[]> {
  await sql.query('BEGIN');
  await sql.query(`SELECT set_config('app.agency_id', $1, true)`, [agencyId]);
  const result = await sql.query(text, params);
  await sql.query('COMMIT');
  return result.rows as T[];
}

async function waitHandled(
  sql: Client,
  agencyId: string,
  fromSeq: number,
  count: number,
): Promise<void> {
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    const [row] = await query<{ n: number }>(
      sql,
      agencyId,
      `SELECT count(*)::int AS n FROM bench_effects WHERE seq >= $1 AND seq < $2`,
      [fromSeq, fromSeq + count],
    );
    if (row.n >= count) return;
    if (Date.now() > deadline) throw new Error(`only ${row.n} of ${count} jobs handled`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

interface Figures {
  driver: string;
  burstJobs: number;
  burstJobsPerSecond: number;
  steadyRate: number;
  steadyJobs: number;
  lagP50Ms: number;
  lagP99Ms: number;
  lagMaxMs: number;
}

async function measure(db: Database, driver: string): Promise<Figures> {
  const prefix = `gc-bench-${randomBytes(3).toString('hex')}`;
  const app = await boot(db, driver, prefix);
  const sql = new Client({ connectionString: db.appUrl });
  await sql.connect();
  try {
    const [agency] = (
      await sql.query(`SELECT id, code FROM agencies WHERE active ORDER BY code LIMIT 1`)
    ).rows as Array<{
      id: string;
      code: string;
    }>;
    const tenant = { agencyId: agency.id, agencyCode: agency.code };
    const runner = app.get(TenantRunner);
    const queue = app.get(JobQueue);
    const base = DRIVERS.indexOf(driver) * 10_000_000;
    const enqueue = (seqs: number[]) =>
      runner.run(tenant, SYSTEM, () =>
        queue.enqueueMany(
          'bench.effect',
          seqs.map((seq) => ({ agencyId: agency.id, seq })),
        ),
      );

    // Warm up (connections, JIT) before measuring.
    await enqueue(Array.from({ length: 200 }, (_, i) => base + 9_000_000 + i));
    await waitHandled(sql, agency.id, base + 9_000_000, 200);

    // Burst: everything committed at once, then drained.
    const burstStart = base;
    for (let i = 0; i < JOBS; i += 1000) {
      await enqueue(Array.from({ length: Math.min(1000, JOBS - i) }, (_, k) => burstStart + i + k));
    }
    await waitHandled(sql, agency.id, burstStart, JOBS);
    const [burst] = await query<{ seconds: number }>(
      sql,
      agency.id,
      `SELECT extract(epoch FROM max(e.handled_at) - min(o.created_at))::float8 AS seconds
         FROM bench_effects e JOIN jobs_outbox o ON o.id = e.job_id
        WHERE e.seq >= $1 AND e.seq < $2`,
      [burstStart, burstStart + JOBS],
    );

    // Steady: RATE jobs/s for SECONDS, committed every 50 ms (20 small transactions a second).
    const steadyStart = base + 1_000_000;
    const tickMs = 50;
    const perTick = Math.max(1, Math.round((RATE * tickMs) / 1000));
    const ticks = Math.round((SECONDS * 1000) / tickMs);
    const t0 = Date.now();
    for (let t = 0; t < ticks; t++) {
      await enqueue(Array.from({ length: perTick }, (_, k) => steadyStart + t * perTick + k));
      const wait = t0 + (t + 1) * tickMs - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    const steadyJobs = ticks * perTick;
    await waitHandled(sql, agency.id, steadyStart, steadyJobs);
    const lags = (
      await query<{ lag: number }>(
        sql,
        agency.id,
        `SELECT extract(epoch FROM e.handled_at - o.created_at)::float8 * 1000 AS lag
           FROM bench_effects e JOIN jobs_outbox o ON o.id = e.job_id
          WHERE e.seq >= $1 AND e.seq < $2 ORDER BY 1`,
        [steadyStart, steadyStart + steadyJobs],
      )
    ).map((r) => r.lag);
    return {
      driver,
      burstJobs: JOBS,
      burstJobsPerSecond: Math.round(JOBS / burst.seconds),
      steadyRate: Math.round(steadyJobs / ((Date.now() - t0) / 1000)),
      steadyJobs,
      lagP50Ms: Math.round(percentile(lags, 50)),
      lagP99Ms: Math.round(percentile(lags, 99)),
      lagMaxMs: Math.round(lags[lags.length - 1]),
    };
  } finally {
    await sql.end();
    await app.close();
    if (driver === 'bullmq') {
      const redis = new Redis(REDIS_URL);
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
    }
  }
}

async function main(): Promise<void> {
  const db = await createDatabase();
  const owner = new Client({ connectionString: db.ownerUrl });
  await owner.connect();
  for (const statement of BENCH_TABLE_SQL) await owner.query(statement);
  await owner.end();
  const results: Figures[] = [];
  try {
    for (const driver of DRIVERS) {
      process.stdout.write(`measuring ${driver}...\n`);
      const figures = await measure(db, driver);
      results.push(figures);
      process.stdout.write(
        `${driver}: burst ${figures.burstJobs} jobs at ${figures.burstJobsPerSecond} jobs/s; ` +
          `steady ${figures.steadyJobs} jobs at ${figures.steadyRate} jobs/s: lag p50 ${figures.lagP50Ms} ms, ` +
          `p99 ${figures.lagP99Ms} ms, max ${figures.lagMaxMs} ms\n`,
      );
    }
  } finally {
    await db.drop();
  }
  console.table(results);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(
      `bench:jobs failed: ${error instanceof Error ? error.stack : String(error)}\n`,
    );
    process.exit(1);
  },
);
