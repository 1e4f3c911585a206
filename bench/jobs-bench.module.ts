import { Injectable, Module } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { defineJob, HandlesJob, JobContext, JobHandler } from '../src/core/jobs';

export interface BenchEffectJob {
  agencyId: string;
  seq: number;
}

declare module '../src/core/jobs/job-types' {
  interface JobPayloads {
    'bench.effect': BenchEffectJob;
  }
}

// BENCH_BATCHABLE=false measures the one-transaction-per-job path.
export const BENCH_EFFECT_JOB = defineJob('bench.effect', {
  batchable: process.env.BENCH_BATCHABLE !== 'false',
});

/** The benchmark's job: one row written in the job's transaction (a typical small handler). */
@Injectable()
@HandlesJob('bench.effect')
export class BenchEffectHandler implements JobHandler<'bench.effect'> {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  async handle(payload: BenchEffectJob, context: JobContext): Promise<void> {
    await this.txHost.tx.query(
      `INSERT INTO bench_effects (agency_id, job_id, seq) VALUES ($1, $2, $3)`,
      [context.agencyId, context.jobId, payload.seq],
    );
  }
}

@Module({ providers: [BenchEffectHandler] })
export class JobsBenchModule {}

export const BENCH_TABLE_SQL = [
  `CREATE TABLE IF NOT EXISTS bench_effects (
     agency_id uuid NOT NULL REFERENCES agencies(id),
     job_id uuid NOT NULL,
     seq integer NOT NULL,
     handled_at timestamptz NOT NULL DEFAULT clock_timestamp())`,
  `ALTER TABLE bench_effects ENABLE ROW LEVEL SECURITY`,
  `ALTER TABLE bench_effects FORCE ROW LEVEL SECURITY`,
  `DROP POLICY IF EXISTS bench_effects_tenant ON bench_effects`,
  `CREATE POLICY bench_effects_tenant ON bench_effects
     USING (agency_id = NULLIF(current_setting('app.agency_id', true), '')::uuid)`,
  `GRANT SELECT, INSERT ON bench_effects TO gc_app`,
];
