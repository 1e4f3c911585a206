import { Logger } from '@nestjs/common';
import { Job, Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { JobExecutor } from '../job-executor';
import { JobDriver, RelayedJob } from './job-driver';

export const JOBS_QUEUE = 'jobs';
/** The relay claims at most this many rows per round trip to Redis. */
const PUBLISH_BATCH = 500;
/**
 * Jobs waiting in Redis per worker slot before the relay stops publishing. Rows beyond that stay
 * pending in the outbox (not leased), so a backlog never outlives its lease inside Redis and
 * gets needlessly republished.
 */
const BACKLOG_PER_SLOT = 50;

/** What a BullMQ job carries: where to run it. The payload stays in the outbox row. */
export interface BullJobData {
  agencyId: string;
  agencyCode: string;
  requestId?: string | null;
}

export interface BullMqDriverOptions {
  prefix: string;
  concurrency: number;
  leaseMs: number;
  /** Start workers in this process (the worker process, or `npm start` with WORKER_IN_PROCESS). */
  runWorkers: boolean;
  /** A fail-fast connection for publishing (no offline queue): a Redis outage surfaces at once. */
  producer: Redis;
  /** A connection for the workers' blocking commands (maxRetriesPerRequest: null). */
  consumer: Redis;
}

/**
 * Publishes outbox rows to BullMQ with jobId = outbox id, and (in worker processes) runs them
 * through the executor. BullMQ does no retries of its own: a failed attempt goes back to the
 * outbox with its backoff and is republished when due, so Redis can lose everything and the
 * outbox still knows what is left to do.
 */
export class BullMqDriver implements JobDriver {
  readonly kind = 'bullmq' as const;
  readonly queue: Queue<BullJobData>;
  private worker?: Worker<BullJobData>;
  private readonly logger = new Logger('Jobs');

  constructor(
    private readonly executor: JobExecutor,
    private readonly options: BullMqDriverOptions,
  ) {
    this.queue = new Queue<BullJobData>(JOBS_QUEUE, {
      connection: options.producer,
      prefix: options.prefix,
      defaultJobOptions: {
        attempts: 1,
        removeOnComplete: { age: 3600, count: 1000 },
        removeOnFail: { age: 7 * 24 * 3600, count: 1000 },
      },
    });
    // Connection errors while Redis is away: the relay logs failed publishes, readiness says down.
    this.queue.on('error', () => undefined);
  }

  start(): void {
    if (!this.options.runWorkers) return;
    this.worker = new Worker<BullJobData>(JOBS_QUEUE, (job) => this.process(job), {
      connection: this.options.consumer,
      prefix: this.options.prefix,
      concurrency: this.options.concurrency,
      // A worker that stops renewing its lock (killed, frozen) loses the job after this long.
      lockDuration: this.options.leaseMs,
      stalledInterval: this.options.leaseMs,
      maxStalledCount: 10,
    });
    this.worker.on('error', (error) =>
      this.logger.warn({ msg: 'BullMQ worker error', err: error }),
    );
  }

  private async process(job: Job<BullJobData>): Promise<string> {
    const result = await this.executor.execute({
      id: job.id!,
      name: job.name,
      agencyId: job.data.agencyId,
      agencyCode: job.data.agencyCode,
      requestId: job.data.requestId,
    });
    // Failed attempts show as failed in the dashboard; the outbox owns the retry.
    if (result.outcome === 'retry' || result.outcome === 'dead' || result.outcome === 'lost') {
      throw new Error(`${result.error ?? 'failed'} [outbox: ${result.outcome}]`);
    }
    return result.outcome;
  }

  async capacity(): Promise<number> {
    const waiting = await this.queue.getWaitingCount();
    const room = Math.max(200, this.options.concurrency * BACKLOG_PER_SLOT) - waiting;
    return Math.max(0, Math.min(PUBLISH_BATCH, room));
  }

  async publish(jobs: RelayedJob[]): Promise<void> {
    const toAdd: RelayedJob[] = jobs.filter((j) => !j.republish);
    const again = jobs.filter((j) => j.republish);
    // A republished row may still be in Redis: leave a waiting/active/delayed job alone (the
    // jobId dedupes), replace a finished one (a failed attempt being retried), add a lost one.
    const states = await Promise.all(again.map((j) => this.queue.getJobState(j.id)));
    for (const [i, job] of again.entries()) {
      const state = states[i];
      if (state === 'completed' || state === 'failed') {
        await this.queue.remove(job.id).catch(() => 0);
        toAdd.push(job);
      } else if (state === 'unknown') {
        toAdd.push(job);
      }
    }
    if (toAdd.length === 0) return;
    await this.queue.addBulk(
      toAdd.map((j) => ({
        name: j.name,
        data: { agencyId: j.agencyId, agencyCode: j.agencyCode, requestId: j.requestId ?? null },
        opts: { jobId: j.id },
      })),
    );
  }

  async stop(): Promise<void> {
    // close() waits for active jobs to finish; jobs still waiting stay in Redis (and the outbox).
    await this.worker?.close();
    await this.queue.close();
  }
}
