/**
 * `npm run bench`: the HTTP API under load, against a raw-SQL baseline.
 *
 * Starts PostgreSQL (embedded by default; DATABASE_ADMIN_URL or TEST_DATABASE_URL, a superuser
 * URL, to use another), creates a fresh database, seeds it (`--applications`, default 10,000,
 * over 50 agencies x 300 organizations: bench/seed-scale.ts), adds the records the write
 * scenarios consume (bench/lib/fixtures.ts), and starts the real processes as children, shaped as
 * production runs them (README, "Running at scale"): the API (node dist/src/main.js,
 * NODE_ENV=production, LOG_LEVEL=warn, REDIS_URL, WORKER_IN_PROCESS=false) and the worker (node
 * dist/src/worker.js, same environment) running the background jobs (emails on submission...)
 * from BullMQ on its own core. `--worker in-process` instead runs the jobs inside the API (no
 * worker child; BullMQ only if REDIS_URL is set, else the in-process driver), as before.
 * It drives the API from this process with autocannon. For each scenario it prints requests/s,
 * p50/p95/p99 latency, errors and non-2xx answers, the API's peak RSS (VmHWM) during the scenario,
 * CPU per request of the API process and of the database's PostgreSQL backends during the load
 * (from /proc: these hold up when the machine is busy, when throughput and latency do not); then
 * it waits for the jobs the scenario enqueued to be done (outbox rows not done), and prints the
 * jobs per request, the backlog left when the load stopped, the seconds it took to drain,
 * requests over load plus drain time (sust/s), the worker's CPU per request (load and drain) and
 * peak RSS, and all/req: API + worker + database CPU over load and drain, so work deferred to the
 * backlog is not hidden.
 * The application GET is also run against bench/baseline-server.ts (node:http + pg issuing the
 * same SQL in one transaction), and our throughput is printed as a share of it.
 *
 * Options: --applications N, --agencies N, --orgs N, --seconds S (per scenario, default 10),
 * --scenarios a,b (names below), --growth (then the GET and list scenarios again on a second
 * database of --growth-applications, default 1,000,000: seeding it takes several minutes),
 * --connections N (every scenario and the baseline at N connections), --heap-mb N (the API's and
 * worker's --max-old-space-size, default 256; 0 = V8's default, which sizes the heap from the
 * machine's memory and lets it grow past 300 MB of RSS under load: see bench/README.md),
 * --processes N (default 1: N API processes, each on its own port with the same database, Redis
 * and secrets, started one after another; autocannon spreads its connections over them
 * round-robin, no proxy in between, so cpu/req is the sum over all of them and RSS the largest
 * one's), --worker separate|in-process (default separate), --smtp none|sink (default none: no SMTP_URL,
 * emails rendered and recorded, not sent; sink: a real SMTP server child that accepts and drops
 * them, bench/lib/smtp-sink-server.ts, so sending costs what it costs), --drain-timeout S
 * (default 180), --json FILE (write the figures), --pg-stats (embedded PostgreSQL only: after each
 * scenario, the statements that took the database's time, from pg_stat_statements).
 * Env: DATABASE_POOL_SIZE (API, worker and baseline pool, default 10), REDIS_URL (default
 * redis://127.0.0.1:6379 for the separate worker; each run uses its own JOB_QUEUE_PREFIX and
 * deletes its keys), BENCH_NODE_ARGS (extra node flags for the API, e.g. --cpu-prof),
 * BENCH_WORKER_NODE_ARGS (the same for the worker), BENCH_SERVER_<X> (passed to the API and
 * worker as <X>), BENCH_VERBOSE=1 (their output on stderr).
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { startBenchCluster, BenchCluster, BenchDatabase, withClient } from './lib/bench-database';
import {
  ChildServer,
  databaseCpuMs,
  freePort,
  processCpuMs,
  serverGroup,
  ServerGroup,
  startChildServer,
} from './lib/child-server';
import { BenchFixtures, createFixtures } from './lib/fixtures';
import { LoadFigures, runLoad } from './lib/load';
import { BenchTokens, buildScenarios } from './lib/scenarios';
import { BENCH_PASSWORD, printSummary, seedScale } from './seed-scale';
import { benchSignIn, PostJson } from './lib/sign-in';

const ALL_SCENARIOS = [
  'application GET',
  'list page',
  'draft save',
  'submission',
  'score submission',
  'payment approval',
  'draft GET',
  'programs GET',
  'page programs',
  'page application',
  'page budget',
];
const BENCH_AGENCY = 'mo-dese';

interface Args {
  applications: number;
  agencies: number;
  orgs: number;
  seconds: number;
  scenarios: string[];
  growth: boolean;
  growthApplications: number;
  json?: string;
  /** Print the statements that took the database's time in each scenario (pg_stat_statements). */
  pgStats: boolean;
  /** The API's V8 old-space limit (--max-old-space-size), 0 for V8's default. */
  heapMb: number;
  /** Every scenario (and the baseline) at this many connections instead of its own. */
  connections?: number;
  /**
   * in-process: the API runs the job relay and handlers itself. separate: production's shape
   * (README, docker/compose.yml): the API with REDIS_URL and WORKER_IN_PROCESS=false, and
   * dist/src/worker.js as a second child running the jobs.
   */
  worker: 'in-process' | 'separate';
  /** none: no SMTP_URL (emails rendered and recorded, not sent); sink: a real SMTP server child. */
  smtp: 'none' | 'sink';
  /** Longest wait for the job backlog to drain after a scenario. */
  drainTimeoutSeconds: number;
  /**
   * API processes (`--processes N`, default 1), each on its own port with the same database,
   * Redis and secrets; the load generator spreads its connections over them round-robin.
   */
  processes: number;
}

