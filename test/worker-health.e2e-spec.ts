import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase } from './support/database';
import { TsProcess } from './support/ts-process';

/**
 * The worker container's health check (docker/compose.yml): the real worker process writes its
 * heartbeat, and the real CLI judges it: healthy while the worker runs, unhealthy once it is gone.
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
    const worker = new TsProcess('src/worker.ts', {
      DATA_DIR: join(dir, 'data'),
      DATABASE_URL: database.appUrl,
      DATABASE_OWNER_URL: database.ownerUrl, // syncs config/agencies into the fresh database
      MIGRATE_ON_START: 'false',
      REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
      // A prefix of its own: the worker must not take other test files' jobs.
      JOB_QUEUE_PREFIX: `gc-health-${randomBytes(4).toString('hex')}`,
      WORKER_HEALTH_FILE: healthFile,
    });
    try {
      await worker.output(/worker started/); // logged after its first heartbeat
      expect(await check()).toEqual({ code: 0, output: 'worker-health: up: database, redis\n' });
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
