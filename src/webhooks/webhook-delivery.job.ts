import { Inject, Injectable, Logger } from '@nestjs/common';
import { AuditLog } from '../core/audit/audit-log';
import { Clock } from '../core/clock/clock';
import { APP_CONFIG } from '../core/config/config.module';
import { AppConfig } from '../core/config/env';
import { TenantDb } from '../core/context/tenant-db';
import { sql } from '../core/database/sql-statement';
import { defineJob, HandlesJob, JobContext, JobHandler, JobQueue } from '../core/jobs';
import { AgencyStaffDirectory } from '../identity/memberships/agency-staff-directory';
import { NotificationService } from '../notifications/notification.service';
import { WebhookDeliveryAttempt } from './entities/webhook-delivery-attempt.entity';
import { WebhookDelivery } from './entities/webhook-delivery.entity';
import { WebhookEndpoint } from './entities/webhook-endpoint.entity';
import { retryDelayMs } from './retry-schedule';
import { WebhookSecrets } from './webhook-secrets';
import { AttemptOutcome, WebhookSender } from './webhook-sender';
import { signedHeaders } from './webhook-signature';

/** One attempt of one delivery: the scheduled `attempt`-th, or a replay asked for by an admin. */
export interface WebhookDeliveryJob {
  agencyId: string;
  deliveryId: string;
  trigger: 'scheduled' | 'replay';
  /** Scheduled attempts: 1 for the first; the retry schedule is indexed by it. */
  attempt: number;
}

declare module '../core/jobs/job-types' {
  interface JobPayloads {
    'webhook.deliver': WebhookDeliveryJob;
  }
}

// One attempt per job: the handler records every outcome and schedules the next attempt
// itself, so the outbox's own retries are only for a crash (the database gone mid-attempt).
export const WEBHOOK_DELIVERY_JOB = defineJob('webhook.deliver', { maxAttempts: 3 });

const COUNT_FAILURE = sql<{ consecutiveFailures: number; enabled: boolean }>(
  'webhooks.endpoint-count-failure',
  `UPDATE webhook_endpoints
      SET consecutive_failures = consecutive_failures + 1,
          failing_since = COALESCE(failing_since, $3)
    WHERE agency_id = $1 AND id = $2
   RETURNING consecutive_failures AS "consecutiveFailures", enabled`,
);

const RESET_FAILURES = sql(
  'webhooks.endpoint-reset-failures',
  `UPDATE webhook_endpoints SET consecutive_failures = 0, failing_since = NULL
    WHERE agency_id = $1 AND id = $2 AND consecutive_failures > 0`,
);

const DISABLE_FAILING = sql<{ id: string }>(
  'webhooks.endpoint-disable-failing',
  `UPDATE webhook_endpoints SET enabled = false, disabled_reason = 'failing', updated_at = now()
    WHERE agency_id = $1 AND id = $2 AND enabled
   RETURNING id`,
);

/**
 * Sends one attempt of a delivery and records it, in the job's transaction: the attempt row, the
 * delivery's state, the endpoint's run of failures and, after a failure, the next attempt as an
 * outbox job delayed by the retry schedule. At the deployment's limit of failed
 * attempts in a row the endpoint is disabled and the agency's admins are told (email and in-app,
 * in their language).
 *
 * At-least-once: should the transaction fail after the receiver answered, the attempt is sent
 * again with the same webhook-id, which Standard Webhooks receivers deduplicate on.
 */
@Injectable()
@HandlesJob('webhook.deliver')
export class WebhookDeliveryHandler implements JobHandler<'webhook.deliver'> {
  private readonly logger = new Logger('Webhooks');