function parseArgs(argv: string[]): Args {
  const raw: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(argv[i]);
    if (!match) throw new Error(`unexpected argument ${argv[i]}`);
    const flag = match[1] === 'growth' || match[1] === 'pg-stats';
    raw[match[1]] = match[2] ?? (flag ? 'true' : argv[++i]);
  }
  const int = (name: string, fallback: number) => {
    const value = Number(raw[name] ?? fallback);
    if (!Number.isInteger(value) || value < 1)
      throw new Error(`--${name} must be a positive integer`);
    return value;
  };
  const scenarios = raw.scenarios ? raw.scenarios.split(',').map((s) => s.trim()) : ALL_SCENARIOS;
  for (const s of scenarios) {
    if (!ALL_SCENARIOS.includes(s))
      throw new Error(`unknown scenario "${s}" (${ALL_SCENARIOS.join(', ')})`);
  }
  const choice = <T extends string>(name: string, options: readonly T[], fallback: T): T => {
    const value = (raw[name] ?? fallback) as T;
    if (!options.includes(value)) throw new Error(`--${name} must be one of ${options.join(', ')}`);
    return value;
  };
  return {
    applications: int('applications', 10_000),
    agencies: int('agencies', 50),
    orgs: int('orgs', 300),
    seconds: int('seconds', 10),
    scenarios,
    growth: raw.growth === 'true',
    growthApplications: int('growth-applications', 1_000_000),
    json: raw.json,
    pgStats: raw['pg-stats'] === 'true',
    heapMb: raw['heap-mb'] === '0' ? 0 : int('heap-mb', 256),
    connections: raw.connections === undefined ? undefined : int('connections', 1),
    worker: choice('worker', ['in-process', 'separate'] as const, 'separate'),
    smtp: choice('smtp', ['none', 'sink'] as const, 'none'),
    drainTimeoutSeconds: int('drain-timeout', 180),
    processes: int('processes', 1),
  };
}

const log = (line: string) => process.stdout.write(`${line}\n`);
const poolSize = process.env.DATABASE_POOL_SIZE ?? '10';

interface ScenarioResult extends LoadFigures {
  scenario: string;
  description: string;
  connections: number;
  peakRssMb: number;
  /**
   * CPU ms per request during the load: the API processes (summed over all of them with
   * --processes N), and the database's backends.
   */
  serverCpuMs: number;
  databaseCpuMs: number;
  /** Jobs (outbox rows) the scenario enqueued, per request. */
  jobsPerRequest?: number;
  /** Jobs not yet done when the load stopped, and how long until none was left. */
  backlogAtEnd?: number;
  drainSeconds?: number;
  /** Requests over load plus drain time: the rate the whole system kept up with. */
  sustainedRps?: number;
  /** The separate worker (--worker separate): CPU ms per request over load and drain, peak RSS. */
  workerCpuMs?: number;
  workerPeakRssMb?: number;
  /**
   * Everything the requests cost, per request, over load and drain: API + worker + database
   * CPU ms. Work deferred to the backlog shows here (and in the drain time), not in cpu/req.
   */
  totalCpuMs?: number;
  /** Messages the SMTP sink accepted per request (--smtp sink). */
  mailsPerRequest?: number;
  note?: string;
}

