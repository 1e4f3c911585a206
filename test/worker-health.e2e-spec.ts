import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitFor } from './jobs/waiting';
import { createTestDatabase } from './support/database';
import { TsProcess } from './support/ts-process';

const METRICS_TOKEN = 'worker-metrics-token-0123456789';

/**
 * The worker container's health check (docker/compose.yml): the real worker process writes its
 * heartbeat, and the real CLI judges it: healthy while the worker runs, unhealthy once it is gone.
 * The same worker serves its metrics on METRICS_PORT (it has no other HTTP server), to the token.
 */
describe('worker health check', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gc-worker-health-'));
  const healthFile = join(dir, 'worker-health.json');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const check = async () => {
    const cli = new TsProcess('src/cli/worker-health.ts', { WORKER_HEALTH_FILE: healthFile });
    return { code: await cli.exited, output: cli.stdout + cli.stderr };
  };

  it('passes while the worker runs with its database and Redis, and fails once it stopped', async () => {
    const database = await createTestDatabase();
    const metricsPort = await freePort();
    const worker = new TsProcess('src/worker.ts', {
      DATA_DIR: join(dir, 'data'),
      DATABASE_URL: database.appUrl,
      DATABASE_OWNER_URL: database.ownerUrl, // syncs config/agencies into the fresh database
      MIGRATE_ON_START: 'false',
      REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
      // A prefix of its own: the worker must not take other test files' jobs.
      JOB_QUEUE_PREFIX: `gc-health-${randomBytes(4).toString('hex')}`,
      WORKER_HEALTH_FILE: healthFile,
      METRICS_PORT: String(metricsPort),
      METRICS_TOKEN,
    });
    try {
      await worker.output(/worker started/); // logged after its first heartbeat
      expect(await check()).toEqual({ code: 0, output: 'worker-health: up: database, redis\n' });

      // Its metrics: refused without the token (or with another), served with it.
      const metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
      expect((await fetch(metricsUrl)).status).toBe(401);
      const wrong = await fetch(metricsUrl, { headers: { authorization: 'Bearer not-the-token' } });
      expect(wrong.status).toBe(401);
      expect((await fetch(`http://127.0.0.1:${metricsPort}/other`)).status).toBe(404);
      // Schedules tick at start (BullMQ runs an `every` scheduler at once): each agency's run
      // of the window-closing schedule shows, with the process's own gauges.
      const text = await waitFor('a schedule run in the metrics', async () => {
        const res = await fetch(metricsUrl, {
          headers: { authorization: `Bearer ${METRICS_TOKEN}` },
        });
        expect(res.status).toBe(200);
        const body = await res.text();
        return /gc_schedule_runs_total\{schedule="programs.close-windows",outcome="done",agency="ks-ksde"\} [1-9]/.test(
          body,
        )
          ? body
          : undefined;
      });
      expect(text).toMatch(
        /gc_schedule_runs_total\{schedule="programs.close-windows",outcome="done",agency="mo-dese"\} [1-9]/,
      );
      expect(text).toMatch(/^gc_outbox_jobs\{state="pending"\} 0$/m);
      expect(text).toMatch(/^gc_process_cpu_seconds_total /m);
    } finally {
      expect(await worker.stop()).toBe(0);
    }
    expect(await check()).toEqual({
      code: 1,
      output: expect.stringMatching(/^worker-health: no heartbeat/),
    });
    expect(await new TsProcess('src/cli/worker-health.ts', { WORKER_HEALTH_FILE: '' }).exited).toBe(
      2,
    );
    await database.drop();
  });
});
