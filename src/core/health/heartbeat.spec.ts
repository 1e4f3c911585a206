import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HEARTBEAT_STALE_MS, judgeHeartbeat, removeHeartbeat, writeHeartbeat } from './heartbeat';

describe('worker heartbeat', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'gc-heartbeat-')), 'worker-health.json');
  const at = new Date('2026-12-05T10:00:00Z');

  it('is healthy while fresh with every check up, and says why not otherwise', async () => {
    expect(await judgeHeartbeat(file, at.getTime())).toMatchObject({
      healthy: false,
      reason: expect.stringMatching(/^no heartbeat/),
    });

    await writeHeartbeat(file, { database: 'up', redis: 'up' }, at);
    expect(await judgeHeartbeat(file, at.getTime() + 5_000)).toEqual({
      healthy: true,
      reason: 'up: database, redis',
    });
    expect(await judgeHeartbeat(file, at.getTime() + HEARTBEAT_STALE_MS + 1)).toEqual({
      healthy: false,
      reason: `last heartbeat ${Math.round((HEARTBEAT_STALE_MS + 1) / 1000)} s ago`,
    });

    await writeHeartbeat(file, { database: 'up', redis: 'down' }, at);
    expect(await judgeHeartbeat(file, at.getTime())).toEqual({
      healthy: false,
      reason: 'down: redis',
    });

    await removeHeartbeat(file);
    expect((await judgeHeartbeat(file, at.getTime())).healthy).toBe(false);
  });
});
