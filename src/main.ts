import 'reflect-metadata';
import { ConfigError, loadConfig } from './core/config/env';
import { prepareDatabase } from './core/database/database-bootstrap';
import { createApp } from './core/http/create-app';
import { createRootLogger } from './core/logging/logger';
import { seedDemoIfEmpty } from './identity/demo/demo-seeder';

/**
 * The API process. Without DATABASE_URL it starts the embedded PostgreSQL first; without
 * REDIS_URL the job relay and handlers run in this same process (see WORKER_IN_PROCESS).
 */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const logger = createRootLogger(config.logLevel === 'silent' ? 'info' : config.logLevel);
  const database = await prepareDatabase(config, logger);
  const app = await createApp(database.config, logger);
  // A fresh embedded database gets demo staff (printed below); never an external DATABASE_URL.
  if (database.embedded) await seedDemoIfEmpty(app);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => process.exit(1), 25_000).unref();
    try {
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

  await app.listen({ port: database.config.port, host: database.config.host });
  const url = `http://${database.config.host === '0.0.0.0' ? 'localhost' : database.config.host}:${database.config.port}`;
  logger.info(
    { url, docs: `${url}/api/docs`, embeddedDatabase: database.embedded },
    `Grant Commons is serving at ${url}`,
  );
  process.stdout.write(`Grant Commons is serving at ${url} (API docs: ${url}/api/docs)\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `Grant Commons failed to start: ${error instanceof Error ? error.stack : String(error)}\n`,
  );
  process.exit(1);
});
