import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { APP_CONFIG } from '../config/config.module';
import { AppConfig } from '../config/env';
import { RequestContext } from '../context/request-context';
import { TenantDb } from '../context/tenant-db';
import { JobAgencyMismatchError, UndefinedJobError } from './jobs.errors';
import { jobDefinition, JobName, JobPayload, TenantJobPayload } from './job-types';
import { sql, sqlRows } from '../database/sql-statement';

/** Outbox rows in the caller's transaction: a job exists if and only if the change commits. */
const ENQUEUE = sql(
  'core.jobs-outbox-insert',
  `INSERT INTO jobs_outbox (id, agency_id, name, payload, max_attempts, run_after, request_id)
   SELECT t.id, $1, $2, t.p, $3, now() + $4 * interval '1 millisecond', $5
     FROM unnest($6::uuid[], $7::jsonb[]) AS t(id, p)`,
);

export interface EnqueueOptions {
  /** Run no earlier than this many milliseconds after commit. */
  delayMs?: number;
}

/**
 * The only way to start background work: an outbox row written in the caller's transaction
 * (the request's, or the job's), so the job exists if and only if that transaction commits.
 * Nothing is sent to Redis here; the relay publishes after commit.
 */
@Injectable()
export class JobQueue {
  constructor(
    private readonly db: TenantDb,
    private readonly context: RequestContext,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Returns the job id (the outbox id, also the BullMQ jobId). */
  async enqueue<N extends JobName>(
    name: N,
    payload: JobPayload<N>,
    options: EnqueueOptions = {},
  ): Promise<string> {
    const [id] = await this.enqueueMany(name, [payload], options);
    return id;
  }

  async enqueueMany<N extends JobName>(
    name: N,
    payloads: Array<JobPayload<N>>,
    options: EnqueueOptions = {},
  ): Promise<string[]> {
    const definition = jobDefinition(name);
    if (!definition) throw new UndefinedJobError(name);
    if (payloads.length === 0) return [];
    const manager = this.db.manager; // throws outside a tenant transaction
    const agencyId = this.db.agencyId;
    for (const payload of payloads) {
      if ((payload as TenantJobPayload).agencyId !== agencyId) throw new JobAgencyMismatchError();
    }
    const ids = payloads.map(() => randomUUID());
    await sqlRows(manager, ENQUEUE, [
      agencyId,
      name,
      definition.options.maxAttempts ?? this.config.jobs.maxAttempts,
      Math.max(0, options.delayMs ?? 0),
      this.context.requestId ?? null,
      ids,
      payloads.map((p) => JSON.stringify(p)),
    ]);
    return ids;
  }
}
