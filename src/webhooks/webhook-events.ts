import { Injectable } from '@nestjs/common';
import { Clock } from '../core/clock/clock';
import { RequestContext } from '../core/context/request-context';
import { TenantDb } from '../core/context/tenant-db';
import { sql } from '../core/database/sql-statement';
import { JobQueue } from '../core/jobs';
import { WebhookEventData, WebhookEventType } from './webhook-event-types';
import { newEventId } from './webhook-signature';

const SUBSCRIBED = sql<{ id: string }>(
  'webhooks.endpoints-subscribed',
  `SELECT id FROM webhook_endpoints
    WHERE agency_id = $1 AND enabled AND $2 = ANY(events)
    ORDER BY id`,
);

const INSERT_DELIVERIES = sql<{ id: string }>(
  'webhooks.deliveries-insert',
  `INSERT INTO webhook_deliveries (agency_id, endpoint_id, event_id, event_type, body)
   SELECT $1, t.endpoint_id, t.event_id, $2, t.body
     FROM unnest($3::uuid[], $4::text[], $5::text[]) AS t(endpoint_id, event_id, body)
   RETURNING id`,
);

/**
 * Where domain modules say that something happened that an agency's systems may want to hear
 * about. Call it in the business transaction: one delivery row and one outbox job per
 * subscribed endpoint are written in it, so a change that rolls back sends nothing and one that
 * commits is delivered (at least once). An agency without endpoints pays one indexed read.
 */
@Injectable()
export class WebhookEvents {
  constructor(
    private readonly db: TenantDb,
    private readonly context: RequestContext,
    private readonly jobs: JobQueue,
    private readonly clock: Clock,
  ) {}

  async publish<T extends WebhookEventType>(type: T, data: WebhookEventData[T]): Promise<void> {
    await this.publishMany(type, [data]);
  }

  /** Several events of one type (a release of many decisions) as one read and one write. */
  async publishMany<T extends WebhookEventType>(
    type: T,
    events: Array<WebhookEventData[T]>,
  ): Promise<void> {
    if (events.length === 0) return;
    const agencyId = this.db.agencyId;
    const endpoints = await this.db.rows(SUBSCRIBED, [agencyId, type]);
    if (endpoints.length === 0) return;
    const timestamp = this.clock.now().toISOString();
    const rows = { endpointIds: [] as string[], eventIds: [] as string[], bodies: [] as string[] };
    for (const data of events) {
      const eventId = newEventId();
      const body = JSON.stringify({ type, timestamp, data });
      for (const endpoint of endpoints) {
        rows.endpointIds.push(endpoint.id);
        rows.eventIds.push(eventId);
        rows.bodies.push(body);
      }
    }
    const deliveries = await this.db.rows(INSERT_DELIVERIES, [
      agencyId,
      type,
      rows.endpointIds,
      rows.eventIds,
      rows.bodies,
    ]);
    await this.jobs.enqueueMany(
      'webhook.deliver',
      deliveries.map((d) => ({
        agencyId,
        deliveryId: d.id,
        trigger: 'scheduled' as const,
        attempt: 1,
      })),
    );
  }

  /** The agency's code for an event's `data` (from the request or job context). */
  get agencyCode(): string {
    return this.context.requireTenant().agencyCode;
  }
}
