/**
 * `npm run seed:scale -- --agencies 50 --orgs 300 --applications 1000000`: fills a database with
 * realistic grants data, fast (set-based INSERT ... SELECT generate_series, as the owner role with
 * each agency set first, since row-level security is forced even for the owner).
 *
 * Per agency: staff (admin, program officers, reviewers, finance officers), `--orgs` applicant
 * organizations with a grant writer and an authorized representative each, programs over four
 * fiscal years (one open mini-grant program that takes a quarter of the applications, one open
 * and one in review, the rest decided), applications with budget lines, submitted versions and
 * status history, review cases with two reviewers' scores, released funding decisions, awards
 * with their budgets and ledger obligations, two paid reimbursements per award (approvals and
 * ledger disbursements), and the audit events of all of it, sealed into each agency's chain.
 *
 * Agencies are agency files: the repository's config/agencies plus generated state agencies
 * written to --config-dir (default .data/scale-agencies). Start the server with
 * AGENCY_CONFIG_DIR=<that dir>, or its boot-time sync deactivates the generated agencies.
 * Database: DATABASE_OWNER_URL (or DATABASE_URL when it is the owner) when set, else the embedded
 * PostgreSQL under .data/ (as `npm start` uses it). Every user's password is BENCH_PASSWORD.
 */
import 'reflect-metadata';
import { resolve } from 'node:path';
import { Client } from 'pg';
import pino from 'pino';
import { loadAgencyConfigs } from '../src/agencies/agency-config.loader';
import { syncAgencies } from '../src/agencies/agency-sync';
import { loadConfig } from '../src/core/config/env';
import { prepareDatabase } from '../src/core/database/database-bootstrap';
import { PasswordHasher } from '../src/identity/auth/password-hasher';
import { writeAgencyFiles } from './seed/agency-files';
import { sealSeededAudit } from './seed/audit-seal';
import { AgencyPeople, RowCounts, seedAgency } from './seed/seed-agency';

export const BENCH_PASSWORD = 'bench password, not for production';

export interface ScaleOptions {
  ownerUrl: string;
  agencies: number;
  organizationsPerAgency: number;
  applications: number;
  /** Where the run's agency files are written (the server must use it as AGENCY_CONFIG_DIR). */
  configDir: string;
  /** Agencies seeded at once (each on its own connection). */
  concurrency?: number;
  log?: (line: string) => void;
}

export interface ScaleResult {
  codes: string[];
  agencyIds: Map<string, string>;
  people: Map<string, AgencyPeople>;
  counts: RowCounts;
  timings: Record<string, number>;
  seconds: number;
}

async function connect(url: string): Promise<Client> {
  const client = new Client({ connectionString: url, application_name: 'grant-commons-seed' });
  await client.connect();
  return client;
}