  constructor(
    private readonly db: TenantDb,
    private readonly sender: WebhookSender,
    private readonly secrets: WebhookSecrets,
    private readonly jobs: JobQueue,
    private readonly clock: Clock,
    private readonly audit: AuditLog,
    private readonly staff: AgencyStaffDirectory,
    private readonly notifications: NotificationService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async handle(job: WebhookDeliveryJob, context: JobContext): Promise<void> {
    // Lock order: the endpoint (KEY SHARE: other deliveries' failure counts still update it,
    // but an admin's edit or delete waits for this attempt), then the delivery (a replay and a
    // scheduled attempt of one delivery take turns). A delete cascading from the endpoint to
    // its deliveries takes them in the same order, so the two never deadlock.
    const found = await this.db.repo(WebhookDelivery).findOne({
      select: { id: true, endpointId: true },
      where: { agencyId: job.agencyId, id: job.deliveryId },
    });
    if (!found) return; // its endpoint was deleted
    const endpoint = await this.db.repo(WebhookEndpoint).findOne({
      where: { agencyId: job.agencyId, id: found.endpointId },
      lock: { mode: 'for_key_share' },
    });
    const delivery = await this.db.repo(WebhookDelivery).findOne({
      where: { agencyId: job.agencyId, id: job.deliveryId },
      lock: { mode: 'pessimistic_write' },
    });
    if (!endpoint || !delivery) return;
    if (job.trigger === 'scheduled' && delivery.state !== 'pending') return; // replayed meanwhile
    if (!endpoint.enabled) {
      if (job.trigger === 'scheduled') await this.finish(delivery, 'failed');
      return;
    }

    const now = this.clock.now();
    const headers = signedHeaders(
      this.secrets.signing(endpoint, now),
      delivery.eventId,
      now,
      delivery.body,
    );
    const outcome = await this.sender.post(endpoint.url, { ...headers }, delivery.body);
    await this.record(delivery, job, now, outcome);
    delivery.attempts += 1;

    if (outcome.succeeded) {
      await this.db.rows(RESET_FAILURES, [job.agencyId, endpoint.id]);
      await this.finish(delivery, 'delivered');
      return;
    }
    const [counted] = await this.db.rows(COUNT_FAILURE, [job.agencyId, endpoint.id, now]);
    const disabled =
      counted.enabled && counted.consecutiveFailures >= this.config.webhooks.disableAfterFailures;
    if (disabled) await this.disable(endpoint, counted.consecutiveFailures, outcome, context);
    if (job.trigger === 'replay') {
      await this.db.repo(WebhookDelivery).save(delivery);
      return;
    }
    const delay = disabled
      ? undefined
      : retryDelayMs(this.config.webhooks.retryScheduleMs, job.attempt);
    if (delay === undefined) {
      await this.finish(delivery, 'failed');
      return;
    }
    delivery.nextAttemptAt = new Date(now.getTime() + delay);
    await this.db.repo(WebhookDelivery).save(delivery);
    await this.jobs.enqueue(
      'webhook.deliver',
      { ...job, trigger: 'scheduled', attempt: job.attempt + 1 },
      { delayMs: delay },
    );
  }

  private async record(
    delivery: WebhookDelivery,
    job: WebhookDeliveryJob,
    at: Date,
    outcome: AttemptOutcome,
  ): Promise<void> {
    await this.db.repo(WebhookDeliveryAttempt).insert({
      agencyId: delivery.agencyId,
      deliveryId: delivery.id,
      attemptedAt: at,
      trigger: job.trigger,
      statusCode: outcome.statusCode,
      durationMs: outcome.durationMs,
      succeeded: outcome.succeeded,
      error: outcome.error,
      responseSnippet: outcome.responseSnippet,
    });
  }

  private async finish(delivery: WebhookDelivery, state: 'delivered' | 'failed'): Promise<void> {
    delivery.state = state;
    delivery.nextAttemptAt = null;
    delivery.completedAt = this.clock.now();
    await this.db.repo(WebhookDelivery).save(delivery);
  }

  private async disable(
    endpoint: WebhookEndpoint,
    failures: number,
    last: AttemptOutcome,
    context: JobContext,
  ): Promise<void> {
    const [changed] = await this.db.rows(DISABLE_FAILING, [endpoint.agencyId, endpoint.id]);
    if (!changed) return;
    this.logger.warn({
      msg: 'webhook endpoint disabled after repeated failure',
      endpointId: endpoint.id,
      failures,
    });
    await this.audit.record({
      action: 'webhook_endpoint.disabled',
      entityType: 'webhook_endpoint',
      entityId: endpoint.id,
      before: { enabled: true },
      after: {
        enabled: false,
        reason: 'failing',
        consecutiveFailures: failures,
        lastError: last.error,
      },
    });
    const admins = await this.staff.activeWithRole('agency_admin');
    if (admins.length === 0) return;
    await this.notifications.notify({
      agencyId: endpoint.agencyId,
      template: 'webhook.endpoint_disabled',
      data: { url: endpoint.url, failures, lastError: last.error ?? 'unknown' },
      userIds: admins.map((a) => a.userId),
      dedupeKey: `webhook.endpoint_disabled:${endpoint.id}:${context.jobId}`,
    });
  }
}
