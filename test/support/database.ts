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
  drop(): Promise<void>;
}

function adminUrl(): string {
  const url = process.env[ADMIN_URL_VAR];
  if (!url) throw new Error(`${ADMIN_URL_VAR} is not set: run tests through jest (global setup)`);
  return url;
}

/** A database of this test file's own, cloned from the migrated template. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const admin = adminUrl();
  const name = `gc_t_${randomBytes(6).toString('hex')}`;
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
    drop: async () => {
      const c = new Client({ connectionString: admin });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

/** A plain pg client for assertions, as the given role. Close it in afterAll. */
export async function connect(url: string): Promise<Client> {
  const client = new Client({ connectionString: url });
  await client.connect();
  return client;
}
