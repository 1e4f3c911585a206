import { join } from 'node:path';
import { DataSourceOptions } from 'typeorm';
import { PreparingClient } from './prepared-statements';

/**
 * Entities and migrations are found by file pattern so the same options work from TypeScript
 * (tests) and from the compiled dist/ tree.
 */
const root = join(__dirname, '..', '..', '..');
export const ENTITY_GLOB = join(root, 'src', '**', '*.entity.{ts,js}');
export const MIGRATION_GLOB = join(root, 'migrations', '*.{ts,js}');

export function dataSourceOptions(
  url: string,
  poolSize: number,
  applicationName: string,
  preparedStatements = false,
  timeouts?: { statementMs: number; idleInTransactionMs: number },
): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: [ENTITY_GLOB],
    migrations: [MIGRATION_GLOB],
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: false,
    applicationName,
    extra: {
      max: poolSize,
      idleTimeoutMillis: 30_000,
      // Sent in the startup packet (no extra round trip): a runaway statement is cancelled
      // (57014) and a transaction left idle is ended (25P03) instead of holding locks and a
      // connection forever. 0 turns a limit off.
      ...(timeouts
        ? {
            statement_timeout: timeouts.statementMs,
            idle_in_transaction_session_timeout: timeouts.idleInTransactionMs,
          }
        : {}),
      ...(preparedStatements ? { Client: PreparingClient } : {}),
    },
  };
}
