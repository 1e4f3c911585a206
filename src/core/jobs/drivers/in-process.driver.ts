import { Logger } from '@nestjs/common';
import { JobExecutor } from '../job-executor';
import { JobDriver, RelayedJob } from './job-driver';

/**
 * The embedded default (no Redis): runs claimed jobs in this process, `concurrency` at a time,
 * with a small buffer so the relay claims in batches. Retries and dead letters are the
 * executor's, the same as with BullMQ; a crash loses nothing because claimed rows come back when
 * their lease expires.
 */
export class InProcessDriver implements JobDriver {
  readonly kind = 'in-process' as const;
  private readonly logger = new Logger('Jobs');
  private readonly buffer: RelayedJob[] = [];
  private running = 0;
  private stopping = false;
  private idle?: () => void;

  constructor(
    private readonly executor: JobExecutor,
    private readonly concurrency: number,
    /** Called when there is room for more: wakes the relay. */
    private readonly onRoom: () => void,
    /** Hands unstarted jobs back to the outbox at shutdown. */
    private readonly release: (ids: string[]) => Promise<void>,
  ) {}

  capacity(): number {
    if (this.stopping) return 0;
    return Math.max(0, this.concurrency * 2 - this.running - this.buffer.length);
  }

  publish(jobs: RelayedJob[]): Promise<void> {
    this.buffer.push(...jobs);
    this.pump();
    return Promise.resolve();
  }

  private pump(): void {
    while (!this.stopping && this.running < this.concurrency && this.buffer.length > 0) {
      const job = this.buffer.shift()!;
      this.running++;
      void this.executor
        .execute(job)
        .catch((error: unknown) =>
          this.logger.error({ msg: 'job runner failed', jobId: job.id, err: error }),
        )
        .finally(() => {
          this.running--;
          if (this.stopping) {
            if (this.running === 0) this.idle?.();
            return;
          }
          this.pump();
          if (this.buffer.length < this.concurrency) this.onRoom();
        });
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const unstarted = this.buffer.splice(0);
    if (unstarted.length) {
      await this.release(unstarted.map((j) => j.id)).catch((error: unknown) =>
        this.logger.warn({
          msg: 'could not hand back unstarted jobs; their lease will',
          err: error,
        }),
      );
    }
    if (this.running > 0) await new Promise<void>((resolve) => (this.idle = resolve));
  }
}
