import type { Logger } from 'pino';
import { AppConfig } from '../config/env';
import { startEmbeddedPostgres } from './embedded-postgres';
import { provisionDatabase, runMigrations } from './provisioning';

export const EMBEDDED_DATABASE = 'grant_commons';
export const EMBEDDED_OWNER = 'grant_commons_owner';
export const EMBEDDED_APP = 'grant_commons_app';

export interface PreparedDatabase {
  /** The config with database URLs filled in (embedded URLs when none were given). */
  config: AppConfig;
  embedded: boolean;
  stop(): Promise<void>;
}

/**
 * Before Nest starts: with no DATABASE_URL, start the embedded PostgreSQL (data kept under
 * .data/) and provision its roles; then apply migrations as the owner when MIGRATE_ON_START.
 */
export async function prepareDatabase(
  config: AppConfig,
  logger: Logger,
  options: { shareRunningEmbedded?: boolean } = {},
): Promise<PreparedDatabase> {
  let stop = (): Promise<void> => Promise.resolve();
  let resolved = config;
  if (!config.databaseUrl) {
    logger.info(
      { dataDir: config.embedded.dataDir },
      'no DATABASE_URL: starting embedded PostgreSQL',
    );
    const server = await startEmbeddedPostgres(
      config.embedded.dataDir,
      config.embedded.port,
      (line) => logger.debug({ embeddedPostgres: line.trim() }),
      { shareRunning: options.shareRunningEmbedded },
    );
    stop = () => server.stop();
    const base = `127.0.0.1:${config.embedded.port}/${EMBEDDED_DATABASE}`;
    resolved = {
      ...config,
      databaseUrl: `postgres://${EMBEDDED_APP}:${EMBEDDED_APP}@${base}`,
      databaseOwnerUrl: `postgres://${EMBEDDED_OWNER}:${EMBEDDED_OWNER}@${base}`,
    };
    try {
      await provisionDatabase({
        adminUrl: server.adminUrl,
        ownerUrl: resolved.databaseOwnerUrl!,
        appUrl: resolved.databaseUrl!,
      });
    } catch (error) {
      await stop();
      throw error;
    }
  }
  if (resolved.migrateOnStart) {
    try {
      const applied = await runMigrations(resolved.databaseOwnerUrl!);
      if (applied.length) logger.info({ applied }, 'migrations applied');
    } catch (error) {
      await stop();
      throw error;
    }
  }
  return { config: resolved, embedded: !config.databaseUrl, stop };
}
