import { judgeHeartbeat } from '../core/health/heartbeat';

/**
 * `node dist/src/cli/worker-health.js`: the worker container's health check. Exits 0 when the
 * worker's heartbeat (WORKER_HEALTH_FILE) is fresh and all its checks are up, 1 otherwise.
 * Reads that one variable and not the whole configuration: it runs every few seconds.
 */
async function main(): Promise<number> {
  const file = process.env.WORKER_HEALTH_FILE?.trim();
  if (!file) {
    process.stderr.write('worker-health: set WORKER_HEALTH_FILE (the worker writes it)\n');
    return 2;
  }
  const { healthy, reason } = await judgeHeartbeat(file);
  (healthy ? process.stdout : process.stderr).write(`worker-health: ${reason}\n`);
  return healthy ? 0 : 1;
}

void main().then((code) => process.exit(code));
