import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnModuleInit,
  Optional,
} from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module';
import { AppConfig } from '../config/env';
import { Clock } from '../clock/clock';
import { Tenant } from '../context/request-context';
import { TenantDb, TenantRunner } from '../context/tenant-db';
import { sql } from '../database/sql-statement';
import { usageMonthOf } from './usage-month';

/** What is counted as the work happens, in its own transaction. */
export interface UsageCounts {
  applicationsSubmitted?: number;
  storageBytesAdded?: number;
  emailsSent?: number;
  jobsRun?: number;
}

const ADD_USAGE = sql(
  'core.usage-add',
  `INSERT INTO agency_usage AS u (agency_id, month, shard, api_requests, applications_submitted,
          storage_bytes_added, emails_sent, jobs_run)
   VALUES ($1, $2, pg_backend_pid() % 16, $3, $4, $5, $6, $7)
   ON CONFLICT (agency_id, month, shard) DO UPDATE
      SET api_requests = u.api_requests + EXCLUDED.api_requests,
          applications_submitted = u.applications_submitted + EXCLUDED.applications_submitted,
          storage_bytes_added = u.storage_bytes_added + EXCLUDED.storage_bytes_added,
          emails_sent = u.emails_sent + EXCLUDED.emails_sent,
          jobs_run = u.jobs_run + EXCLUDED.jobs_run,
          updated_at = now()`,
);

const ADD_ACTIVE_USERS = sql(
  'core.usage-active-users',
  `INSERT INTO agency_active_users (agency_id, month, user_id)
   SELECT $1, $2, unnest($3::uuid[]) ON CONFLICT DO NOTHING`,
);

interface RequestTally {
  tenant: Tenant;
  requests: number;
  users: Set<string>;
}

const SYSTEM = { kind: 'system' as const };

/**
 * Counts each agency's usage for the monthly report. Work that has a transaction adds to the
 * agency's row in it (`add`), so the count commits or rolls back with the work, exactly once.
 *
 * API requests are the exception: a row update per request would add a statement to every
 * request and make all of an agency's requests queue on one row lock until they commit. They
 * are tallied in memory (a Map lookup and an increment on the request path) and flushed every
 * USAGE_FLUSH_SECONDS with one upsert per agency; a process that dies loses at most that window
 * of request counts, which a usage report can bear (nothing is billed per request exactly).
 */
@Injectable()
export class UsageMeter implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger('Usage');
  private tallies = new Map<string, RequestTally>();
  private timer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: TenantDb,
    private readonly runner: TenantRunner,
    private readonly clock: Clock,
    @Optional() @Inject(APP_CONFIG) private readonly config?: AppConfig,
  ) {}

  onModuleInit(): void {
    const seconds = this.config?.usage.flushSeconds ?? 10;
    this.timer = setInterval(() => void this.flush(), seconds * 1000).unref();
  }

  /** Before the shutdown hooks close the pool: the last tally still has a database. */
  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  /** An authorized request in the agency (called once per request, after the access decision). */
  countRequest(tenant: Tenant, userId: string | undefined): void {
    let tally = this.tallies.get(tenant.agencyId);
    if (tally === undefined) {
      tally = { tenant, requests: 0, users: new Set() };
      this.tallies.set(tenant.agencyId, tally);
    }
    tally.requests++;
    if (userId !== undefined) tally.users.add(userId);
  }

  /** Adds to the current agency's month, in the current transaction. */
  async add(counts: UsageCounts): Promise<void> {
    await this.db.run(ADD_USAGE, [
      this.db.agencyId,
      usageMonthOf(this.clock.now()),
      0,
      counts.applicationsSubmitted ?? 0,
      counts.storageBytesAdded ?? 0,
      counts.emailsSent ?? 0,
      counts.jobsRun ?? 0,
    ]);
  }

  /** Writes the request tallies (one transaction per agency); tallies that fail are kept. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.writeTallies());
    return this.flushing;
  }

  private async writeTallies(): Promise<void> {
    if (this.tallies.size === 0) return;
    const tallies = [...this.tallies.values()];
    this.tallies = new Map();
    const month = usageMonthOf(this.clock.now());
    for (const tally of tallies) {
      try {
        await this.runner.run(tally.tenant, SYSTEM, async () => {
          await this.db.run(ADD_USAGE, [tally.tenant.agencyId, month, tally.requests, 0, 0, 0, 0]);
          if (tally.users.size > 0)
            await this.db.run(ADD_ACTIVE_USERS, [tally.tenant.agencyId, month, [...tally.users]]);
        });
      } catch (error) {
        // Keep the counts for the next flush (the database may be back by then).
        this.logger.warn({ msg: 'usage flush failed; kept for the next one', err: error });
        this.keep(tally);
      }
    }
  }

  private keep(tally: RequestTally): void {
    const kept = this.tallies.get(tally.tenant.agencyId);
    if (kept === undefined) return void this.tallies.set(tally.tenant.agencyId, tally);
    kept.requests += tally.requests;
    for (const userId of tally.users) kept.users.add(userId);
  }
}
