import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { freePort } from '../jobs/waiting';

/** Where Debian's package puts it (`apt-get install pgbouncer`; .ci/run installs it). */
const CANDIDATES = ['/usr/sbin/pgbouncer', '/usr/bin/pgbouncer', '/usr/local/bin/pgbouncer'];

/** The pgbouncer binary, or an error that says how to get it: tests that need it fail, never skip. */
export function pgbouncerBinary(): string {
  const found = CANDIDATES.find((path) => existsSync(path));
  if (!found) {
    throw new Error(
      'pgbouncer is not installed: apt-get install -y pgbouncer (CI installs it in .ci/run)',
    );
  }
  return found;
}

/** "1.18.0" from `pgbouncer --version`, and whether it has protocol-level prepared statements. */
export function pgbouncerVersion(binary = pgbouncerBinary()): {
  version: string;
  preparedStatements: boolean;
} {
  const text = execFileSync(binary, ['--version'], { encoding: 'utf8' });
  const match = /PgBouncer (\d+)\.(\d+)\.(\d+)/.exec(text);
  if (!match) throw new Error(`pgbouncer --version said: ${text}`);
  const [major, minor] = [Number(match[1]), Number(match[2])];
  return {
    version: `${match[1]}.${match[2]}.${match[3]}`,
    // max_prepared_statements arrived in 1.21.
    preparedStatements: major > 1 || (major === 1 && minor >= 21),
  };
}

export interface PgBouncer {
  port: number;
  version: string;
  /** Whether this PgBouncer tracks prepared statements across server connections (>= 1.21). */
  preparedStatements: boolean;
  /** A connection string through the bouncer. */
  url(user: string, password: string, database: string): string;
  /** The admin console (SHOW POOLS, SHOW SERVERS). */
  admin(): Promise<Client>;
  log(): string;
  stop(): Promise<void>;
}

export interface PgBouncerOptions {
  /** The PostgreSQL server behind it. */
  upstream: { host: string; port: number };
  /** Users and plain-text passwords it accepts (md5) and logs in to the server with. */
  users: Record<string, string>;
  /** Server connections per database and user: small, so client connections must share. */
  poolSize: number;
  /** Extra [databases] lines (name = connection string). */
  databases?: Record<string, string>;
}

/**
 * Starts a real PgBouncer in transaction mode as a child process on a free loopback port, its
 * configuration generated here. It refuses to run as root, so as root it drops to `nobody`.
 */
export async function startPgBouncer(options: PgBouncerOptions): Promise<PgBouncer> {
  const binary = pgbouncerBinary();
  const { version, preparedStatements } = pgbouncerVersion(binary);
  const dir = mkdtempSync(join(tmpdir(), 'gc-pgbouncer-'));
  chmodSync(dir, 0o755);
  const port = await freePort();
  const adminUser = Object.keys(options.users)[0];
  const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;
  writeFileSync(
    join(dir, 'users.txt'),
    Object.entries(options.users)
      .map(([user, password]) => `${quote(user)} ${quote(password)}\n`)
      .join(''),
    { mode: 0o644 },
  );
  const { host, port: upstreamPort } = options.upstream;
  const ini = [
    '[databases]',
    ...Object.entries(options.databases ?? {}).map(([name, conn]) => `${name} = ${conn}`),
    // Any other database name: the same name on the server.
    `* = host=${host} port=${upstreamPort}`,
    '[pgbouncer]',
    'listen_addr = 127.0.0.1',
    `listen_port = ${port}`,
    'unix_socket_dir =',
    'auth_type = md5',
    `auth_file = ${join(dir, 'users.txt')}`,
    `admin_users = ${adminUser}`,
    'pool_mode = transaction',
    `default_pool_size = ${options.poolSize}`,
    'min_pool_size = 0',
    'reserve_pool_size = 0',
    'max_client_conn = 200',
    // node-postgres sends these in the startup packet (src/core/database/data-source-options.ts);
    // a transaction pooler cannot keep per-client session settings, so the role carries them.
    'ignore_startup_parameters = statement_timeout,idle_in_transaction_session_timeout,extra_float_digits,options',
    ...(preparedStatements ? ['max_prepared_statements = 200'] : []),
    'server_check_delay = 0',
    // A shared test server may refuse a login for a moment (max_connections): retry in 1 s, not 15.
    'server_login_retry = 1',
    'log_connections = 0',
    'log_disconnections = 0',
    '',
  ].join('\n');
  const iniPath = join(dir, 'pgbouncer.ini');
  writeFileSync(iniPath, ini, { mode: 0o644 });

  const asRoot = process.getuid?.() === 0;
  const child: ChildProcess = spawn(binary, [...(asRoot ? ['-u', 'nobody'] : []), iniPath], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGINT'); // immediate shutdown
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };

  const url = (user: string, password: string, database: string) =>
    `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
  const admin = async () => {
    const client = new Client({
      connectionString: url(adminUser, options.users[adminUser], 'pgbouncer'),
    });
    await client.connect();
    return client;
  };

  // Ready when its admin console answers; a process that exits first fails with its output.
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`pgbouncer exited (${child.exitCode}):\n${output}\n${ini}`);
    }
    try {
      const client = await admin();
      await client.end();
      break;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  return { port, version, preparedStatements, url, admin, log: () => output, stop };
}
