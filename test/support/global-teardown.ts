import { Client } from 'pg';
import { dropDatabases, runDatabasePrefix } from './database';
import { ADMIN_URL_VAR, TEMPLATE_VAR } from './test-database-env';

/** Drops this run's test databases and its template, then stops an embedded server. */
export default async function globalTeardown(): Promise<void> {
  const admin = process.env[ADMIN_URL_VAR];
  const template = process.env[TEMPLATE_VAR];
  if (admin && template) {
    const client = new Client({ connectionString: admin });
    await client.connect();
    let names: string[];
    try {
      const { rows } = await client.query<{ datname: string }>(
        `SELECT datname FROM pg_database WHERE starts_with(datname, $1)`,
        [runDatabasePrefix(template)],
      );
      names = rows.map((r) => r.datname);
    } finally {
      await client.end();
    }
    await dropDatabases(admin, names);
    await dropDatabases(admin, [template]);
  }
  const server = (globalThis as { __embeddedPg?: { stop(): Promise<void> } }).__embeddedPg;
  if (server) await server.stop();
}
