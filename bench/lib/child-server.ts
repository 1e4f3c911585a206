import { ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';

export interface ChildServer {
  pid: number;
  url: string;
  /** Peak resident set size in MB since start or the last resetPeak() (VmHWM). */
  peakRssMb(): number;
  /** Current resident set size in MB (VmRSS). */
  rssMb(): number;
  /** CPU time (user + system) the process has used, in ms. */
  cpuMs(): number;
  /** Starts a new peak window (writes 5 to /proc/<pid>/clear_refs; Linux). */
  resetPeak(): void;
  stop(): Promise<void>;
}

function statusField(pid: number, field: string): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  return match ? Math.round(Number(match[1]) / 1024) : NaN;
}

/** CPU time (user + system, in ms) of a process, from /proc/<pid>/stat; 0 when it is gone. */
export function processCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name: utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

/** CPU time (ms) of every PostgreSQL backend serving `database` (found by its process title). */
export function databaseCpuMs(database: string): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const title = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (title.startsWith('postgres: ') && title.includes(` ${database} `)) {
        total += processCpuMs(Number(entry));
      }
    } catch {
      // the process ended meanwhile
    }
  }
  return total;
}

const CLOCK_TICKS = 100; // USER_HZ: 100 on Linux (getconf CLK_TCK)

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts `node <args>` as a child process with `env`, waits until it is ready (GET `readyPath`
 * answers 200 on `port`, or `ready()` resolves true for a process with no HTTP, the worker), and
 * keeps the last lines of its output for the error message if it dies.
 */
export async function startChildServer(options: {
  name: string;
  args: string[];
  env: Record<string, string | undefined>;
  port?: number;
  readyPath?: string;
  ready?: () => Promise<boolean>;
  timeoutMs?: number;
}): Promise<ChildServer> {
  const child: ChildProcess = spawn(process.execPath, options.args, {
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const tail: string[] = [];
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) {
      if (!line.trim()) continue;
      tail.push(line);
      if (tail.length > 40) tail.shift();
      if (process.env.BENCH_VERBOSE) process.stderr.write(`[${options.name}] ${line}\n`);
    }
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const state: { exited: number | null } = { exited: null };
  const exit = new Promise<void>((resolve) =>
    child.once('exit', (code) => {
      state.exited = code ?? -1;
      resolve();
    }),
  );
  const url = options.port ? `http://127.0.0.1:${options.port}` : '';
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  for (;;) {
    if (state.exited !== null) {
      throw new Error(
        `${options.name} exited with ${state.exited} while starting:\n${tail.join('\n')}`,
      );
    }
    try {
      if (options.ready) {
        if (await options.ready()) break;
      } else if ((await fetch(`${url}${options.readyPath}`)).status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${options.name} did not become ready:\n${tail.join('\n')}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const pid = child.pid!;
  return {
    pid,
    url,
    peakRssMb: () => statusField(pid, 'VmHWM'),
    rssMb: () => statusField(pid, 'VmRSS'),
    cpuMs: () => processCpuMs(pid),
    resetPeak: () => writeFileSync(`/proc/${pid}/clear_refs`, '5'),
    stop: async () => {
      if (state.exited !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exit;
      clearTimeout(timer);
    },
  };
}

/** Several API processes measured as one: the load is spread over `urls`. */
export interface ServerGroup extends ChildServer {
  /** Every process's base URL, in start order (the load generator's round-robin targets). */
  urls: string[];
  members: ChildServer[];
}

/**
 * N API processes behind the load generator as one server: CPU is the sum over them (what the
 * requests cost the machine), RSS the largest one's (what each process needs; the heap limit
 * applies per process). No proxy in between: autocannon assigns its connections to the URLs
 * round-robin, so a proxy's own CPU stays out of the figures.
 */
export function serverGroup(members: ChildServer[]): ServerGroup {
  if (members.length === 0) throw new Error('serverGroup: no server');
  const max = (values: number[]) => Math.max(...values);
  return {
    pid: members[0].pid,
    url: members[0].url,
    urls: members.map((m) => m.url),
    members,
    peakRssMb: () => max(members.map((m) => m.peakRssMb())),
    rssMb: () => max(members.map((m) => m.rssMb())),
    cpuMs: () => members.reduce((sum, m) => sum + m.cpuMs(), 0),
    resetPeak: () => members.forEach((m) => m.resetPeak()),
    stop: async () => {
      await Promise.all(members.map((m) => m.stop()));
    },
  };
}
