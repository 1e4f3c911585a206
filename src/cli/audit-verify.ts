import 'reflect-metadata';
import { Client } from 'pg';
import { AgencyRow, readAgencies } from '../agencies/agency-directory';
import { Tenant } from '../core/context/request-context';
import { ConfigError, loadConfig } from '../core/config/env';
import { prepareDatabase } from '../core/database/database-bootstrap';
import { createRootLogger } from '../core/logging/logger';
import { describeVerification, verifyAllAuditLogs } from '../core/audit/verify-all';

/**
 * `npm run audit:verify`: links pending audit events, then checks every agency's hash chain and
 * the platform chain. Prints the first broken link of each log; exits 1 when any is broken.
 */
/** Every agency, deactivated ones too, read as the agency directory reads them. */
async function agenciesIn(appUrl: string): Promise<Tenant[]> {
  const client = new Client({ connectionString: appUrl, application_name: 'grant-commons-audit' });
  await client.connect();
  try {
    const rows = await readAgencies(async (text) => (await client.query<AgencyRow>(text)).rows);
    return rows.map((row) => ({ agencyId: row.id, agencyCode: row.code }));
  } finally {
    await client.end();
  }
}

async function main(): Promise<boolean> {
  const config = loadConfig();
  const database = await prepareDatabase(config, createRootLogger('warn'));
  try {
    const results = await verifyAllAuditLogs(
      database.config.databaseUrl!,
      await agenciesIn(database.config.databaseUrl!),
    );
    for (const result of results) process.stdout.write(`${describeVerification(result)}\n`);
    return results.every(({ result }) => result.ok);
  } finally {
    await database.stop();
  }
}

main().then(
  (ok) => process.exit(ok ? 0 : 1),
  (error: unknown) => {
    process.stderr.write(
      error instanceof ConfigError
        ? `audit:verify: ${error.message}\n`
        : `audit:verify failed: ${error instanceof Error ? error.stack : String(error)}\n`,
    );
    process.exit(2);
  },
);
