import 'reflect-metadata';
import { exitOnStartupFailure, loadDotEnv, prettyConsole } from './core/startup/entry-point';
import { AppConfig, loadConfig } from './core/config/env';
import { prepareDatabase } from './core/database/database-bootstrap';
import { createApp } from './create-app';
import { createRootLogger } from './core/logging/logger';
import { startupBanner } from './core/startup/banner';
import { portOwner } from './core/startup/port-owner';
import { StartupError } from './core/startup/startup-error';
import { AgencyDirectory } from './agencies/agency-directory';
import { seedDemoIfEmpty } from './identity/demo/demo-seeder';
import { HealthChecks } from './core/health/health-checks';

/**
 * The API process. Without DATABASE_URL it starts the embedded PostgreSQL first; without
 * REDIS_URL the job relay and handlers run in this same process (see WORKER_IN_PROCESS).
 */
async function main(): Promise<void> {
  loadDotEnv();
  const config = loadConfig();
  const logger = createRootLogger(config.logLevel === 'silent' ? 'info' : config.logLevel, {
    pretty: prettyConsole(config),
  });
  const database = await prepareDatabase(config, logger);
  let app;
  try {
    app = await createApp(database.config, logger);
    // A fresh embedded database gets demo staff (printed below); never an external DATABASE_URL.
    if (database.embedded) await seedDemoIfEmpty(app);
    await listen(app, database.config);
  } catch (error) {
    await app?.close().catch(() => undefined);
    await database.stop();
    throw error;
  }

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => process.exit(1), 25_000 + config.shutdownDrainMs).unref();
    try {
      // First drain: readiness says 503 while requests already on their way (sent before the
      // load balancer saw it) are still served; closing at once would reset their connections.
      app.get(HealthChecks).draining = true;
      await new Promise((done) => setTimeout(done, config.shutdownDrainMs));
      await app.close(); // stops accepting, lets in-flight requests and jobs finish
      await database.stop();
      clearTimeout(timer);
      process.exit(0);
    } catch (error) {
      logger.error({ err: error }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));

  const banner = startupBanner(database.config, {
    embedded: database.embedded,
    agencies: app.get(AgencyDirectory).list(),
  });
  // A person at a terminal reads the banner; logs and pipes get it as one JSON line.
  if (prettyConsole(config)) process.stdout.write(banner.text);
  else logger.info(banner.fields, `Grant Commons is serving at ${banner.fields.url}`);
}

async function listen(
  app: Awaited<ReturnType<typeof createApp>>,
  config: AppConfig,
): Promise<void> {
  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    if ((error as { code?: string }).code !== 'EADDRINUSE') throw error;
    const owner = portOwner(config.port);
    throw new StartupError(
      `port ${config.port} (PORT) is already in use by ${owner ? `${owner.command} (PID ${owner.pid})` : 'another program'}. Stop it, or set PORT to a free port (e.g. PORT=${config.port + 1}).`,
    );
  }
}

main().catch((error: unknown) => exitOnStartupFailure('Grant Commons', error));
