import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { createRootLogger } from '../src/core/logging/logger';
import { connect } from './support/database';
import { useTestApp } from './support/use-test-app';

/** Every line the app logs, as text. */
function capture(): { lines: string[]; stream: Writable } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { lines, stream };
}

/**
 * Database limits (issue 13, item 13): a statement past DATABASE_STATEMENT_TIMEOUT_MS is a coded
 * 503 problem, not a hang; logged database errors carry no bound parameter values.
 */
describe('database limits and what errors log', () => {
  let owner: Client;
  const log = capture();
  // The statement limit is short so the locked statement below is cancelled quickly; the
  // lock (not a clock) is what guarantees it runs over.
  const t = useTestApp({
    env: { DATABASE_STATEMENT_TIMEOUT_MS: '250' },
    logger: createRootLogger('info', { destination: log.stream }),
  });

  beforeAll(async () => {
    t.app.flushLogs(); // Nest buffers its logs until listen(); inject() never listens
    owner = await connect(t.db.ownerUrl);
  });
  t.cleanup(() => owner.end());

  it('answers a statement cancelled by statement_timeout with 503 database.timeout, and logs no parameter', async () => {
    const canary = `canary-${randomBytes(6).toString('hex')}@example.org`;
    await owner.query('BEGIN');
    try {
      await owner.query('LOCK TABLE users IN ACCESS EXCLUSIVE MODE');
      const res = await t.request({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: canary, password: 'canary passphrase 123' },
      });
      expect(res.status).toBe(503);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json()).toMatchObject({ status: 503, code: 'database.timeout' });
    } finally {
      await owner.query('ROLLBACK');
    }
    const logged = log.lines.join('');
    expect(logged).toContain('57014'); // the failure is logged, by its SQLSTATE
    expect(logged).not.toContain(canary);
    expect(logged).not.toContain('canary passphrase');
  });

  it('logs a failed statement without its bound values, in the message, detail or parameters', async () => {
    const secret = `secret-${randomBytes(6).toString('hex')}`;
    const dataSource = t.app.get(DataSource);
    const logger = createRootLogger('info', { destination: log.stream });
    // A data exception quotes the value in its message; a unique violation in its detail.
    const failures: unknown[] = [];
    await dataSource.query('SELECT $1::uuid', [secret]).catch((e: unknown) => failures.push(e));
    await dataSource
      .query(`SELECT 1 FROM (VALUES ($1::text), ($1::text)) v(x) GROUP BY x HAVING 1/0 = 1`, [
        secret,
      ])
      .catch((e: unknown) => failures.push(e));
    expect(failures).toHaveLength(2);
    expect(JSON.stringify((failures[0] as { parameters: unknown }).parameters)).toContain(secret);
    for (const err of failures) {
      logger.error({ err }, 'query failed');
      logger.error({ err: new Error('wrapped', { cause: err }) }, 'wrapped failure');
    }
    const logged = log.lines.join('');
    expect(logged).toContain('22P02');
    expect(logged).toContain('22012');
    expect(logged).not.toContain(secret);
  });
});
