import { once } from 'node:events';
import { createServer } from 'node:net';

/**
 * How long a wait may see nothing happen before it calls it a hang. Generous on purpose: a test
 * waits for an event (a row, a line, a message), and on a busy machine an event comes late, not
 * never. How fast things happen is measured by the benchmarks, never asserted here.
 */
export const PATIENCE_MS = 5 * 60_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls `probe` until it returns a value (not undefined/false). Fails only after `patienceMs`
 * without it: a safety net against a hang, not a deadline the test is meant to meet.
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  patienceMs = PATIENCE_MS,
  intervalMs = 100,
): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() - started > patienceMs) {
      throw new Error(`nothing came after ${patienceMs} ms waiting for ${what}`);
    }
    await sleep(intervalMs);
  }
}

/**
 * Waits until `count()` reaches `target`, however long the whole takes: it fails only when the
 * count stops moving for `stallMs` (a hang: a lost job, a dead worker), never because the
 * machine is slow. Returns the last count.
 */
export async function waitForCount(
  what: string,
  count: () => Promise<number>,
  target: number,
  stallMs = PATIENCE_MS,
  intervalMs = 200,
): Promise<number> {
  let last = -1;
  let movedAt = Date.now();
  for (;;) {
    const now = await count();
    if (now >= target) return now;
    if (now !== last) {
      last = now;
      movedAt = Date.now();
    } else if (Date.now() - movedAt > stallMs) {
      throw new Error(`${what}: stuck at ${now} of ${target} for ${stallMs} ms`);
    }
    await sleep(intervalMs);
  }
}

/** A TCP port free on loopback right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  server.close();
  await once(server, 'close');
  return port;
}
