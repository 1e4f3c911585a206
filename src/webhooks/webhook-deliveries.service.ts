import { Injectable } from '@nestjs/common';
import { AuditLog } from '../core/audit/audit-log';
import { TenantDb } from '../core/context/tenant-db';
import { isUuid } from '../core/ids';
import { JobQueue } from '../core/jobs';
import { decodeCursor, pageLimit, TIME_AND_ID, toPage } from '../core/pagination/keyset-cursor';
import {
  WebhookDeliveryDetailDto,
  WebhookDeliveryDto,
  WebhookDeliveryListQuery,
  WebhookDeliveryPageDto,
  WebhookReplayDto,
} from './dto/webhook-endpoint.dto';
import { WebhookDeliveryAttempt } from './entities/webhook-delivery-attempt.entity';
import { WebhookDelivery } from './entities/webhook-delivery.entity';
import { WebhookEndpoints } from './webhook-endpoints.service';
import { WebhookDeliveryNotFoundError, WebhookEndpointDisabledError } from './webhooks.errors';

/** An endpoint's delivery log (newest first, keyset pages) and the replay of one delivery. */
@Injectable()
export class WebhookDeliveries {
  constructor(
    private readonly db: TenantDb,
    private readonly endpoints: WebhookEndpoints,
    private readonly jobs: JobQueue,
    private readonly audit: AuditLog,
  ) {}

  async list(endpointId: string, query: WebhookDeliveryListQuery): Promise<WebhookDeliveryPageDto> {
    const endpoint = await this.endpoints.find(endpointId);
    const limit = pageLimit(query.limit);
    const after = decodeCursor(query.cursor, TIME_AND_ID);
    const qb = this.db
      .repo(WebhookDelivery)
      .createQueryBuilder('d')
      .where('d.agency_id = :agencyId AND d.endpoint_id = :endpointId', {
        agencyId: this.db.agencyId,
        endpointId: endpoint.id,
      })
      .orderBy('d.created_at', 'DESC')
      .addOrderBy('d.id', 'DESC')
      .take(limit + 1);
    if (after) {
      qb.andWhere('(d.created_at, d.id) < (:at::timestamptz, :id::uuid)', {
        at: after[0],
        id: after[1],
      });
    }
    const rows = await qb.getMany();
    return toPage(rows, limit, (d) => [d.createdAt.toISOString(), d.id], deliveryView);
  }

  async get(endpointId: string, deliveryId: string): Promise<WebhookDeliveryDetailDto> {
    const delivery = await this.find(endpointId, deliveryId);
    const attempts = await this.db.repo(WebhookDeliveryAttempt).find({
      where: { agencyId: this.db.agencyId, deliveryId: delivery.id },
      order: { attemptedAt: 'ASC', id: 'ASC' },
    });
    return {
      ...deliveryView(delivery),
      body: delivery.body,
      attemptLog: attempts.map((a) => ({
        attemptedAt: a.attemptedAt.toISOString(),
        trigger: a.trigger,
        statusCode: a.statusCode,
        durationMs: a.durationMs,
        succeeded: a.succeeded,
        error: a.error,
        responseSnippet: a.responseSnippet,
      })),
    };
  }

  /** Sends the delivery again (same body, same webhook-id), once, through the outbox. */
  async replay(endpointId: string, deliveryId: string): Promise<WebhookReplayDto> {
    const endpoint = await this.endpoints.find(endpointId);
    if (!endpoint.enabled) throw new WebhookEndpointDisabledError();
    const delivery = await this.find(endpoint.id, deliveryId);
    await this.jobs.enqueue('webhook.deliver', {
      agencyId: this.db.agencyId,
      deliveryId: delivery.id,
      trigger: 'replay',
      attempt: 0,
    });
    await this.audit.record({
      action: 'webhook_delivery.replayed',
      entityType: 'webhook_delivery',
      entityId: delivery.id,
      after: { endpointId: endpoint.id, eventId: delivery.eventId, eventType: delivery.eventType },
    });
    return { deliveryId: delivery.id, eventId: delivery.eventId };
  }

  private async find(endpointId: string, deliveryId: string): Promise<WebhookDelivery> {
    const endpoint = await this.endpoints.find(endpointId);
    const delivery = isUuid(deliveryId)
      ? await this.db.repo(WebhookDelivery).findOneBy({
          agencyId: this.db.agencyId,
          endpointId: endpoint.id,
          id: deliveryId,
        })
      : null;
    if (!delivery) throw new WebhookDeliveryNotFoundError();
    return delivery;
  }
}

function deliveryView(d: WebhookDelivery): WebhookDeliveryDto {
  return {
    id: d.id,
    eventId: d.eventId,
    eventType: d.eventType,
    state: d.state,
    attempts: d.attempts,
    nextAttemptAt: d.nextAttemptAt?.toISOString() ?? null,
    createdAt: d.createdAt.toISOString(),
    completedAt: d.completedAt?.toISOString() ?? null,
  };
}
