import { Client } from 'pg';
import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres } from '../../src/core/database/embedded-postgres';
import { provisionDatabase, runMigrations } from '../../src/core/database/provisioning';
import { ADMIN_URL_VAR, roleUrl, TEMPLATE_VAR, TEST_APP, TEST_OWNER } from './test-database-env';

/**
 * Once per `jest` run: a PostgreSQL (TEST_DATABASE_URL, else an embedded throwaway), the owner
 * and app roles, and a migrated template database every test file clones.
 */
export default async function globalSetup(): Promise<void> {
  let adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) {
    const dir = mkdtempSync(join(tmpdir(), 'gc-test-pg-'));
    chmodSync(dir, 0o755); // the embedded server may run as a separate OS user
    const port = 56000 + Math.floor(Math.random() * 4000);
    const server = await startEmbeddedPostgres(join(dir, 'data'), port);
    (globalThis as { __embeddedPg?: { stop(): Promise<void> } }).__embeddedPg = server;
    adminUrl = server.adminUrl;
  }
  const template = `gc_test_template_${process.pid}`;
  process.env[ADMIN_URL_VAR] = adminUrl;
  process.env[TEMPLATE_VAR] = template;

  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
  await admin.end();
  await provisionDatabase({
    adminUrl,
    ownerUrl: roleUrl(adminUrl, TEST_OWNER, template),
    appUrl: roleUrl(adminUrl, TEST_APP, template),
  });
  await runMigrations(roleUrl(adminUrl, TEST_OWNER, template));
}
