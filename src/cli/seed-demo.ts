import 'reflect-metadata';
import { AbuseLimits, loadConfig } from '../core/config/env';
import { prepareDatabase } from '../core/database/database-bootstrap';
import { createApp } from '../create-app';
import { createRootLogger } from '../core/logging/logger';
import { StartupError } from '../core/startup/startup-error';
import { Clock } from '../core/clock/clock';
import { DemoSeeder, formatDemoLogins } from '../identity/demo/demo-seeder';
import { demoContents, DemoScenario } from './demo/demo-scenario';
import { runCli } from './run';

/**
 * `npm run seed:demo`: demo staff for every agency and a platform admin, then the districts'
 * story (DemoScenario), all through the application's own services and API, with a known
 * password; prints the logins. On DATABASE_URL or the embedded database, also beside a running
 * server (it then uses that server's embedded database). Builds the story in an empty database
 * only: a second run adds nothing, and a database holding part of it (an earlier run that
 * stopped) is refused with what to do.
 */
/**
 * The demo's own in-process requests (dozens of sign-ins, submissions and invitations in a few
 * seconds, all from this process) are not a client to protect the server from.
 */
function withoutRequestLimits(abuse: AbuseLimits): AbuseLimits {
  const none = 10_000_000;
  return {
    ...abuse,
    authPerIp: none,
    authGlobal: none,
    emailPerIp: none,
    emailGlobal: none,
    publicDataPerIp: none,
    invitationsPerOrganizationPerHour: none,
    invitationsPerAgencyPerHour: none,
  };
}

runCli('seed:demo', async () => {
  const config = loadConfig();
  if (config.nodeEnv === 'production') {
    throw new StartupError(
      'refusing to seed demo users with a published password when NODE_ENV=production',
    );
  }
  const logger = createRootLogger('warn');
  const database = await prepareDatabase(config, logger, { shareRunningEmbedded: true });
  try {
    // This process runs jobs too (a demo payment file must be written before it is paid), and
    // may move its own clock to tell the demo's past; it serves no one.
    const app = await createApp(
      {
        ...database.config,
        workerInProcess: true,
        demoTimeTravel: true,
        abuse: withoutRequestLimits(database.config.abuse),
      },
      logger,
    );
    try {
      await app.init();
      await app.getHttpAdapter().getInstance().ready(); // the scenario calls the API in-process
      const seeder = app.get(DemoSeeder);
      const staff = await seeder.seed();
      const today = app.get(Clock).now();
      const { logins, outcome } = await new DemoScenario(app, today).run(seeder);
      if (outcome === 'partial') {
        const where = database.embedded
          ? `stop the server, delete ${config.embedded.dataDir}, start it again`
          : 'recreate the database DATABASE_URL names (npm run db:setup)';
        throw new StartupError(
          `this database holds part of the demo (an earlier seed:demo stopped before the end), and the demo is only built in an empty database. To start over: ${where}, then run npm run seed:demo.`,
        );
      }
      const url = `http://${['0.0.0.0', '::'].includes(config.host) ? 'localhost' : config.host}:${config.port}`;
      process.stdout.write(
        [
          formatDemoLogins([...staff, ...logins]),
          demoContents(today),
          outcome === 'created'
            ? `The demo is ready: with the server running (npm start), sign in at ${url}/sign-in (or POST ${url}/api/v1/auth/login).`
            : 'The demo was already in this database: nothing was added.',
          '',
        ].join('\n'),
      );
    } finally {
      await app.close();
    }
  } finally {
    await database.stop();
  }
});
