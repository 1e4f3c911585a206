import 'reflect-metadata';
import { ConfigError } from '../core/config/env';
import { provisionDatabase } from '../core/database/provisioning';
import { runCli } from './run';

/**
 * `npm run db:setup`: create the database, the owner role and the app role (idempotent) on an
 * external PostgreSQL. Needs DATABASE_ADMIN_URL (a superuser), DATABASE_OWNER_URL and DATABASE_URL;
 * the roles and passwords are taken from those URLs.
 */
runCli('db:setup', async () => {
  const { DATABASE_ADMIN_URL, DATABASE_OWNER_URL, DATABASE_URL } = process.env;
  const missing = Object.entries({ DATABASE_ADMIN_URL, DATABASE_OWNER_URL, DATABASE_URL })
    .filter(([, value]) => !value)
    .map(([name]) => `${name}: is required`);
  if (missing.length) throw new ConfigError(missing);
  await provisionDatabase({
    adminUrl: DATABASE_ADMIN_URL!,
    ownerUrl: DATABASE_OWNER_URL!,
    appUrl: DATABASE_URL!,
  });
  process.stdout.write('db:setup: database and roles are in place\n');
});
