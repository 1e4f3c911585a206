/**
 * A worker process for the jobs tests: the whole app plus the test jobs, with the relay and
 * workers running (as `npm run start:worker` does). Prints WORKER_READY once started.
 */
import 'reflect-metadata';
import { bootJobsApp } from './jobs-app';

async function main(): Promise<void> {
  const { close } = await bootJobsApp({ ...process.env, WORKER_IN_PROCESS: 'true' });
  process.stdout.write(`WORKER_READY ${process.pid}\n`);
  process.once('SIGTERM', () => {
    void close().then(() => process.exit(0));
  });
}

main().catch((error: unknown) => {
  process.stderr.write(
    `worker child failed: ${error instanceof Error ? error.stack : String(error)}\n`,
  );
  process.exit(1);
});
