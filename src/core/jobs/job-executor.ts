import { Inject, Injectable, Logger } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { APP_CONFIG } from '../config/config.module';
import { AppConfig } from '../config/env';
import { Actor, Tenant } from '../context/request-context';
import { TenantRunner } from '../context/tenant-db';
import { backoffMs } from './backoff';
import { JobHandlerRegistry } from './job-registry';
import { JobContext, JobHandler } from './job-types';

/** A job as the relay hands it to a driver (and a BullMQ job carries in its data). */
export interface ClaimedJob {
  id: string;
  agencyId: string;
  agencyCode: string;
  name: string;
  /** The request that enqueued it, so its log lines share one id with that request. */
  requestId?: string | null;
}

/**
 * done: the handler committed. skipped: already done or dead, or another delivery holds it
 * right now. retry: failed, back in the outbox until its backoff passes. dead: out of attempts.
 * lost: even recording the failure failed (database gone); the lease brings the job back.
 */
export type JobOutcome = 'done' | 'skipped' | 'retry' | 'dead' | 'lost';

export interface JobResult {
  outcome: JobOutcome;
  /** The handler's error, when it failed. */
  error?: string;
}

/** Thrown by a handler when retrying cannot help (bad payload): the job dead-letters at once. */
export class PermanentJobError extends Error {
  override name = 'PermanentJobError';
}

const SYSTEM: Actor = { kind: 'system' };
const MAX_ERROR_LENGTH = 2000;

interface LockedRow {
  attempts: number;
  payload: Record<string, unknown>;
}

/**
 * Runs one job the same way for both drivers: in the job's agency (tenant set first), in one
 * transaction that locks the outbox row, runs the handler and marks the row done. A duplicate
 * delivery finds the row locked or done and does nothing, so effects the handler writes in that
 * transaction happen exactly once even though delivery is at-least-once.
 */
@Injectable()
export class JobExecutor {
  private readonly logger = new Logger('Jobs');

  constructor(
    private readonly runner: TenantRunner,
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly registry: JobHandlerRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async execute(job: ClaimedJob): Promise<JobResult> {
    const tenant: Tenant = { agencyId: job.agencyId, agencyCode: job.agencyCode };
    const handler = this.registry.handlerFor(job.name);
    let failure: unknown;
    try {
      const outcome = await this.runner.run(
        tenant,
        SYSTEM,
        () => this.runLocked(job, handler),
        job.requestId ?? job.id,
      );
      return { outcome };
    } catch (error) {
      failure = error;
    }
    const error = describe(failure);
    return { outcome: await this.recordFailure(job, tenant, failure, error), error };
  }

  private async runLocked(
    job: ClaimedJob,
    handler: JobHandler | undefined,
  ): Promise<'done' | 'skipped'> {
    const tx = this.txHost.tx;
    // Lock the row and mark it done in one statement. The mark commits only with the handler's
    // work; if the handler throws, the rollback restores the row. SKIP LOCKED: a concurrent
    // delivery of the same job leaves it to the one holding it.
    // The job's commit is asynchronous (synchronous_commit off, this transaction only): should
    // PostgreSQL itself crash in the next few hundred milliseconds, the handler's work and the
    // done mark are lost together and the job simply runs again, which at-least-once delivery
    // already allows. It saves a WAL flush wait per job.
    // TypeORM answers an UPDATE with [rows, count].
    const [rows]: [LockedRow[], number] = await tx.query(
      `WITH mine AS (
         SELECT id FROM jobs_outbox
          WHERE id = $1 AND state IN ('pending', 'published')
          FOR UPDATE SKIP LOCKED),
       async_commit AS (SELECT set_config('synchronous_commit', 'off', true))
       UPDATE jobs_outbox o
          SET state = 'done', attempts = o.attempts + 1, finished_at = now(), leased_until = NULL,
              last_error = NULL
         FROM mine, async_commit WHERE o.id = mine.id
       RETURNING o.attempts, o.payload`,
      [job.id],
    );
    const row = rows[0];
    // Already done or dead, another delivery holds it, or pruned: nothing to do.
    if (!row) return 'skipped';
    if (!handler) throw new PermanentJobError(`no handler for job "${job.name}"`);
    const context: JobContext = {
      jobId: job.id,
      name: job.name,
      attempt: row.attempts,
      agencyId: job.agencyId,
      agencyCode: job.agencyCode,
      claimEffect: async (key: string) => {
        const inserted: unknown[] = await tx.query(
          `INSERT INTO job_effects (agency_id, effect_key, job_id) VALUES ($1, $2, $3)
           ON CONFLICT DO NOTHING RETURNING 1`,
          [job.agencyId, key, job.id],
        );
        return inserted.length === 1;
      },
    };
    // The payload comes from the row (the source of truth), not from Redis.
    await handler.handle(row.payload as never, context);
    return 'done';
  }

  private async recordFailure(
    job: ClaimedJob,
    tenant: Tenant,
    error: unknown,
    message: string,
  ): Promise<JobOutcome> {
    try {
      return await this.runner.run(tenant, SYSTEM, async () => {
        const tx = this.txHost.tx;
        const rows: Array<{ state: string; attempts: number; max_attempts: number }> =
          await tx.query(
            `SELECT state, attempts, max_attempts FROM jobs_outbox WHERE id = $1 FOR UPDATE`,
            [job.id],
          );
        const row = rows[0];
        if (!row || row.state === 'done' || row.state === 'dead') return 'skipped';
        const attempts = row.attempts + 1;
        if (attempts >= row.max_attempts || error instanceof PermanentJobError) {
          await tx.query(
            `UPDATE jobs_outbox SET state = 'dead', attempts = $2, last_error = $3,
                    finished_at = now(), leased_until = NULL
              WHERE id = $1`,
            [job.id, attempts, message],
          );
          this.logger.error({
            msg: 'job dead-lettered',
            jobId: job.id,
            job: job.name,
            attempts,
            error: message,
          });
          return 'dead';
        }
        const delay = backoffMs(attempts, this.config.jobs.retryBaseMs);
        await tx.query(
          `UPDATE jobs_outbox SET state = 'pending', attempts = $2, last_error = $3,
                  run_after = now() + $4 * interval '1 millisecond', leased_until = NULL
            WHERE id = $1`,
          [job.id, attempts, message, delay],
        );
        this.logger.warn({
          msg: 'job failed; will retry',
          jobId: job.id,
          job: job.name,
          attempts,
          retryInMs: delay,
          error: message,
        });
        return 'retry';
      });
    } catch (recordError) {
      this.logger.error({
        msg: 'job failed and the failure could not be recorded; its lease will bring it back',
        jobId: job.id,
        job: job.name,
        error: message,
        recordError: describe(recordError),
      });
      return 'lost';
    }
  }
}

function describe(error: unknown): string {
  const text =
    error instanceof Error
      ? `${error.name}: ${error.message}${(error as { code?: unknown }).code ? ` (${String((error as { code?: unknown }).code)})` : ''}`
      : String(error);
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH)}…` : text;
}
