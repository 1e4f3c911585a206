import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { APP_CONFIG } from '../config/config.module';
import { AppConfig } from '../config/env';
import { ClsService } from 'nestjs-cls';
import { EntityManager } from 'typeorm';
import { Actor, GrantCommonsStore, Tenant } from '../context/request-context';
import { TenantRunner } from '../context/tenant-db';
import { backoffMs } from './backoff';
import { JobHandlerRegistry } from './job-registry';
import { JobContext, jobDefinition } from './job-types';
import { safeErrorMessage } from '../logging/log-redaction';
import { entitySql, sql, sqlRows } from '../database/sql-statement';
import { JobEffect } from './entities/job-effect.entity';
import { OutboxJob } from './entities/outbox-job.entity';
import { AppMetrics } from '../metrics/app-metrics';
import { UsageMeter } from '../usage/usage-meter';

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
/** Most jobs in one shared transaction (bounds how long its row locks are held). */
const MAX_BATCH = 16;

interface WaitingJob {
  job: ClaimedJob;
  resolve: (result: JobResult) => void;
}

// Lock the rows and mark them done in one statement. The mark commits only with the
// handlers' work; if a handler throws, the rollback restores the rows. SKIP LOCKED: a
// concurrent delivery of the same job leaves it to the one holding it.
// The commit is asynchronous (synchronous_commit off, this transaction only): should
// PostgreSQL itself crash in the next few hundred milliseconds, the handlers' work and the
// done marks are lost together and the jobs simply run again, which at-least-once delivery
// already allows. It saves a WAL flush wait per transaction.
const LOCK_AND_MARK_DONE = sql<
  Pick<OutboxJob, 'id' | 'attempts' | 'payload'> & { lagSeconds: number }
>(
  'core.jobs-lock-and-mark-done',
  `WITH mine AS (
     SELECT id FROM jobs_outbox
      WHERE id = ANY($1::uuid[]) AND state IN ('pending', 'published')
      FOR UPDATE SKIP LOCKED),
   async_commit AS (SELECT set_config('synchronous_commit', 'off', true))
   UPDATE jobs_outbox o
      SET state = 'done', attempts = o.attempts + 1, finished_at = now(), leased_until = NULL,
          last_error = NULL
     FROM mine, async_commit WHERE o.id = mine.id
   RETURNING o.id, o.attempts, o.payload,
             EXTRACT(EPOCH FROM clock_timestamp() - o.run_after)::float8 AS "lagSeconds"`,
);

// Sorted keys (by the caller): two jobs claiming overlapping keys lock in one order.
const CLAIM_EFFECTS = sql<{ effectKey: JobEffect['effectKey'] }>(
  'core.job-effects-claim',
  `INSERT INTO job_effects (agency_id, effect_key, job_id)
   SELECT $1, k, $3 FROM unnest($2::text[]) AS k
   ON CONFLICT DO NOTHING RETURNING effect_key AS "effectKey"`,
);

const RELEASE_EFFECTS = sql(
  'core.job-effects-release',
  `DELETE FROM job_effects WHERE agency_id = $1 AND job_id = $2 AND effect_key = ANY($3::text[])`,
);

const LOCK_FOR_FAILURE = entitySql(
  'core.jobs-lock-for-failure',
  OutboxJob,
  'o',
  `SELECT {columns} FROM jobs_outbox o WHERE o.id = $1 FOR UPDATE`,
  { pick: ['state', 'attempts', 'maxAttempts'] },
);

const MARK_DEAD = sql(
  'core.jobs-mark-dead',
  `UPDATE jobs_outbox SET state = 'dead', attempts = $2, last_error = $3,
          finished_at = now(), leased_until = NULL
    WHERE id = $1`,
);

const MARK_RETRY = sql(
  'core.jobs-mark-retry',
  `UPDATE jobs_outbox SET state = 'pending', attempts = $2, last_error = $3,
          run_after = now() + $4 * interval '1 millisecond', leased_until = NULL
    WHERE id = $1`,
);