interface PhaseResult {
  applications: number;
  seedSeconds: number;
  seededRows: number;
  scenarios: ScenarioResult[];
  baseline?: ScenarioResult;
  serverPeakRssMb: number;
  workerPeakRssMb?: number;
}

function apiEnv(
  args: Args,
  db: BenchDatabase,
  port: number,
  configDir: string,
  dataDir: string,
  smtpUrl?: string,
) {
  const separate = args.worker === 'separate';
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(port),
    // Tokens name their issuer (PUBLIC_APP_URL, else this process's own address): every API
    // process must be the one service, as behind a load balancer, or each refuses the others'.
    PUBLIC_APP_URL: `http://127.0.0.1:${port}`,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    AUTH_TOKEN_SECRET: randomBytes(48).toString('base64'),
    PAYEE_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    PAYMENT_FILE_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    MFA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    WEBHOOK_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    ACCESS_TOKEN_TTL_SECONDS: '86400',
    MIGRATE_ON_START: 'false',
    DATABASE_URL: db.appUrl,
    DATABASE_OWNER_URL: db.ownerUrl,
    DATABASE_POOL_SIZE: poolSize,
    AGENCY_CONFIG_DIR: configDir,
    DATA_DIR: dataDir,
    STORAGE_DIR: join(dataDir, 'attachments'),
    REDIS_URL: separate ? redisUrl() : process.env.REDIS_URL,
    // The API only enqueues; the worker child runs the jobs (worker.js forces its own to true).
    WORKER_IN_PROCESS: separate ? 'false' : undefined,
    JOB_QUEUE_PREFIX: `gc-bench-${randomBytes(3).toString('hex')}`,
    SMTP_URL: smtpUrl,
    // One client address drives the whole load (sign-ins, submissions): the abuse limits,
    // meant for one client among many, would refuse it. BENCH_SERVER_* can still set them.
    RATE_LIMIT_AUTH_PER_IP: '10000000',
    RATE_LIMIT_AUTH_GLOBAL: '10000000',
    RATE_LIMIT_EMAIL_PER_IP: '10000000',
    RATE_LIMIT_EMAIL_GLOBAL: '10000000',
    // BENCH_SERVER_X=v reaches the server as X=v (e.g. BENCH_SERVER_LOG_LEVEL=info).
    ...Object.fromEntries(
      Object.entries(process.env)
        .filter(([k]) => k.startsWith('BENCH_SERVER_'))
        .map(([k, v]) => [k.slice('BENCH_SERVER_'.length), v]),
    ),
  };
}

const redisUrl = () => process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Node flags for a child: the heap limit, then BENCH_NODE_ARGS (or another variable's). */
function nodeArgs(script: string, heapMb = 0, extraFrom = 'BENCH_NODE_ARGS'): string[] {
  const extra = (process.env[extraFrom] ?? '').split(' ').filter(Boolean);
  return [...(heapMb ? [`--max-old-space-size=${heapMb}`] : []), ...extra, script];
}

/** The separate worker needs Redis: say so at once rather than after a failed boot. */
async function requireRedis(): Promise<void> {
  const redis = new Redis(redisUrl(), { maxRetriesPerRequest: 1, lazyConnect: true });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    throw new Error(
      `--worker separate (the default) needs Redis at ${redisUrl()} (REDIS_URL): ${String(error)}; ` +
        `or run the jobs inside the API with --worker in-process`,
    );
  } finally {
    redis.disconnect();
  }
}

/** Removes the run's BullMQ keys from the shared Redis (its prefix is unique to the run). */
async function dropQueueKeys(prefix: string): Promise<void> {
  const redis = new Redis(redisUrl(), { maxRetriesPerRequest: 1, lazyConnect: true });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

async function login(url: string, email: string): Promise<string> {
  const post: PostJson = async (path, body) => {
    const res = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as unknown };
  };
  return benchSignIn(post, email, BENCH_PASSWORD);
}

/**
 * A web session cookie, signed in as a browser would: the sign-in page's CSRF token and secret
 * cookie, then the form.
 */
