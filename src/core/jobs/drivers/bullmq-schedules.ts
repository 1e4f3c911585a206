import { Logger } from '@nestjs/common';
import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { JobScheduler, RegisteredSchedule } from '../job-scheduler';

export const SCHEDULES_QUEUE = 'schedules';

/**
 * With Redis: one BullMQ job scheduler per registered schedule (upserted at start, stale ones
 * removed), run by a worker on the schedules queue. BullMQ produces one job per tick however
 * many workers run.
 */
export class BullMqSchedules {
  private readonly logger = new Logger('JobScheduler');
  private worker?: Worker;

  constructor(
    readonly queue: Queue,
    private readonly scheduler: JobScheduler,
    private readonly schedules: RegisteredSchedule[],
    private readonly consumer: Redis,
    private readonly prefix: string,
  ) {}

  async start(): Promise<void> {
    const names = new Set(this.schedules.map((s) => s.name));
    for (const existing of await this.queue.getJobSchedulers()) {
      if (existing.key && !names.has(existing.key))
        await this.queue.removeJobScheduler(existing.key);
    }
    for (const schedule of this.schedules) {
      await this.queue.upsertJobScheduler(
        schedule.name,
        { every: schedule.everyMs },
        {
          name: schedule.name,
          data: {},
          opts: { removeOnComplete: { count: 100 }, removeOnFail: { count: 500 } },
        },
      );
    }
    if (this.schedules.length === 0) return;
    this.worker = new Worker(
      SCHEDULES_QUEUE,
      // firedAt is the tick's due instant (the scheduler's slot: created at + planned delay),
      // the same for every delivery of one tick; job.timestamp alone is when BullMQ queued it.
      (job) => this.scheduler.fire(job.name, new Date(job.timestamp + (job.opts.delay ?? 0))),
      { connection: this.consumer, prefix: this.prefix, concurrency: 2 },
    );
    this.worker.on('error', (error) =>
      this.logger.warn({ msg: 'schedule worker error', err: error }),
    );
  }

  async stop(): Promise<void> {
    await this.worker?.close();
  }
}