/** Runs `work` for each item with at most `n` at once, each worker on its own connection. */
async function eachOnConnections<T>(
  url: string,
  items: T[],
  n: number,
  work: (client: Client, item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    const client = await connect(url);
    try {
      while (next < items.length) await work(client, items[next++]);
    } finally {
      await client.end();
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
}

async function analyzeAll(url: string, timings: Record<string, number>): Promise<void> {
  const t0 = performance.now();
  const client = await connect(url);
  try {
    await client.query('ANALYZE');
  } finally {
    await client.end();
  }
  timings['analyze'] = (timings['analyze'] ?? 0) + (performance.now() - t0) / 1000;
}

export async function seedScale(options: ScaleOptions): Promise<ScaleResult> {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const started = performance.now();
  const timings: Record<string, number> = {};
  const counts: RowCounts = {};

  const codes = writeAgencyFiles(resolve('config/agencies'), options.configDir, options.agencies);
  const loaded = loadAgencyConfigs(options.configDir);
  await syncAgencies(options.ownerUrl, loaded);
  const owner = await connect(options.ownerUrl);
  let agencies: Array<{ id: string; code: string }>;
  try {
    agencies = (
      await owner.query<{ id: string; code: string }>(
        `SELECT id, code FROM agencies WHERE code = ANY($1) ORDER BY code`,
        [codes],
      )
    ).rows;
    const taken = await owner.query(
      `SELECT 1 FROM users WHERE email LIKE '%.bench.example' LIMIT 1`,
    );
    if (taken.rowCount) {
      throw new Error('this database is already seeded (users @*.bench.example exist)');
    }
    // The seed's history reaches five years back and its paid reimbursements up to ~7 months
    // ahead; a migrated database has audit partitions from its earliest row (none yet) to three
    // months ahead, so the others are made here (as the owner), or DEFAULT would take them.
    const made = await owner.query(
      `SELECT time_partition_create('audit_events', m::date)
         FROM generate_series(date_trunc('month', now() - interval '61 months'),
                              date_trunc('month', now() + interval '12 months'), interval '1 month') m`,
    );
    log(`monthly audit partitions for the seeded past and future: ${made.rowCount} months checked`);
  } finally {
    await owner.end();
  }

  const passwordHash = await new PasswordHasher().hash(BENCH_PASSWORD);
  const now = new Date();
  const perAgency = Math.floor(options.applications / agencies.length);
  const extra = options.applications % agencies.length;
  const people = new Map<string, AgencyPeople>();
  log(
    `seeding ${agencies.length} agencies x ${options.organizationsPerAgency} organizations, ` +
      `${options.applications} applications (config: ${options.configDir})`,
  );
  let done = 0;
  const seedOne = async (
    client: Client,
    { agency, index }: { agency: (typeof agencies)[0]; index: number },
  ) => {
    const result = await seedAgency(
      client,
      {
        agencyId: agency.id,
        code: agency.code,
        index,
        organizations: options.organizationsPerAgency,
        applications: perAgency + (index < extra ? 1 : 0),
        passwordHash,
        now,
      },
      counts,
      timings,
    );
    people.set(agency.code, result);
    done += 1;
    if (done % 10 === 0 || done === agencies.length) {
      log(
        `  ${done}/${agencies.length} agencies, ${counts.applications ?? 0} applications ` +
          `(${((performance.now() - started) / 1000).toFixed(0)} s)`,
      );
    }
  };
  // The first agency alone, then statistics: the later agencies' joins (review scores per
  // application, awards per decision) are planned from them. Freshly filled tables with no
  // statistics look empty to the planner, which then joins them by sequential scan per row
  // (minutes per agency at a million applications). ANALYZE runs outside the agencies'
  // transactions: inside one it would hold its lock, and serialise the agencies, until commit.
  const all = agencies.map((agency, index) => ({ agency, index }));
  await eachOnConnections(options.ownerUrl, all.slice(0, 1), 1, seedOne);
  await analyzeAll(options.ownerUrl, timings);
  await eachOnConnections(options.ownerUrl, all.slice(1), options.concurrency ?? 2, seedOne);

  const t0 = performance.now();
  await eachOnConnections(options.ownerUrl, agencies, 2, async (client, agency) => {
    const linked = await sealSeededAudit(client, agency.id);
    counts.audit_chain = (counts.audit_chain ?? 0) + linked;
  });
  timings['audit chain sealing'] = (performance.now() - t0) / 1000;

  await analyzeAll(options.ownerUrl, timings);

  return {
    codes,
    agencyIds: new Map(agencies.map((a) => [a.code, a.id])),
    people,
    counts,
    timings,
    seconds: (performance.now() - started) / 1000,
  };
}

function parseArgs(argv: string[]) {
  const options: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(argv[i]);
    if (!match) throw new Error(`unexpected argument ${argv[i]}`);
    options[match[1]] = match[2] ?? argv[++i];
  }
  const int = (name: string, fallback: number) => {
    const value = Number(options[name] ?? fallback);
    if (!Number.isInteger(value) || value < 1)
      throw new Error(`--${name} must be a positive integer`);
    return value;
  };
  return {
    agencies: int('agencies', 50),
    organizations: int('orgs', 300),
    applications: int('applications', 10_000),
    concurrency: int('concurrency', 2),
    configDir: resolve(options['config-dir'] ?? '.data/scale-agencies'),
  };
}

export function printSummary(result: ScaleResult, log: (line: string) => void): void {
  const total = Object.values(result.counts).reduce((s, n) => s + n, 0);
  log(`seeded ${total} rows in ${result.seconds.toFixed(1)} s:`);
  for (const [table, n] of Object.entries(result.counts)) log(`  ${table.padEnd(28)} ${n}`);
  log('time by step (summed over agencies seeded in parallel):');
  for (const [step, s] of Object.entries(result.timings))
    log(`  ${step.padEnd(32)} ${s.toFixed(1)} s`);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const log = (line: string) => process.stdout.write(`${line}\n`);
  const config = loadConfig();
  let ownerUrl = process.env.DATABASE_OWNER_URL ?? process.env.DATABASE_URL;
  let stop = (): Promise<void> => Promise.resolve();
  if (!ownerUrl) {
    const database = await prepareDatabase(config, pino({ level: 'warn' }));
    ownerUrl = database.config.databaseOwnerUrl!;
    stop = () => database.stop();
  }
  try {
    const result = await seedScale({
      ownerUrl,
      agencies: args.agencies,
      organizationsPerAgency: args.organizations,
      applications: args.applications,
      configDir: args.configDir,
      concurrency: args.concurrency,
      log,
    });
    printSummary(result, log);
    log(`agency files: ${args.configDir}`);
    log(`start the server on it with: AGENCY_CONFIG_DIR=${args.configDir} npm start`);
    log(
      `every seeded user signs in with the password "${BENCH_PASSWORD}", e.g. officer1@mo-dese.bench.example`,
    );
  } finally {
    await stop();
  }
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(
        `seed:scale failed: ${error instanceof Error ? error.stack : String(error)}\n`,
      );
      process.exit(1);
    },
  );
}
