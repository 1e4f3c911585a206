import 'reflect-metadata';
import { loadConfig } from '../core/config/env';
import { prepareDatabase } from '../core/database/database-bootstrap';
import { createApp } from '../create-app';
import { createRootLogger } from '../core/logging/logger';
import { DemoSeeder, formatDemoLogins } from '../identity/demo/demo-seeder';
import { DemoScenario } from './demo/demo-scenario';
import { runCli } from './run';

/**
 * `npm run seed:demo`: demo staff for every agency (one user per agency role) and a platform
 * admin, then the districts' side (DemoScenario): districts in every role, one working with both
 * agencies, programs open and closed, applications as drafts, submitted and returned; all with
 * a known password; idempotent. Runs through the application's own services (app
 * role, tenant context, audit log), on DATABASE_URL or the embedded database.
 */
runCli('seed:demo', async () => {
  const config = loadConfig();
  if (config.nodeEnv === 'production') {
    throw new Error(
      'refusing to seed demo users with a published password when NODE_ENV=production',
    );
  }
  const logger = createRootLogger('warn');
  // Beside a running `npm start`, use its embedded database rather than refuse.
  const database = await prepareDatabase(config, logger, { shareRunningEmbedded: true });
  try {
    // No job handlers in this short-lived process: anything enqueued waits for the real worker.
    const app = await createApp({ ...database.config, workerInProcess: false }, logger);
    try {
      await app.init();
      await app.getHttpAdapter().getInstance().ready(); // the scenario calls the API in-process
      const seeder = app.get(DemoSeeder);
      const staff = await seeder.seed();
      const districts = await new DemoScenario(app, new Date()).run(seeder);
      process.stdout.write(formatDemoLogins([...staff, ...districts]));
    } finally {
      await app.close();
    }
  } finally {
    await database.stop();
  }
});