/**
 * Runs one job the same way for both drivers: in the job's agency (tenant set first), in one
 * transaction that locks the outbox row, runs the handler and marks the row done. A duplicate
 * delivery finds the row locked or done and does nothing, so effects the handler writes in that
 * transaction happen exactly once even though delivery is at-least-once.
 */
@Injectable()
export class JobExecutor {
  private readonly logger = new Logger('Jobs');
  private waiting: WaitingJob[] = [];
  private flushScheduled = false;
  private batchesInFlight = 0;
  private readonly maxBatchesInFlight: number;

  constructor(
    private readonly cls: ClsService<GrantCommonsStore>,
    private readonly runner: TenantRunner,
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly registry: JobHandlerRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Optional() private readonly metrics?: AppMetrics,
    @Optional() private readonly usage?: UsageMeter,
  ) {
    this.maxBatchesInFlight = Math.max(2, Math.ceil(config.jobs.concurrency / 8));
  }

  /**
   * Runs a job; resolves when it has committed or its failure is recorded. Jobs defined with
   * `batchable` wait (at most until a running batch commits) to share a transaction with others
   * of their agency; the rest run alone.
   */
  execute(job: ClaimedJob): Promise<JobResult> {
    const started = performance.now();
    const result = jobDefinition(job.name)?.options.batchable
      ? new Promise<JobResult>((resolve) => {
          this.waiting.push({ job, resolve });
          this.scheduleFlush();
        })
      : this.executeAlone(job);
    return this.metrics ? result.then((r) => this.measured(job, r, started)) : result;
  }

