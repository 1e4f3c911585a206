import { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { TenantRunner } from '../../src/core/context/tenant-db';
import { NoTenantContextError } from '../../src/core/errors/domain-error';
import { JobQueue } from '../../src/core/jobs';
import { connect, createTestDatabase, TestDatabase } from '../support/database';
import {
  baseEnv,
  bootJobsApp,
  createTestTables,
  deleteRedisKeys,
  enqueueEffects,
  freePort,
  inAgency,
  JobsApp,
  startRedis,
  TEST_REDIS_URL,
  waitFor,
  waitForCount,
  WorkerChild,
} from './jobs-app';
import { runs } from './test-jobs';

const SYSTEM = { kind: 'system' as const };

/**
 * The jobs suite, run once per driver (test/jobs-bullmq and test/jobs-in-process, separate files
 * so Jest runs them side by side): BullMQ on Redis, and in-process from the outbox table.
 */
export function describeJobsSuite(driver: 'bullmq' | 'in-process'): void {
  const redis = driver === 'bullmq';
  describe(`background jobs on the ${driver} driver`, () => {
    const prefix = `gc-test-${randomBytes(4).toString('hex')}`;
    let db: TestDatabase;
    let sql: Client;
    let env: Record<string, string | undefined>;
    let current: JobsApp | undefined;
    let tenant: { agencyId: string; agencyCode: string };

    const outbox = (where: string, params: unknown[] = []) =>
      inAgency(sql, tenant.agencyId, `SELECT * FROM jobs_outbox WHERE ${where}`, params);
    const effectsOf = (ids: string[]) =>
      inAgency<{ job_id: string; seq: number; attempt: number; pid: number }>(
        sql,
        tenant.agencyId,
        `SELECT job_id, seq, attempt, pid FROM job_test_effects WHERE job_id = ANY($1::uuid[])`,
        [ids],
      );
    /** Waits until every job is done, however long that takes; fails only if they stop moving. */
    const allDone = (ids: string[]) =>
      waitForCount(
        `${ids.length} jobs done`,
        async () => {
          const [row] = await inAgency(
            sql,
            tenant.agencyId,
            `SELECT count(*)::int AS n FROM jobs_outbox WHERE id = ANY($1::uuid[]) AND state = 'done'`,
            [ids],
          );
          return row.n;
        },
        ids.length,
      );

    beforeAll(async () => {
      db = await createTestDatabase();
      await createTestTables(db);
      env = {
        ...baseEnv(db),
        WORKER_IN_PROCESS: 'true',
        JOB_LEASE_MS: '2000',
        JOB_POLL_MS: '200',
        JOB_RETRY_BASE_MS: '50',
        JOB_CONCURRENCY: '16',
        DATABASE_POOL_SIZE: '24',
        REDIS_URL: redis ? TEST_REDIS_URL : undefined,
        JOB_QUEUE_PREFIX: prefix,
      };
      // This worker knows the test schedule too: a worker without it would take ticks from the
      // schedule test's workers and skip them.
      process.env.TEST_TICK_MS = '400';
      current = await bootJobsApp(env);
      delete process.env.TEST_TICK_MS;
      sql = await connect(db.appUrl);
      const [agency] = (await sql.query(`SELECT id, code FROM agencies WHERE code = 'mo-dese'`))
        .rows;
      tenant = { agencyId: agency.id, agencyCode: agency.code };
    });

    afterAll(async () => {
      await current?.close();
      await sql?.end();
      await db?.drop();
      if (redis) await deleteRedisKeys(TEST_REDIS_URL, prefix);
    });

    it('keeps no job from a rolled-back transaction, and runs the one that committed', async () => {
      const app = current!.app;
      const runner = app.get(TenantRunner);
      const queue = app.get(JobQueue);
      await expect(
        runner.run(tenant, SYSTEM, async () => {
          await queue.enqueue('test.effect', { agencyId: tenant.agencyId, seq: -1 });
          throw new Error('the business change failed');
        }),
      ).rejects.toThrow('the business change failed');
      const [committed] = await enqueueEffects(app, tenant, [{ seq: -2 }]);

      await allDone([committed]);
      expect(await outbox(`payload->>'seq' = '-1'`)).toEqual([]);
      expect(await effectsOf([committed])).toHaveLength(1);
      // Outside any agency there is no transaction to write the outbox row in: refused.
      await expect(
        queue.enqueue('test.effect', { agencyId: tenant.agencyId, seq: -3 }),
      ).rejects.toBeInstanceOf(NoTenantContextError);
    });

    it('handles 10,000 jobs with each effect applied exactly once', async () => {
      const payloads = Array.from({ length: 10_000 }, (_, i) => ({ seq: i + 1 }));
      const ids = await enqueueEffects(current!.app, tenant, payloads);
      await allDone(ids);

      const [stats] = await inAgency(
        sql,
        tenant.agencyId,
        `SELECT count(*)::int AS effects, count(DISTINCT seq)::int AS seqs, count(DISTINCT job_id)::int AS jobs
         FROM job_test_effects WHERE seq BETWEEN 1 AND 10000`,
      );
      expect(stats).toEqual({ effects: 10_000, seqs: 10_000, jobs: 10_000 });
      const [left] = await inAgency(
        sql,
        tenant.agencyId,
        `SELECT count(*)::int AS n FROM jobs_outbox WHERE state <> 'done' AND id = ANY($1::uuid[])`,
        [ids],
      );
      expect(left.n).toBe(0);
    });

    it('retries a failing job with backoff, then dead-letters it after the last attempt', async () => {
      const [flaky, hopeless, permanent] = await enqueueEffects(current!.app, tenant, [
        { seq: 20_001, failUntilAttempt: 2 },
        { seq: 20_002, failUntilAttempt: 99 },
        { seq: 20_003, permanent: true },
      ]);
      await allDone([flaky]);
      await waitFor('the hopeless and the permanent job to be dead', async () => {
        const dead = await outbox(`id = ANY($1::uuid[]) AND state = 'dead'`, [
          [hopeless, permanent],
        ]);
        return dead.length === 2;
      });

      const [flakyRow] = await outbox(`id = $1`, [flaky]);
      expect(flakyRow).toMatchObject({ state: 'done', attempts: 3, last_error: null });
      expect(await effectsOf([flaky])).toEqual([
        expect.objectContaining({ seq: 20_001, attempt: 3 }),
      ]);

      const [hopelessRow] = await outbox(`id = $1`, [hopeless]);
      expect(hopelessRow).toMatchObject({ state: 'dead', attempts: 3, max_attempts: 3 });
      expect(hopelessRow.last_error).toContain('planned failure on attempt 3');
      expect(runs.get(hopeless)).toBe(3);
      // Exponential backoff: the third attempt came at least base + 2x base after the first.
      expect(
        new Date(hopelessRow.finished_at).getTime() - new Date(hopelessRow.created_at).getTime(),
      ).toBeGreaterThanOrEqual(150);

      const [permanentRow] = await outbox(`id = $1`, [permanent]);
      expect(permanentRow).toMatchObject({ state: 'dead', attempts: 1 });
      expect(permanentRow.last_error).toContain('PermanentJobError');
      expect(await effectsOf([hopeless, permanent])).toEqual([]);
    });

    it('runs a schedule once per tick in each agency, however many workers run it', async () => {
      // Counted in ticks, not in time: wait for a number of ticks run while three workers hold
      // the schedule, then check that no tick ran twice and that ticks are at least the interval
      // apart (three workers each running it would tick three times per interval). A slow
      // machine makes ticks late; it cannot make them double.
      const everyMs = 400;
      process.env.TEST_TICK_MS = String(everyMs);
      const second = await bootJobsApp(env);
      const third = await bootJobsApp(env);
      delete process.env.TEST_TICK_MS;
      const from: Date = (await sql.query(`SELECT clock_timestamp() AS at`)).rows[0].at;
      const ticksSince = () =>
        inAgency<{ tick_at: Date; pid: number }>(
          sql,
          tenant.agencyId,
          `SELECT tick_at, pid FROM job_test_ticks WHERE ran_at >= $1 ORDER BY tick_at`,
          [from],
        );
      try {
        await waitForCount('schedule ticks', async () => (await ticksSince()).length, 8);
      } finally {
        await second.close();
        await third.close();
      }

      const ticks = await ticksSince();
      const instants = ticks.map((tick) => tick.tick_at.getTime());
      expect(new Set(instants).size).toBe(instants.length); // each tick ran once
      const gaps = instants.slice(1).map((at, i) => at - instants[i]);
      // The tick instants are the database's (in-process) or BullMQ's slots, read at ms precision.
      expect(Math.min(...gaps)).toBeGreaterThanOrEqual(everyMs - 1);
      const other = await sql.query(`SELECT id FROM agencies WHERE code = 'ks-ksde'`);
      const otherTicks = await inAgency(
        sql,
        other.rows[0].id,
        `SELECT tick_at FROM job_test_ticks WHERE ran_at >= $1`,
        [from],
      );
      expect(otherTicks.length).toBeGreaterThan(0);
    });

    it('runs batchable jobs in shared transactions, each effect once; a failing one retries alone', async () => {
      const flakyAt = (i: number) => i % 500 === 7;
      const permanentAt = 1234;
      const payloads = Array.from({ length: 2000 }, (_, i) => ({
        seq: -10_000 - i, // below the ranges the other tests count
        ...(flakyAt(i) ? { failUntilAttempt: 1 } : {}),
        ...(i === permanentAt ? { permanent: true } : {}),
      }));
      const ids = await enqueueEffects(current!.app, tenant, payloads, 1000, 'test.batch-effect');
      const flaky = ids.filter((_, i) => flakyAt(i));
      const permanent = ids[permanentAt];
      const others = ids.filter((_, i) => !flakyAt(i) && i !== permanentAt);
      await allDone([...others, ...flaky]);
      await waitFor('the permanent job to be dead', async () => {
        const dead = await outbox(`id = $1 AND state = 'dead'`, [permanent]);
        return dead.length === 1;
      });

      const [stats] = await inAgency(
        sql,
        tenant.agencyId,
        `SELECT count(*)::int AS effects, count(DISTINCT seq)::int AS seqs,
                count(DISTINCT xmin::text)::int AS transactions
           FROM job_test_effects WHERE seq BETWEEN -11999 AND -10000`,
      );
      expect(stats).toMatchObject({ effects: 1999, seqs: 1999 });
      expect(stats.transactions).toBeLessThan(1999); // some jobs did share a transaction
      // A batch that rolled back spent no attempt of its other jobs.
      const [attempts] = await inAgency(
        sql,
        tenant.agencyId,
        `SELECT count(*) FILTER (WHERE attempts = 1)::int AS once, count(*)::int AS n
           FROM jobs_outbox WHERE id = ANY($1::uuid[])`,
        [others],
      );
      expect(attempts).toEqual({ once: others.length, n: others.length });
      const flakyEffects = await effectsOf(flaky);
      expect(flakyEffects).toHaveLength(flaky.length);
      expect(flakyEffects.every((e) => e.attempt === 2)).toBe(true);
      const [permanentRow] = await outbox(`id = $1`, [permanent]);
      expect(permanentRow).toMatchObject({ state: 'dead', attempts: 1 });
      expect(await effectsOf([permanent])).toEqual([]);
    });

    it('runs a job again when its worker process is killed mid-job, and applies its effect once', async () => {
      // The jobs are held back (due in a day) until this process has stopped its own workers,
      // then brought forward: only the children can run them, however long stopping took.
      // Two batchable ones go too: one holds its (shared) transaction open, the other may share
      // it and then dies with it.
      const [id, heldInBatch, besideIt] = await (async () => {
        const runner = current!.app.get(TenantRunner);
        const queue = current!.app.get(JobQueue);
        return runner.run(tenant, SYSTEM, async () => [
          await queue.enqueue(
            'test.effect',
            { agencyId: tenant.agencyId, seq: 30_001, holdMs: 60_000 },
            { delayMs: 86_400_000 },
          ),
          ...(await queue.enqueueMany(
            'test.batch-effect',
            [
              { agencyId: tenant.agencyId, seq: 30_002, holdMs: 60_000 },
              { agencyId: tenant.agencyId, seq: 30_003 },
            ],
            { delayMs: 86_400_000 },
          )),
        ]);
      })();
      await current!.close();
      current = undefined;

      const first = new WorkerChild(env);
      await first.waitForLine(/WORKER_READY/);
      await inAgency(
        sql,
        tenant.agencyId,
        `UPDATE jobs_outbox SET run_after = now() WHERE id = ANY($1::uuid[])`,
        [[id, heldInBatch, besideIt]],
      );
      await first.waitForLine(new RegExp(`JOB_STARTED ${id}`));
      await first.waitForLine(new RegExp(`JOB_STARTED ${heldInBatch}`));
      first.process.kill('SIGKILL');
      await first.exited;
      expect(await effectsOf([id, heldInBatch])).toEqual([]); // their transactions died with it

      // The second worker does not hold the jobs: it runs straight through.
      const second = new WorkerChild({ ...env, TEST_NO_HOLD: '1' });
      try {
        await second.waitForLine(new RegExp(`JOB_STARTED ${id}`));
        await allDone([id, heldInBatch, besideIt]);
      } finally {
        await second.stop();
      }
      expect(await effectsOf([id])).toEqual([
        expect.objectContaining({ seq: 30_001, pid: second.pid }),
      ]);
      expect(await effectsOf([heldInBatch])).toEqual([
        expect.objectContaining({ seq: 30_002, pid: second.pid }),
      ]);
      expect(await effectsOf([besideIt])).toEqual([expect.objectContaining({ seq: 30_003 })]);
      const rows = await outbox(`id = ANY($1::uuid[])`, [[id, heldInBatch, besideIt]]);
      expect(rows.map((r) => r.state)).toEqual(['done', 'done', 'done']);
    });

    if (redis) {
      it('loses nothing when Redis is killed and restarted under the relay', async () => {
        const port = await freePort();
        const url = `redis://127.0.0.1:${port}`;
        let server: ChildProcess = await startRedis(port);
        const app = await bootJobsApp({ ...env, REDIS_URL: url });
        try {
          const ids: string[] = [];
          const producing = (async () => {
            for (let batch = 0; batch < 30; batch++) {
              const payloads = Array.from({ length: 100 }, (_, i) => ({
                seq: 40_000 + batch * 100 + i,
              }));
              ids.push(...(await enqueueEffects(app.app, tenant, payloads)));
              await new Promise((resolve) => setTimeout(resolve, 60));
            }
          })();
          await waitFor('some jobs handled before the crash', async () => {
            const [row] = await inAgency(
              sql,
              tenant.agencyId,
              `SELECT count(*)::int AS n FROM job_test_effects WHERE seq >= 40000`,
            );
            return row.n >= 300;
          });
          server.kill('SIGKILL'); // everything Redis held (waiting, active, delayed) is gone
          await new Promise((resolve) => server.once('exit', resolve));
          await new Promise((resolve) => setTimeout(resolve, 700));
          server = await startRedis(port);
          await producing;
          await allDone(ids);

          const [stats] = await inAgency(
            sql,
            tenant.agencyId,
            `SELECT count(*)::int AS effects, count(DISTINCT seq)::int AS seqs FROM job_test_effects WHERE seq >= 40000`,
          );
          expect(stats).toEqual({ effects: 3000, seqs: 3000 });
        } finally {
          await app.close();
          server.kill('SIGKILL');
        }
      });
    } else {
      it('loses nothing when the process stops mid-stream and a new one takes over', async () => {
        const app = await bootJobsApp(env);
        const payloads = Array.from({ length: 3000 }, (_, i) => ({ seq: 40_000 + i }));
        const ids = await enqueueEffects(app.app, tenant, payloads);
        await waitFor('some jobs handled', async () => {
          const [row] = await inAgency(
            sql,
            tenant.agencyId,
            `SELECT count(*)::int AS n FROM job_test_effects WHERE seq >= 40000`,
          );
          return row.n >= 300;
        });
        await app.close(); // hands back claimed-but-unstarted jobs
        const [mid] = await inAgency(
          sql,
          tenant.agencyId,
          `SELECT count(*)::int AS n FROM jobs_outbox WHERE id = ANY($1::uuid[]) AND state = 'done'`,
          [ids],
        );
        expect(mid.n).toBeLessThan(3000);
        const next = await bootJobsApp(env);
        try {
          await allDone(ids);
        } finally {
          await next.close();
        }
        const [stats] = await inAgency(
          sql,
          tenant.agencyId,
          `SELECT count(*)::int AS effects, count(DISTINCT seq)::int AS seqs FROM job_test_effects WHERE seq >= 40000`,
        );
        expect(stats).toEqual({ effects: 3000, seqs: 3000 });
      });
    }
  });
}
