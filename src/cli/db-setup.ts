import 'reflect-metadata';
import { ConfigError } from '../core/config/env';
import { provisionDatabase } from '../core/database/provisioning';
import { runCli } from './run';

function millis(name: string, fallback: number, problems: string[]): number {
  const raw = process.env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 3_600_000) {
    problems.push(`${name}: must be an integer from 0 to 3600000 (got "${raw}")`);
  }
  return value;
}

/**
 * `npm run db:setup`: create the database, the owner role and the app role (idempotent) on an
 * external PostgreSQL. Needs DATABASE_ADMIN_URL (a superuser), DATABASE_OWNER_URL and DATABASE_URL;
 * the roles and passwords are taken from those URLs. Also sets the app role's statement and
 * idle-in-transaction timeouts (DATABASE_STATEMENT_TIMEOUT_MS, default 30000;
 * DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS, default 60000) as role defaults.
 */
runCli('db:setup', async () => {
  const { DATABASE_ADMIN_URL, DATABASE_OWNER_URL, DATABASE_URL } = process.env;
  const problems = Object.entries({ DATABASE_ADMIN_URL, DATABASE_OWNER_URL, DATABASE_URL })
    .filter(([, value]) => !value)
    .map(([name]) => `${name}: is required`);
  const appTimeouts = {
    statementMs: millis('DATABASE_STATEMENT_TIMEOUT_MS', 30_000, problems),
    idleInTransactionMs: millis('DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS', 60_000, problems),
  };
  if (problems.length) throw new ConfigError(problems);
  await provisionDatabase({
    adminUrl: DATABASE_ADMIN_URL!,
    ownerUrl: DATABASE_OWNER_URL!,
    appUrl: DATABASE_URL!,
    appTimeouts,
  });
  process.stdout.write('db:setup: database and roles are in place\n');
});