  /** Counts the run by job name, outcome and agency; times it (both drivers come through here). */
  private measured(job: ClaimedJob, result: JobResult, started: number): JobResult {
    const metrics = this.metrics!;
    metrics.jobs.labels(job.name, result.outcome, job.agencyCode).inc();
    if (result.outcome === 'retry' || result.outcome === 'dead' || result.outcome === 'lost') {
      metrics.jobFailures.labels(job.name, job.agencyCode).inc();
    }
    if (result.outcome !== 'skipped') {
      metrics.jobDuration.labels(job.name).observe((performance.now() - started) / 1000);
    }
    return result;
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  /**
   * Group commit: while fewer than maxBatchesInFlight batches run, start one per agency from
   * what is waiting; jobs arriving meanwhile gather into the next batch. Idle, a job starts on
   * the next turn of the event loop; busy, batches grow instead of transactions multiplying.
   */
  private flush(): void {
    while (this.batchesInFlight < this.maxBatchesInFlight && this.waiting.length > 0) {
      const agencyId = this.waiting[0].job.agencyId;
      const batch: WaitingJob[] = [];
      const rest: WaitingJob[] = [];
      for (const entry of this.waiting) {
        if (entry.job.agencyId === agencyId && batch.length < MAX_BATCH) batch.push(entry);
        else rest.push(entry);
      }
      this.waiting = rest;
      this.batchesInFlight++;
      void this.executeBatch(batch.map((e) => e.job))
        .then(
          (results) => batch.forEach((e, i) => e.resolve(results[i])),
          (error: unknown) => {
            const result: JobResult = { outcome: 'lost', error: describe(error) };
            batch.forEach((e) => e.resolve(result));
          },
        )
        .finally(() => {
          this.batchesInFlight--;
          if (this.waiting.length > 0) this.scheduleFlush();
        });
    }
  }

  /**
   * Several jobs of one agency in one transaction. Should any of them fail, nothing commits and
   * each runs again alone, so only the failing one spends an attempt and the others' effects
   * still happen once.
   */
  private async executeBatch(jobs: ClaimedJob[]): Promise<JobResult[]> {
    if (jobs.length === 1) return [await this.executeAlone(jobs[0])];
    const first = jobs[0];
    const tenant: Tenant = { agencyId: first.agencyId, agencyCode: first.agencyCode };
    try {
      const outcomes = await this.runner.run(
        tenant,
        SYSTEM,
        () => this.runLocked(jobs),
        first.requestId ?? first.id,
      );
      return outcomes.map((outcome) => ({ outcome }));
    } catch {
      return Promise.all(jobs.map((job) => this.executeAlone(job)));
    }
  }

  private async executeAlone(job: ClaimedJob): Promise<JobResult> {
    const tenant: Tenant = { agencyId: job.agencyId, agencyCode: job.agencyCode };
    let failure: unknown;
    try {
      const [outcome] = await this.runner.run(
        tenant,
        SYSTEM,
        () => this.runLocked([job]),
        job.requestId ?? job.id,
      );
      return { outcome };
    } catch (error) {
      failure = error;
    }
    const error = describe(failure);
    return { outcome: await this.recordFailure(job, tenant, failure, error), error };
  }

  private async runLocked(jobs: ClaimedJob[]): Promise<Array<'done' | 'skipped'>> {
    const tx = this.txHost.tx;
    const rows = await sqlRows(tx, LOCK_AND_MARK_DONE, [jobs.map((j) => j.id)]);
    const locked = new Map(rows.map((r) => [r.id, r]));
    const outcomes: Array<'done' | 'skipped'> = [];
    for (const job of jobs) {
      const row = locked.get(job.id);
      // Already done or dead, another delivery holds it, pruned, or twice in this batch.
      if (!row) {
        outcomes.push('skipped');
        continue;
      }
      locked.delete(job.id);
      const handler = this.registry.handlerFor(job.name);
      if (!handler) throw new PermanentJobError(`no handler for job "${job.name}"`);
      if (jobs.length > 1) this.cls.set('requestId', job.requestId ?? job.id);
      // The payload comes from the row (the source of truth), not from Redis.
      this.metrics?.jobLag.labels(job.name).observe(Math.max(0, row.lagSeconds));
      await handler.handle(row.payload as never, this.contextFor(job, row.attempts, tx));
      outcomes.push('done');
    }
    // Usage metering: the jobs run commit (or roll back) with the jobs themselves.
    const done = outcomes.filter((o) => o === 'done').length;
    if (done > 0) await this.usage?.add({ jobsRun: done });
    return outcomes;
  }

  private contextFor(job: ClaimedJob, attempt: number, tx: EntityManager): JobContext {
    const claimEffects = async (keys: string[]): Promise<Set<string>> => {
      const rows = await sqlRows(tx, CLAIM_EFFECTS, [job.agencyId, [...keys].sort(), job.id]);
      return new Set(rows.map((r) => r.effectKey));
    };
    return {
      jobId: job.id,
      name: job.name,
      attempt,
      agencyId: job.agencyId,
      agencyCode: job.agencyCode,
      claimEffect: async (key: string) => (await claimEffects([key])).has(key),
      claimEffects,
      releaseEffects: async (keys: string[]) => {
        await sqlRows(tx, RELEASE_EFFECTS, [job.agencyId, job.id, keys]);
      },
    };
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
        const rows = await sqlRows(tx, LOCK_FOR_FAILURE, [job.id]);
        const row = rows[0];
        if (!row || row.state === 'done' || row.state === 'dead') return 'skipped';
        const attempts = row.attempts + 1;
        if (attempts >= row.maxAttempts || error instanceof PermanentJobError) {
          await sqlRows(tx, MARK_DEAD, [job.id, attempts, message]);
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
        await sqlRows(tx, MARK_RETRY, [job.id, attempts, message, delay]);
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

/** For last_error and the log: a database error's message is withheld when it may quote a value. */
function describe(error: unknown): string {
  const text =
    error instanceof Error
      ? `${error.name}: ${safeErrorMessage(error)}${(error as { code?: unknown }).code ? ` (${String((error as { code?: unknown }).code)})` : ''}`
      : String(error);
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH)}…` : text;
}
