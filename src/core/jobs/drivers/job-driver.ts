import { ClaimedJob } from '../job-executor';

/** A claimed outbox row on its way to a driver. */
export interface RelayedJob extends ClaimedJob {
  /** The row was published before (lease expired, or a retry): the driver may still hold it. */
  republish: boolean;
}

/** Where the relay hands claimed jobs: BullMQ on Redis, or this process. */
export interface JobDriver {
  readonly kind: 'bullmq' | 'in-process';
  /** How many more jobs the driver takes now (the relay claims no more than this). */
  capacity(): number | Promise<number>;
  /** Throws when the jobs could not be handed over; the relay then releases them. */
  publish(jobs: RelayedJob[]): Promise<void>;
  /** Let running jobs finish; hand back what has not started. */
  stop(): Promise<void>;
}
