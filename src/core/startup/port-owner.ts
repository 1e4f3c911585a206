import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { createServer } from 'node:net';

/** Whether a TCP port can be bound on this host (nobody listens on it). */
export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

export interface PortOwner {
  pid: number;
  /** The program and its arguments, shortened. */
  command: string;
}

/**
 * Which process listens on a TCP port, read from Linux's /proc (socket inode → process fd).
 * Written by hand because no maintained package answers this without shelling out to lsof or
 * ss, which a slim image may lack. Undefined when it cannot tell (another OS, no permission).
 */
export function portOwner(port: number): PortOwner | undefined {
  try {
    const inodes = new Set<string>();
    for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
      let text = '';
      try {
        text = readFileSync(table, 'utf8');
      } catch {
        continue;
      }
      for (const line of text.split('\n').slice(1)) {
        const cols = line.trim().split(/\s+/);
        // local_address is HEXIP:HEXPORT; state 0A is LISTEN.
        if (cols.length > 9 && cols[3] === '0A' && parseInt(cols[1].split(':')[1], 16) === port) {
          inodes.add(cols[9]);
        }
      }
    }
    if (inodes.size === 0) return undefined;
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      let fds: string[];
      try {
        fds = readdirSync(`/proc/${entry}/fd`);
      } catch {
        continue;
      }
      for (const fd of fds) {
        let target: string;
        try {
          target = readlinkSync(`/proc/${entry}/fd/${fd}`);
        } catch {
          continue;
        }
        const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
        if (inode && inodes.has(inode)) return { pid: Number(entry), command: commandOf(entry) };
      }
    }
  } catch {
    return undefined;
  }
  return undefined;
}

function commandOf(pid: string): string {
  try {
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    const command = args.join(' ').replace(/\s+/g, ' ');
    return command.length > 80 ? `${command.slice(0, 77)}...` : command;
  } catch {
    return 'an unknown program';
  }
}

/** The short name of a running process, or undefined when it is not running. */
export function processName(pid: number): string | undefined {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    if ((error as { code?: string }).code !== 'EPERM') return undefined;
  }
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return 'unknown';
  }
}
