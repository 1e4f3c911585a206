import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:net';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { provisionDatabase } from '../src/core/database/provisioning';
import { freePort } from './jobs/waiting';
import { ADMIN_URL_VAR } from './support/test-database-env';
import { TsProcess } from './support/ts-process';

/**
 * What a person sees when `npm start` cannot start: one plain message naming the cause and the
 * variable that fixes it, and a non-zero exit. Each case is provoked for real.
 */
const SERVING = /Grant Commons is serving at/;
const asRoot = process.getuid?.() === 0;

async function holdPort(): Promise<{ port: number; server: Server }> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { port: (server.address() as { port: number }).port, server };
}

/** The message a failed start printed: exactly one line after the program name. */
async function failure(proc: TsProcess): Promise<{ code: number | null; message: string }> {
  const code = await proc.exited;
  const lines = proc.stderr.split('\n').filter((l) => l.trim() && !l.includes('Warning'));
  return { code, message: lines.join('\n') };
}

describe('start-up failures', () => {
  // One embedded cluster for the whole file: made by the first start, reused by the others.
  const root = mkdtempSync(join(tmpdir(), 'gc-startup-'));
  chmodSync(root, 0o755); // the embedded server runs as the postgres user when we are root
  const dataDir = join(root, 'data');
  let env: Record<string, string>;

  beforeAll(async () => {
    env = {
      DATA_DIR: dataDir,
      EMBEDDED_PG_PORT: String(await freePort()),
      PORT: String(await freePort()),
      DATABASE_URL: '',
      DATABASE_OWNER_URL: '',
      REDIS_URL: '',
    };
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('a second start beside a running one names the port and the fix, and a seed beside it works', async () => {
    const first = new TsProcess('src/main.ts', env);
    try {
      await first.output(SERVING);

      const second = new TsProcess('src/main.ts', { ...env, PORT: String(await freePort()) });
      const { code, message } = await failure(second);
      expect(code).not.toBe(0);
      expect(message).toContain(
        `Grant Commons could not start: port ${env.EMBEDDED_PG_PORT} (EMBEDDED_PG_PORT)`,
      );
      expect(message).toContain('Stop that copy first');
      expect(message).not.toContain('undefined');
      expect(message.split('\n')).toHaveLength(1);

      // seed:demo uses the running server's embedded database instead of failing.
      const seed = new TsProcess('src/cli/seed-demo.ts', env);
      expect(await seed.exited).toBe(0);
      expect(seed.stdout).toContain('Demo logins');
      expect(seed.stdout).toContain('The demo is ready');
    } finally {
      expect(await first.stop()).toBe(0);
    }
  });

  it('a stale postmaster.pid left by a crash is removed, and the start goes on', async () => {
    // A crash leaves the lock file; its PID now belongs to another program (this test process).
    writeFileSync(
      join(dataDir, 'postgres', 'postmaster.pid'),
      `${process.pid}\n${dataDir}\n0\n${env.EMBEDDED_PG_PORT}\n`,
    );
    const proc = new TsProcess('src/main.ts', { ...env, LOG_LEVEL: 'debug' });
    try {
      await proc.output(SERVING);
      expect(proc.stdout).toContain('removed a stale postmaster.pid');
    } finally {
      expect(await proc.stop()).toBe(0);
    }
  });

  it('a database port taken by another program names the program and EMBEDDED_PG_PORT', async () => {
    const held = await holdPort();
    try {
      const proc = new TsProcess('src/main.ts', { ...env, EMBEDDED_PG_PORT: String(held.port) });
      const { code, message } = await failure(proc);
      expect(code).toBe(1);
      expect(message).toContain(`port ${held.port} (EMBEDDED_PG_PORT) is already in use by`);
      expect(message).toContain(`(PID ${process.pid})`);
      expect(message).toContain('set EMBEDDED_PG_PORT to a free port');
    } finally {
      held.server.close();
    }
  });

  it('an HTTP port taken names PORT, and the embedded database is stopped again', async () => {
    const held = await holdPort();
    try {
      const proc = new TsProcess('src/main.ts', { ...env, PORT: String(held.port) });
      const { code, message } = await failure(proc);
      expect(code).toBe(1);
      expect(message).toContain(`port ${held.port} (PORT) is already in use by`);
      // It stopped its database on the way out: the next start is not refused.
      const next = new TsProcess('src/main.ts', env);
      await next.output(SERVING);
      expect(await next.stop()).toBe(0);
    } finally {
      held.server.close();
    }
  });

  (asRoot ? it : it.skip)(
    'a data folder the postgres user cannot enter names the folder and DATA_DIR',
    async () => {
      const closed = mkdtempSync(join(tmpdir(), 'gc-closed-'));
      chmodSync(closed, 0o700);
      try {
        const proc = new TsProcess('src/main.ts', { ...env, DATA_DIR: join(closed, 'data') });
        const { code, message } = await failure(proc);
        expect(code).toBe(1);
        expect(message).toContain(`cannot enter ${closed} (mode 0700)`);
        expect(message).toContain('Set DATA_DIR to a folder it can reach');
        expect(message).not.toContain('EACCES');
      } finally {
        rmSync(closed, { recursive: true, force: true });
      }
    },
  );

  it('a wrong variable is named with its value, exit code 78', async () => {
    const proc = new TsProcess('src/main.ts', { ...env, PORT: 'eighty' });
    const { code, message } = await failure(proc);
    expect(code).toBe(78);
    expect(message).toContain('PORT: must be an integer from 0 to 65535 (got "eighty")');
  });

  it('a failed migration is named, with the database reason', async () => {
    const admin = process.env[ADMIN_URL_VAR]!;
    const name = `gc_startup_${process.pid}`;
    const at = new URL(admin);
    const url = (user: string) => `postgres://${user}:${user}@${at.host}/${name}`;
    const owner = url('gc_startup_owner');
    const app = url('gc_startup_app');
    await provisionDatabase({ adminUrl: admin, ownerUrl: owner, appUrl: app });
    const client = new Client({ connectionString: owner });
    await client.connect();
    // Something already holds the name the first migration creates.
    await client.query('CREATE TABLE agencies (id int)');
    await client.end();
    try {
      const proc = new TsProcess('src/main.ts', {
        ...env,
        DATABASE_URL: app,
        DATABASE_OWNER_URL: owner,
      });
      const { code, message } = await failure(proc);
      expect(code).toBe(1);
      expect(message).toMatch(
        /could not start: migration Agencies\d+ failed: relation "agencies" already exists/,
      );
    } finally {
      const c = new Client({ connectionString: admin });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    }
  });
});