async function signInToWeb(url: string, email: string): Promise<string> {
  const form = await fetch(`${url}/sign-in`);
  const csrfCookie = form.headers.get('set-cookie')?.split(';')[0] ?? '';
  const token = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1] ?? '';
  const res = await fetch(`${url}/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: csrfCookie },
    body: new URLSearchParams({ _csrf: token, email, password: BENCH_PASSWORD }).toString(),
  });
  const session = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .find((c) => c.includes('gc_session='));
  if (res.status !== 303 || !session) throw new Error(`web sign-in ${email}: ${res.status}`);
  return session;
}

async function loginAll(url: string, f: BenchFixtures): Promise<BenchTokens> {
  const emails = [
    f.officerEmail,
    ...f.organizations.flatMap((o) => [o.writerEmail, o.repEmail]),
    ...f.reviewerEmails,
    ...f.financeEmails,
  ];
  const tokens = new Map<string, string>();
  for (let i = 0; i < emails.length; i += 4) {
    await Promise.all(emails.slice(i, i + 4).map(async (e) => tokens.set(e, await login(url, e))));
  }
  const t = (e: string) => tokens.get(e)!;
  // Four at a time, as above: password hashing waits at most PASSWORD_HASH_WAIT_MS (2 s) for a
  // slot, and 32 sign-ins at once on a busy machine were refused with 503.
  const writerCookies: string[] = [];
  for (let i = 0; i < f.organizations.length; i += 4) {
    writerCookies.push(
      ...(await Promise.all(
        f.organizations.slice(i, i + 4).map((o) => signInToWeb(url, o.writerEmail)),
      )),
    );
  }
  return {
    officer: t(f.officerEmail),
    writers: f.organizations.map((o) => t(o.writerEmail)),
    representatives: f.organizations.map((o) => t(o.repEmail)),
    reviewers: f.reviewerEmails.map(t),
    finance: f.financeEmails.map(t),
    writerCookies,
  };
}

/** Cursors of the list's pages (first page = undefined), walking at most `max` pages. */
async function listCursors(url: string, f: BenchFixtures, token: string, max = 200) {
  const cursors: Array<string | undefined> = [undefined];
  let cursor: string | undefined;
  for (let i = 0; i < max; i++) {
    const res = await fetch(
      `${url}/api/v1/agencies/${f.agencyCode}/programs/${f.listProgramId}/applications?limit=50${cursor ? `&cursor=${cursor}` : ''}`,
      { headers: { authorization: `Bearer ${token}` } },
    );
    if (res.status !== 200) throw new Error(`list: ${res.status} ${await res.text()}`);
    const page = (await res.json()) as { nextCursor: string | null };
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
    cursors.push(cursor);
  }
  return cursors;
}

/** The statements that took the most database time since the last reset (pg_stat_statements). */
async function topStatements(db: BenchDatabase, requests: number): Promise<void> {
  await withClient(db.adminUrl, async (c) => {
    const { rows } = await c.query<{ calls: string; total: number; mean: number; query: string }>(
      `SELECT calls, total_exec_time + total_plan_time AS total, mean_exec_time + mean_plan_time AS mean, query
         FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
        ORDER BY total_exec_time + total_plan_time DESC LIMIT ${Number(process.env.BENCH_PG_STATS_TOP ?? 15)}`,
    );
    const [sum] = (
      await c.query<{ calls: string; exec: number; plan: number }>(
        `SELECT sum(calls) AS calls, sum(total_exec_time) AS exec, sum(total_plan_time) AS plan
           FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      )
    ).rows;
    log(
      `  per request: ${(Number(sum.calls) / requests).toFixed(1)} statements, ` +
        `${(sum.exec / requests).toFixed(2)} ms executing, ${(sum.plan / requests).toFixed(2)} ms planning`,
    );
    log(`  statements by database time (per request: calls, ms; mean ms):`);
    for (const r of rows) {
      log(
        `  ${(Number(r.calls) / requests).toFixed(2).padStart(6)} ${(r.total / requests).toFixed(3).padStart(7)}  ` +
          `${r.mean.toFixed(3).padStart(7)} ms  ${r.query.replace(/\s+/g, ' ').slice(0, 110)}`,
      );
    }
    await c.query('SELECT pg_stat_statements_reset()');
  });
}

