import { Injectable, Module, OnModuleInit } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import {
  defineJob,
  HandlesJob,
  JobContext,
  JobHandler,
  JobScheduler,
  PermanentJobError,
} from '../../src/core/jobs';

/** Jobs that exist only in the jobs tests (and their worker child processes). */
export interface TestEffectJob {
  agencyId: string;
  seq: number;
  /** Hold the job this long after writing the effect, before commit (kill-mid-job tests). */
  holdMs?: number;
  /** Fail until this attempt (inclusive), e.g. 2 = fail twice, then succeed. */
  failUntilAttempt?: number;
  /** Fail with a PermanentJobError (dead-letters at once). */
  permanent?: boolean;
}

declare module '../../src/core/jobs/job-types' {
  interface JobPayloads {
    'test.effect': TestEffectJob;
    'test.batch-effect': TestEffectJob;
  }
}

export const TEST_EFFECT_JOB = defineJob('test.effect', { maxAttempts: 3 });
/** The same job, allowed to share a transaction with others (database-only handler). */
export const TEST_BATCH_EFFECT_JOB = defineJob('test.batch-effect', {
  maxAttempts: 3,
  batchable: true,
});
export const TEST_SCHEDULE = 'test.tick';

/** Handler runs per job id in this process (duplicates across deliveries show up here). */
export const runs = new Map<string, number>();

@Injectable()
@HandlesJob('test.effect')
export class TestEffectHandler implements JobHandler<'test.effect'> {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  async handle(payload: TestEffectJob, context: JobContext): Promise<void> {
    runs.set(context.jobId, (runs.get(context.jobId) ?? 0) + 1);
    if (payload.permanent) throw new PermanentJobError('this payload can never work');
    if (payload.failUntilAttempt && context.attempt <= payload.failUntilAttempt) {
      throw new Error(`planned failure on attempt ${context.attempt}`);
    }
    // The effect: a row written in the job's own transaction. job_test_effects has no unique
    // constraint on purpose: a duplicate effect must show up as a second row, not as an error.
    await this.txHost.tx.query(
      `INSERT INTO job_test_effects (agency_id, job_id, seq, attempt, pid) VALUES ($1, $2, $3, $4, $5)`,
      [context.agencyId, context.jobId, payload.seq, context.attempt, process.pid],
    );
    if (payload.holdMs) {
      process.stdout.write(`JOB_STARTED ${context.jobId}\n`);
      if (!process.env.TEST_NO_HOLD)
        await new Promise((resolve) => setTimeout(resolve, payload.holdMs));
    }
  }
}

@Injectable()
class TestSchedule implements OnModuleInit {
  constructor(
    private readonly scheduler: JobScheduler,
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
  ) {}

  onModuleInit(): void {
    const everyMs = Number(process.env.TEST_TICK_MS ?? 0);
    if (!everyMs) return;
    this.scheduler.registerSchedule(TEST_SCHEDULE, everyMs, (ctx) =>
      ctx.forEachAgency(async (tenant) => {
        await this.txHost.tx.query(
          `INSERT INTO job_test_ticks (agency_id, schedule, tick_at, pid) VALUES ($1, $2, $3, $4)`,
          [tenant.agencyId, ctx.name, ctx.firedAt, process.pid],
        );
      }),
    );
  }
}

@Injectable()
@HandlesJob('test.batch-effect')
export class TestBatchEffectHandler implements JobHandler<'test.batch-effect'> {
  constructor(private readonly effect: TestEffectHandler) {}

  handle(payload: TestEffectJob, context: JobContext): Promise<void> {
    return this.effect.handle(payload, context);
  }
}

@Module({ providers: [TestEffectHandler, TestBatchEffectHandler, TestSchedule] })
export class TestJobsModule {}

/** Test-only tables, created by the owner in the test file's own database. */
export const TEST_TABLES_SQL = [
  `CREATE TABLE job_test_effects (
     agency_id uuid NOT NULL REFERENCES agencies(id),
     job_id uuid NOT NULL,
     seq integer NOT NULL,
     attempt integer NOT NULL,
     pid integer NOT NULL,
     created_at timestamptz NOT NULL DEFAULT clock_timestamp())`,
  // tick_at: the tick the run belongs to (ScheduleContext.firedAt); ran_at: when it ran.
  `CREATE TABLE job_test_ticks (
     agency_id uuid NOT NULL REFERENCES agencies(id),
     schedule text NOT NULL,
     tick_at timestamptz NOT NULL,
     pid integer NOT NULL,
     ran_at timestamptz NOT NULL DEFAULT clock_timestamp())`,
  ...['job_test_effects', 'job_test_ticks'].flatMap((t) => [
    `ALTER TABLE ${t} ENABLE ROW LEVEL SECURITY`,
    `ALTER TABLE ${t} FORCE ROW LEVEL SECURITY`,
    `CREATE POLICY ${t}_tenant ON ${t} USING (agency_id = NULLIF(current_setting('app.agency_id', true), '')::uuid)`,
    `GRANT SELECT, INSERT ON ${t} TO gc_app`,
  ]),
];
