import 'reflect-metadata';
import { Client } from 'pg';
import { startEmbeddedPostgres } from '../core/database/embedded-postgres';
import { provisionDatabase, runMigrations, schemaDrift } from '../core/database/provisioning';
import { runCli } from './run';

/**
 * `npm run migration:check`: migrate a scratch database from nothing and fail if the entities
 * still differ from the schema (a migration is missing or wrong). Uses DATABASE_ADMIN_URL, else
 * TEST_DATABASE_URL, else a throwaway embedded PostgreSQL.
 */
runCli('migration:check', async () => {
  let adminUrl = process.env.DATABASE_ADMIN_URL ?? process.env.TEST_DATABASE_URL;
  let stop = (): Promise<void> => Promise.resolve();
  if (!adminUrl) {
    const dir = `/tmp/gc-migration-check-${process.pid}`;
    const server = await startEmbeddedPostgres(dir, 55000 + (process.pid % 5000));
    adminUrl = server.adminUrl;
    stop = () => server.stop();
  }
  const database = `gc_drift_${process.pid}`;
  const at = new URL(adminUrl);
  const url = (user: string) => `postgres://${user}:${user}@${at.host}/${database}`;
  try {
    await provisionDatabase({
      adminUrl,
      ownerUrl: url('gc_check_owner'),
      appUrl: url('gc_check_app'),
    });
    await runMigrations(url('gc_check_owner'));
    const drift = await schemaDrift(url('gc_check_owner'));
    if (drift.length) {
      throw new Error(`entities and migrations disagree; missing SQL:\n${drift.join(';\n')}`);
    }
    process.stdout.write('migration:check: entities and migrations agree\n');
  } finally {
    const admin = new Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
    await stop();
  }
});