/** What a scenario is measured on: the API, and (separate) the worker, the SMTP sink, the outbox. */
interface Measured {
  database: string;
  /** The API: one process, or a group of them (cpuMs summed, peak RSS the largest's). */
  server: ChildServer | ServerGroup;
  worker?: ChildServer;
  sinkUrl?: string;
  /** A superuser connection to the bench database (reads the outbox across agencies). */
  admin?: Client;
  /** Its backend, whose CPU (polling the outbox) is not charged to the requests. */
  adminPid?: number;
  drainTimeoutSeconds: number;
}

async function sinkMessages(sinkUrl: string | undefined): Promise<number> {
  if (!sinkUrl) return 0;
  return ((await (await fetch(`${sinkUrl}/count`)).json()) as { messages: number }).messages;
}

/**
 * After the load: waits until every job enqueued since `since` is done (or dead), polling the
 * outbox (the source of truth whatever the driver). Returns the jobs enqueued, those left when
 * the load stopped, and the seconds the rest took.
 */
async function drainBacklog(admin: Client, since: Date, timeoutSeconds: number) {
  const count = async () => {
    const { rows } = await admin.query<{ created: string; open: string }>(
      `SELECT count(*) AS created, count(*) FILTER (WHERE state IN ('pending', 'published')) AS open
         FROM jobs_outbox WHERE created_at >= $1`,
      [since],
    );
    return { created: Number(rows[0].created), open: Number(rows[0].open) };
  };
  const started = performance.now();
  const first = await count();
  let last = first;
  while (last.open > 0 && performance.now() - started < timeoutSeconds * 1000) {
    await new Promise((r) => setTimeout(r, 100));
    last = await count();
  }
  return {
    created: last.created,
    backlog: first.open,
    left: last.open,
    seconds: first.open === 0 ? 0 : (performance.now() - started) / 1000,
  };
}

async function measure(
  on: Measured,
  scenario: {
    name: string;
    connections: number;
    supply?: number;
    next: () => any;
    notes?: () => string | undefined;
  },
  key: string,
  seconds: number,
): Promise<ScenarioResult> {
  const { server, worker } = on;
  const dbCpu = () => databaseCpuMs(on.database) - (on.adminPid ? processCpuMs(on.adminPid) : 0);
  server.resetPeak();
  worker?.resetPeak();
  // A second early so rows written in this second still count (clock granularity, skew).
  const since = new Date(Date.now() - 1000);
  const mails0 = await sinkMessages(on.sinkUrl);
  const cpu0 = server.cpuMs();
  const db0 = dbCpu();
  const worker0 = worker?.cpuMs() ?? 0;
  const figures = await runLoad({
    url: 'urls' in server ? server.urls : server.url,
    connections: scenario.connections,
    seconds,
    maxRequests: scenario.supply,
    next: scenario.next,
  });
  const cpu1 = server.cpuMs();
  const db1 = dbCpu();
  const peakRssMb = server.peakRssMb();
  const n = figures.requests;
  const result: ScenarioResult = {
    scenario: key,
    description: scenario.name,
    connections: scenario.connections,
    ...figures,
    peakRssMb,
    serverCpuMs: (cpu1 - cpu0) / n,
    databaseCpuMs: (db1 - db0) / n,
  };
  const notes = [scenario.notes?.()];
  if (on.admin) {
    const drain = await drainBacklog(on.admin, since, on.drainTimeoutSeconds);
    result.jobsPerRequest = drain.created / n;
    result.backlogAtEnd = drain.backlog;
    result.drainSeconds = drain.seconds;
    result.sustainedRps = n / (figures.seconds + drain.seconds);
    if (drain.left > 0)
      notes.push(`${drain.left} jobs still open after ${on.drainTimeoutSeconds} s`);
    const workerCpu = worker ? worker.cpuMs() - worker0 : 0;
    if (worker) {
      result.workerCpuMs = workerCpu / n;
      result.workerPeakRssMb = worker.peakRssMb();
    }
    result.totalCpuMs = (server.cpuMs() - cpu0 + workerCpu + (dbCpu() - db0)) / n;
  }
  if (on.sinkUrl) result.mailsPerRequest = ((await sinkMessages(on.sinkUrl)) - mails0) / n;
  const note = notes.filter(Boolean).join('; ');
  if (note) result.note = note;
  return result;
}

const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '-');

const opt = (n: number | undefined, digits = 1) => (n === undefined ? '-' : fmt(n, digits));

