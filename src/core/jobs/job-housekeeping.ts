import { Injectable, OnModuleInit } from '@nestjs/common';
import { TenantDb } from '../context/tenant-db';
import { JobScheduler } from './job-scheduler';
import { sql } from '../database/sql-statement';

const PRUNE_EFFECTS = sql(
  'core.job-effects-prune',
  `DELETE FROM job_effects
    WHERE agency_id = $1 AND created_at < now() - make_interval(days => $2)`,
);

export const PRUNE_JOB_EFFECTS_SCHEDULE = 'jobs.prune-effects';
const DAY_MS = 86_400_000;

/**
 * How long a processed-effect key is kept. Longer than the outbox keeps done jobs (7 days), since
 * a key named by a dedupe key (not a job id) guards against a *new* job asking for the same
 * effect: deadline reminders re-request theirs every hour until the next threshold, which an
 * agency may set up to 365 days before closing. Past that, nobody asks again.
 */
export const JOB_EFFECT_RETENTION_DAYS = 400;

/** Daily: forget processed-effect keys past their retention, agency by agency (RLS). */
@Injectable()
export class JobHousekeeping implements OnModuleInit {
  constructor(
    private readonly scheduler: JobScheduler,
    private readonly db: TenantDb,
  ) {}

  onModuleInit(): void {
    this.scheduler.registerSchedule(PRUNE_JOB_EFFECTS_SCHEDULE, DAY_MS, (run) =>
      run.forEachAgency(async () => {
        await this.pruneEffects();
      }),
    );
  }

  /** In the current agency's transaction. Returns how many keys went. */
  async pruneEffects(): Promise<number> {
    return (await this.db.run(PRUNE_EFFECTS, [this.db.agencyId, JOB_EFFECT_RETENTION_DAYS])).count;
  }
}
