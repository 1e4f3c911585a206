import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { ADMIN_URL_VAR, roleUrl, TEMPLATE_VAR, TEST_APP, TEST_OWNER } from './test-database-env';

export interface TestDatabase {
  name: string;
  /** The non-owner app role: what the server and most assertions use. */
  appUrl: string;
  /** The owner: for tampering tests and catalog checks only. */
  ownerUrl: string;
  adminUrl: string;
  /** Done with it: the global teardown drops it (see createTestDatabase). */
  drop(): Promise<void>;
}

function adminUrl(): string {
  const url = process.env[ADMIN_URL_VAR];
  if (!url) throw new Error(`${ADMIN_URL_VAR} is not set: run tests through jest (global setup)`);
  return url;
}

/** The prefix of this run's test databases (the global teardown drops them all). */
export function runDatabasePrefix(template: string): string {
  return `gc_t_${template.replace(/^gc_test_template_/, '')}_`;
}

/**
 * A database of this test file's own, cloned from the migrated template. `drop()` hands it back:
 * the global teardown drops this run's databases at the end, all at once, because each DROP
 * DATABASE waits for a checkpoint (1-2 s a file on a busy server, on the file's critical path).
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const admin = adminUrl();
  const name = `${runDatabasePrefix(process.env[TEMPLATE_VAR]!)}${randomBytes(6).toString('hex')}`;
  const client = new Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(
      `CREATE DATABASE ${name} TEMPLATE ${process.env[TEMPLATE_VAR]} OWNER ${TEST_OWNER}`,
    );
  } finally {
    await client.end();
  }
  return {
    name,
    appUrl: roleUrl(admin, TEST_APP, name),
    ownerUrl: roleUrl(admin, TEST_OWNER, name),
    adminUrl: admin,
    drop: () => Promise.resolve(),
  };
}

/** Drops databases, a few at a time (their checkpoints coincide rather than queue). */
export async function dropDatabases(admin: string, names: string[]): Promise<void> {
  const queue = [...names];
  const dropper = async () => {
    const c = new Client({ connectionString: admin });
    await c.connect();
    try {
      for (let name = queue.shift(); name; name = queue.shift()) {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      }
    } finally {
      await c.end();
    }
  };
  await Promise.all(Array.from({ length: 4 }, dropper));
}

/** A plain pg client for assertions, as the given role. Close it in afterAll. */
export async function connect(url: string): Promise<Client> {
  const client = new Client({ connectionString: url });
  await client.connect();
  return client;
}