function printTable(title: string, rows: ScenarioResult[]) {
  log(`\n${title}`);
  log(
    `${'scenario'.padEnd(20)} ${'conns'.padStart(5)} ${'req/s'.padStart(8)} ${'p50 ms'.padStart(7)} ` +
      `${'p95 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'errors'.padStart(6)} ${'non2xx'.padStart(6)} ${'RSS MB'.padStart(6)} ` +
      `${'cpu/req'.padStart(7)} ${'db/req'.padStart(6)} ${'jobs/req'.padStart(8)} ${'backlog'.padStart(7)} ` +
      `${'drain s'.padStart(7)} ${'sust/s'.padStart(6)} ${'wrk/req'.padStart(7)} ${'wrk MB'.padStart(6)} ${'all/req'.padStart(7)}  statuses`,
  );
  for (const r of rows) {
    log(
      `${r.scenario.padEnd(20)} ${String(r.connections).padStart(5)} ${fmt(r.rps, 0).padStart(8)} ${fmt(r.p50).padStart(7)} ` +
        `${fmt(r.p95).padStart(7)} ${fmt(r.p99).padStart(7)} ${String(r.errors).padStart(6)} ${String(r.non2xx).padStart(6)} ` +
        `${String(r.peakRssMb).padStart(6)} ${fmt(r.serverCpuMs, 2).padStart(7)} ${fmt(r.databaseCpuMs, 2).padStart(6)} ` +
        `${opt(r.jobsPerRequest, 2).padStart(8)} ${opt(r.backlogAtEnd, 0).padStart(7)} ${opt(r.drainSeconds).padStart(7)} ${opt(r.sustainedRps, 0).padStart(6)} ` +
        `${opt(r.workerCpuMs, 2).padStart(7)} ${opt(r.workerPeakRssMb, 0).padStart(6)} ${opt(r.totalCpuMs, 2).padStart(7)}  ` +
        `${JSON.stringify(r.statuses)}${r.mailsPerRequest !== undefined ? `  mails/req ${fmt(r.mailsPerRequest, 2)}` : ''}` +
        `${r.note ? `  (${r.note})` : ''}`,
    );
  }
}

