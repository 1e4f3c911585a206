import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import { loadConfig } from './core/config/env';
import { prepareDatabase } from './core/database/database-bootstrap';
import { HealthChecks } from './core/health/health-checks';
import { HEARTBEAT_EVERY_MS, removeHeartbeat, writeHeartbeat } from './core/health/heartbeat';
import { createRootLogger, PinoNestLogger } from './core/logging/logger';
import { exitOnStartupFailure, loadDotEnv, prettyConsole } from './core/startup/entry-point';

/**
 * The worker process: the same modules as the API without HTTP. It runs the outbox relay and the
 * job handlers (BullMQ workers with REDIS_URL). Scale it separately from the API.
 */
async function main(): Promise<void> {
  loadDotEnv();
  const config = { ...loadConfig(), workerInProcess: true };
  const logger = createRootLogger(config.logLevel === 'silent' ? 'info' : config.logLevel, {
    pretty: prettyConsole(config),
  });
  const database = await prepareDatabase(config, logger);
  const app = await NestFactory.createApplicationContext(AppModule.register(database.config), {
    logger: new PinoNestLogger(logger),
    abortOnError: false, // a refused boot rejects with its message (printed below)
  });
  await app.init();

  // No HTTP here: the worker's health check reads this file (src/cli/worker-health.ts).
  const healthFile = config.workerHealthFile;
  const checks = app.get(HealthChecks);
  const beat = async () => {
    if (healthFile) await writeHeartbeat(healthFile, await checks.run());
  };
  const heartbeat = setInterval(() => {
    beat().catch((error: unknown) => logger.warn({ err: error }, 'worker heartbeat not written'));
  }, HEARTBEAT_EVERY_MS);
  heartbeat.unref();
  await beat();
  logger.info('worker started');

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'worker shutting down');
    setTimeout(() => process.exit(1), 25_000).unref();
    clearInterval(heartbeat);
    if (healthFile) await removeHeartbeat(healthFile);
    await app.close(); // in-flight jobs finish or go back to the queue
    await database.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((error: unknown) => exitOnStartupFailure('The Grant Commons worker', error));
