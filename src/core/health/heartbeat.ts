import { readFile, rename, rm, writeFile } from 'node:fs/promises';

/**
 * The worker's health, seen from outside its process. The worker has no HTTP server, so it
 * writes its own readiness checks (database, Redis, storage) to a small file every few seconds;
 * `node dist/src/cli/worker-health.js` (a container health check) judges that file. A worker
 * that hangs stops writing, and one whose connections fail writes "down": both read unhealthy.
 */
export const HEARTBEAT_EVERY_MS = 10_000;
/** Three beats missed. */
export const HEARTBEAT_STALE_MS = 3 * HEARTBEAT_EVERY_MS;

interface Heartbeat {
  at: string;
  checks: Record<string, 'up' | 'down'>;
}

export async function writeHeartbeat(
  file: string,
  checks: Heartbeat['checks'],
  now = new Date(),
): Promise<void> {
  const partial = `${file}.${process.pid}.tmp`;
  await writeFile(partial, JSON.stringify({ at: now.toISOString(), checks } satisfies Heartbeat));
  await rename(partial, file); // a reader never sees half a file
}

export async function removeHeartbeat(file: string): Promise<void> {
  await rm(file, { force: true });
}

/** Healthy when the last beat is fresh and every check in it was up; else why not. */
export async function judgeHeartbeat(
  file: string,
  now = Date.now(),
): Promise<{ healthy: boolean; reason: string }> {
  let beat: Heartbeat;
  try {
    beat = JSON.parse(await readFile(file, 'utf8')) as Heartbeat;
  } catch {
    return { healthy: false, reason: `no heartbeat at ${file} (worker not started yet, or gone)` };
  }
  const ageMs = now - Date.parse(beat.at);
  if (!(ageMs <= HEARTBEAT_STALE_MS)) {
    return { healthy: false, reason: `last heartbeat ${Math.round(ageMs / 1000)} s ago` };
  }
  const down = Object.entries(beat.checks)
    .filter(([, state]) => state !== 'up')
    .map(([name]) => name);
  if (down.length > 0) return { healthy: false, reason: `down: ${down.join(', ')}` };
  return { healthy: true, reason: `up: ${Object.keys(beat.checks).sort().join(', ')}` };
}
