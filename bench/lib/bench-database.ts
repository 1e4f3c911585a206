import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres } from '../../src/core/database/embedded-postgres';
import { provisionDatabase, runMigrations } from '../../src/core/database/provisioning';

export interface BenchDatabase {
  name: string;
  /** Superuser connection to this database (statement statistics). */
  adminUrl: string;
  ownerUrl: string;
  appUrl: string;
  drop(): Promise<void>;
}

export interface BenchCluster {
  adminUrl: string;
  /** "embedded PostgreSQL 18.1" or "external PostgreSQL 17.2". */
  serverVersion: string;
  /** Settings that differ from PostgreSQL's defaults on the embedded cluster. */
  settings: Record<string, string>;
  createDatabase(): Promise<BenchDatabase>;
  stop(): Promise<void>;
}

/**
 * Settings for a cluster the bench owns (embedded): the stock 128 MB of shared buffers is a
 * laptop default, not what a deployment holding a million applications would run with.
 * Durability stays as shipped (fsync, synchronous_commit on): commits cost what they cost.
 */
const EMBEDDED_SETTINGS: Record<string, string> = {
  shared_buffers: '1GB',
  effective_cache_size: '8GB',
  maintenance_work_mem: '512MB',
  work_mem: '16MB',
  max_wal_size: '8GB',
  checkpoint_timeout: '15min',
  random_page_cost: '1.1',
};

export async function withClient<T>(url: string, work: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * The PostgreSQL of a bench run: DATABASE_ADMIN_URL / TEST_DATABASE_URL (a superuser URL) when
 * set, else an embedded PostgreSQL in a temporary directory (tuned, then restarted once so
 * shared_buffers applies). Each database it creates is fresh and migrated.
 */
export async function startBenchCluster(
  log: (line: string) => void = () => undefined,
  options: { statementStats?: boolean } = {},
): Promise<BenchCluster> {
  let adminUrl = process.env.DATABASE_ADMIN_URL ?? process.env.TEST_DATABASE_URL;
  let stop = (): Promise<void> => Promise.resolve();
  let kind = 'external';
  let settings: Record<string, string> = {};
  if (!adminUrl) {
    kind = 'embedded';
    settings = {
      ...EMBEDDED_SETTINGS,
      ...(options.statementStats
        ? {
            shared_preload_libraries: 'pg_stat_statements',
            'pg_stat_statements.track': 'all',
            'pg_stat_statements.track_planning': 'on',
          }
        : {}),
    };
    const dir = mkdtempSync(join(tmpdir(), 'gc-bench-pg-'));
    chmodSync(dir, 0o755);
    const dataDir = join(dir, 'data');
    const port = 56000 + Math.floor(Math.random() * 2000);
    let server = await startEmbeddedPostgres(dataDir, port);
    await withClient(server.adminUrl, async (c) => {
      for (const [name, value] of Object.entries(settings)) {
        await c.query(`ALTER SYSTEM SET ${name} = '${value}'`);
      }
    });
    await server.stop();
    server = await startEmbeddedPostgres(dataDir, port);
    log(`embedded PostgreSQL on port ${port} (${dataDir})`);
    adminUrl = server.adminUrl;
    const running = server;
    stop = async () => {
      await running.stop();
      rmSync(dir, { recursive: true, force: true });
    };
  }
  const admin = adminUrl;
  const version = await withClient(admin, async (c) => {
    const { rows } = await c.query<{ v: string }>(`SELECT current_setting('server_version') AS v`);
    return rows[0].v;
  });
  return {
    adminUrl: admin,
    serverVersion: `${kind} PostgreSQL ${version}`,
    settings,
    stop,
    createDatabase: async () => {
      const name = `gc_bench_${randomBytes(4).toString('hex')}`;
      const at = new URL(admin);
      const roleUrl = (user: string) => `postgres://${user}:${user}@${at.host}/${name}`;
      const ownerUrl = roleUrl('gc_bench_owner');
      const appUrl = roleUrl('gc_bench_app');
      await provisionDatabase({ adminUrl: admin, ownerUrl, appUrl });
      await runMigrations(ownerUrl);
      if (options.statementStats) {
        await withClient(`postgres://${at.username}:${at.password}@${at.host}/${name}`, (c) =>
          c.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements'),
        );
      }
      return {
        name,
        adminUrl: `postgres://${at.username}:${at.password}@${at.host}/${name}`,
        ownerUrl,
        appUrl,
        drop: () =>
          withClient(admin, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(
            () => undefined,
          ),
      };
    },
  };
}