async function phase(
  cluster: BenchCluster,
  args: Args,
  applications: number,
  scenarios: string[],
  withBaseline: boolean,
): Promise<PhaseResult> {
  const db = await cluster.createDatabase();
  const work = mkdtempSync(join(tmpdir(), 'gc-bench-'));
  const configDir = join(work, 'agencies');
  let server: ServerGroup | undefined;
  let worker: ChildServer | undefined;
  let sink: ChildServer | undefined;
  let admin: Client | undefined;
  let queuePrefix: string | undefined;
  try {
    log(`\n=== ${applications} applications (database ${db.name}) ===`);
    const seeded = await seedScale({
      ownerUrl: db.ownerUrl,
      agencies: args.agencies,
      organizationsPerAgency: args.orgs,
      applications,
      configDir,
      log,
    });
    printSummary(seeded, log);
    const needs = (name: string, n: number) => (scenarios.includes(name) ? n : 0);
    const fixtures = await createFixtures(db.ownerUrl, BENCH_AGENCY, {
      organizations: 32,
      // The page scenarios and their JSON twin read drafts too.
      drafts: Math.max(
        needs('draft save', 256),
        ...['draft GET', 'page application', 'page budget'].map((n) => needs(n, 64)),
      ),
      ready: needs('submission', 8000),
      assignments: needs('score submission', 6000),
      paymentRequests: needs('payment approval', 6000),
    });

    let smtpUrl: string | undefined;
    if (args.smtp === 'sink') {
      const [smtpPort, sinkPort] = [await freePort(), await freePort()];
      sink = await startChildServer({
        name: 'smtp-sink',
        args: [resolve('dist/bench/lib/smtp-sink-server.js')],
        env: { PATH: process.env.PATH, SMTP_PORT: String(smtpPort), PORT: String(sinkPort) },
        port: sinkPort,
        readyPath: '/count',
      });
      smtpUrl = `smtp://127.0.0.1:${smtpPort}`;
      log(`SMTP sink pid ${sink.pid} on ${smtpUrl}`);
    }
    admin = new Client({ connectionString: db.adminUrl, application_name: 'gc-bench-drain' });
    await admin.connect();
    const adminPid = (await admin.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]
      .pid;
    // One environment for every API process (same secrets, queue prefix, database), a port each.
    const env = apiEnv(args, db, await freePort(), configDir, join(work, 'data'), smtpUrl);
    queuePrefix = env.REDIS_URL ? env.JOB_QUEUE_PREFIX : undefined;
    const apis: ChildServer[] = [];
    try {
      // One after another: each boot syncs the agency files, which need not race.
      for (let i = 0; i < args.processes; i++) {
        const port = i === 0 ? Number(env.PORT) : await freePort();
        apis.push(
          await startChildServer({
            name: args.processes > 1 ? `api-${i + 1}` : 'api',
            args: nodeArgs(resolve('dist/src/main.js'), args.heapMb),
            env: { ...env, PORT: String(port) },
            port,
            readyPath: '/health/ready',
          }),
        );
      }
    } catch (error) {
      await Promise.all(apis.map((a) => a.stop()));
      throw error;
    }
    server = serverGroup(apis);
    for (const api of apis) {
      log(`API server pid ${api.pid} at ${api.url}, RSS after boot ${api.rssMb()} MB`);
    }
    if (args.worker === 'separate') {
      const relayUp = admin;
      worker = await startChildServer({
        name: 'worker',
        args: nodeArgs(resolve('dist/src/worker.js'), args.heapMb, 'BENCH_WORKER_NODE_ARGS'),
        env,
        // Ready once its outbox relay listens (it starts last, after the BullMQ workers).
        ready: async () =>
          (
            await relayUp.query(
              `SELECT 1 FROM pg_stat_activity
                WHERE datname = current_database() AND application_name = 'grant-commons-relay'`,
            )
          ).rowCount! > 0,
      });
      log(`worker pid ${worker.pid}, RSS after boot ${worker.rssMb()} MB (queue ${queuePrefix})`);
    }
    const tokens = await loginAll(server.url, fixtures);
    const cursors = await listCursors(server.url, fixtures, tokens.officer);
    log(`list of ${BENCH_AGENCY}'s mini-grant program: ${cursors.length} pages of 50`);
    const defined = buildScenarios(fixtures, tokens, cursors);
    if (args.connections)
      for (const scenario of Object.values(defined)) scenario.connections = args.connections;

    // Warm-up (JIT, pools, caches) of every API process: reads only, so write fixtures are not
    // consumed.
    await runLoad({
      url: server.urls,
      connections: 20,
      seconds: 3,
      next: defined['application GET'].next,
    });
    await runLoad({
      url: server.urls,
      connections: 20,
      seconds: 2,
      next: defined['list page'].next,
    });

    const results: ScenarioResult[] = [];
    const reset = () =>
      args.pgStats
        ? withClient(db.adminUrl, (c) => c.query('SELECT pg_stat_statements_reset()'))
        : Promise.resolve();
    for (const key of scenarios) {
      log(`running ${key}...`);
      await reset();
      const r = await measure(
        {
          database: db.name,
          server,
          worker,
          sinkUrl: sink?.url,
          admin,
          adminPid,
          drainTimeoutSeconds: args.drainTimeoutSeconds,
        },
        defined[key],
        key,
        args.seconds,
      );
      results.push(r);
      printTable('', [r]);
      if (args.pgStats) await topStatements(db, r.requests);
    }
    const serverPeakRssMb = Math.max(...results.map((r) => r.peakRssMb), server.peakRssMb());
    const workerPeakRssMb = worker
      ? Math.max(...results.map((r) => r.workerPeakRssMb ?? 0), worker.peakRssMb())
      : undefined;
    await server.stop();
    server = undefined;
    await worker?.stop();
    worker = undefined;

    let baseline: ScenarioResult | undefined;
    if (withBaseline && scenarios.includes('application GET')) {
      const basePort = await freePort();
      const base = await startChildServer({
        name: 'baseline',
        args: nodeArgs(resolve('dist/bench/baseline-server.js')),
        env: {
          PATH: process.env.PATH,
          PORT: String(basePort),
          DATABASE_URL: db.appUrl,
          DATABASE_POOL_SIZE: poolSize,
          AUTH_TOKEN_SECRET: env.AUTH_TOKEN_SECRET,
        },
        port: basePort,
        readyPath: '/health',
      });
      try {
        const next = defined['application GET'].next;
        await runLoad({ url: base.url, connections: 20, seconds: 3, next });
        baseline = await measure(
          { database: db.name, server: base, drainTimeoutSeconds: 0 },
          {
            name: 'baseline GET (node:http + pg, same SQL)',
            connections: args.connections ?? 50,
            next,
          },
          'baseline GET',
          args.seconds,
        );
      } finally {
        await base.stop();
      }
    }
    return {
      applications,
      seedSeconds: seeded.seconds,
      seededRows: Object.values(seeded.counts).reduce((s, n) => s + n, 0),
      scenarios: results,
      baseline,
      serverPeakRssMb,
      workerPeakRssMb,
    };
  } finally {
    await server?.stop();
    await worker?.stop();
    await sink?.stop();
    await admin?.end().catch(() => undefined);
    if (queuePrefix) await dropQueueKeys(queuePrefix).catch(() => undefined);
    await db.drop();
    rmSync(work, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const machine = {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    loadAverageAtStart: loadavg().map((l) => Number(l.toFixed(2))),
  };
  if (args.worker === 'separate') await requireRedis();
  const cluster = await startBenchCluster(log, { statementStats: args.pgStats });
  // Ctrl-C: stop the embedded PostgreSQL and remove its directory rather than leave them behind.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log(`${signal}: stopping PostgreSQL`);
      void cluster.stop().finally(() => process.exit(130));
    });
  }
  log(
    `machine: ${machine.cpus} x ${machine.cpuModel}, ${machine.memoryGb} GB, Node ${machine.node}, ` +
      `${cluster.serverVersion}; load average ${machine.loadAverageAtStart.join(' ')}; ` +
      `${args.processes} API process${args.processes > 1 ? 'es (connections round-robin; cpu/req summed over them, RSS the largest)' : ''}; pool ${poolSize} each; ` +
      `API heap limit ${args.heapMb ? `${args.heapMb} MB` : 'V8 default'}; jobs ` +
      (args.worker === 'separate'
        ? `in a separate worker process (BullMQ on ${redisUrl()})`
        : `in the API process (${process.env.REDIS_URL ? 'BullMQ' : 'in-process driver'})`) +
      `; email ${args.smtp === 'sink' ? 'over SMTP to a sink process' : 'recorded, not sent (no SMTP_URL)'}`,
  );
  const phases: PhaseResult[] = [];
  try {
    phases.push(await phase(cluster, args, args.applications, args.scenarios, true));
    if (args.growth) {
      const reads = args.scenarios.filter((s) => s === 'application GET' || s === 'list page');
      phases.push(await phase(cluster, args, args.growthApplications, reads, true));
    }
  } finally {
    await cluster.stop();
  }

  for (const p of phases) {
    const rows = p.baseline ? [...p.scenarios, p.baseline] : p.scenarios;
    printTable(
      `${p.applications} applications (seeded ${p.seededRows} rows in ${p.seedSeconds.toFixed(0)} s); ` +
        `${args.processes > 1 ? `${args.processes} API processes, the largest's` : 'API'} peak RSS ${p.serverPeakRssMb} MB` +
        (p.workerPeakRssMb !== undefined ? `, worker peak RSS ${p.workerPeakRssMb} MB` : ''),
      rows,
    );
    const get = p.scenarios.find((s) => s.scenario === 'application GET');
    if (get && p.baseline) {
      log(
        `application GET throughput = ${((100 * get.rps) / p.baseline.rps).toFixed(0)}% of the baseline`,
      );
    }
  }
  if (phases.length === 2) {
    for (const key of ['application GET', 'list page']) {
      const [a, b] = phases.map((p) => p.scenarios.find((s) => s.scenario === key));
      if (a && b) {
        log(
          `${key}: p50 ${fmt(a.p50)} -> ${fmt(b.p50)} ms (${fmt((100 * (b.p50 - a.p50)) / a.p50, 0)}%), ` +
            `p95 ${fmt(a.p95)} -> ${fmt(b.p95)} ms, ${fmt(a.rps, 0)} -> ${fmt(b.rps, 0)} req/s ` +
            `from ${phases[0].applications} to ${phases[1].applications} applications`,
        );
      }
    }
  }
  log(
    `load average at the end: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  if (args.json) {
    mkdirSync(dirname(resolve(args.json)), { recursive: true });
    writeFileSync(
      args.json,
      JSON.stringify(
        {
          machine,
          postgres: cluster.serverVersion,
          settings: cluster.settings,
          poolSize,
          args,
          phases,
        },
        null,
        2,
      ),
    );
    log(`figures written to ${args.json}`);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
