import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { APP_CONFIG } from '../core/config/config.module';
import { AppConfig } from '../core/config/env';
import { TenantDb } from '../core/context/tenant-db';
import { sql } from '../core/database/sql-statement';
import { JobScheduler } from '../core/jobs';

export const PRUNE_WEBHOOK_DELIVERIES_SCHEDULE = 'webhooks.prune-deliveries';
const DAY_MS = 86_400_000;

// Finished only: a delivery still being retried stays, however old its event.
const PRUNE = sql(
  'webhooks.deliveries-prune',
  `DELETE FROM webhook_deliveries
    WHERE agency_id = $1 AND state <> 'pending'
      AND created_at < now() - make_interval(days => $2)`,
);

/** Daily: the delivery log forgets finished deliveries past WEBHOOK_LOG_RETENTION_DAYS. */
@Injectable()
export class WebhookLogRetention implements OnModuleInit {
  constructor(
    private readonly scheduler: JobScheduler,
    private readonly db: TenantDb,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.scheduler.registerSchedule(PRUNE_WEBHOOK_DELIVERIES_SCHEDULE, DAY_MS, (run) =>
      run.forEachAgency(async () => {
        await this.db.run(PRUNE, [this.db.agencyId, this.config.webhooks.logRetentionDays]);
      }),
    );
  }
}
