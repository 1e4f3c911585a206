import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AuditLog } from '../core/audit/audit-log';
import { Clock } from '../core/clock/clock';
import { APP_CONFIG } from '../core/config/config.module';
import { AppConfig } from '../core/config/env';
import { RequestContext } from '../core/context/request-context';
import { TenantDb } from '../core/context/tenant-db';
import { isUuid } from '../core/ids';
import {
  CreateWebhookEndpointDto,
  UpdateWebhookEndpointDto,
  WebhookEndpointDto,
  WebhookEndpointWithSecretDto,
} from './dto/webhook-endpoint.dto';
import { WebhookEndpoint } from './entities/webhook-endpoint.entity';
import { isWebhookEventType, WEBHOOK_EVENT_TYPES } from './webhook-event-types';
import { WebhookSecrets } from './webhook-secrets';
import { newSigningSecret } from './webhook-signature';
import { WebhookUrlRules } from './webhook-url-rules';
import {
  WebhookEndpointLimitError,
  WebhookEndpointNotFoundError,
  WebhookEventUnknownError,
} from './webhooks.errors';

/** Bounds the fan-out of one event (and what a stolen admin session could aim at others). */
export const MAX_ENDPOINTS_PER_AGENCY = 20;

/**
 * An agency admin's webhook endpoints: registered with a server-made secret shown once,
 * rotated with a grace period during which both secrets sign, edited, disabled and enabled,
 * deleted (with their delivery log). Every change is audited; the secret never is.
 */
@Injectable()
export class WebhookEndpoints {
  constructor(
    private readonly db: TenantDb,
    private readonly context: RequestContext,
    private readonly rules: WebhookUrlRules,
    private readonly secrets: WebhookSecrets,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async list(): Promise<{ items: WebhookEndpointDto[] }> {
    const rows = await this.db.repo(WebhookEndpoint).find({
      where: { agencyId: this.db.agencyId },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
    return { items: rows.map(endpointView) };
  }

  async get(endpointId: string): Promise<WebhookEndpointDto> {
    return endpointView(await this.find(endpointId));
  }

  async create(input: CreateWebhookEndpointDto): Promise<WebhookEndpointWithSecretDto> {
    const events = checkedEvents(input.events);
    const url = await this.rules.check(input.url);
    const count = await this.db.repo(WebhookEndpoint).countBy({ agencyId: this.db.agencyId });
    if (count >= MAX_ENDPOINTS_PER_AGENCY) {
      throw new WebhookEndpointLimitError(MAX_ENDPOINTS_PER_AGENCY);
    }
    const secret = newSigningSecret();
    const endpoint = this.db.repo(WebhookEndpoint).create({
      agencyId: this.db.agencyId,
      id: randomUUID(),
      url,
      description: input.description?.trim() || null,
      events,
      enabled: true,
      disabledReason: null,
      consecutiveFailures: 0,
      createdBy: this.context.requireUser().userId,
    });
    endpoint.secretSealed = this.secrets.seal(endpoint, secret);
    await this.db.repo(WebhookEndpoint).save(endpoint);
    const saved = await this.find(endpoint.id);
    await this.audit.record({
      action: 'webhook_endpoint.created',
      entityType: 'webhook_endpoint',
      entityId: saved.id,
      after: { url, events, description: saved.description },
    });
    return { ...endpointView(saved), secret };
  }

  async update(endpointId: string, input: UpdateWebhookEndpointDto): Promise<WebhookEndpointDto> {
    const endpoint = await this.find(endpointId, 'edit');
    const before = auditable(endpoint);
    if (input.events !== undefined) endpoint.events = checkedEvents(input.events);
    if (input.url !== undefined) endpoint.url = await this.rules.check(input.url);
    if (input.description !== undefined) endpoint.description = input.description?.trim() || null;
    if (input.enabled === false && endpoint.enabled) {
      endpoint.enabled = false;
      endpoint.disabledReason = 'manual';
    } else if (input.enabled === true && !endpoint.enabled) {
      // A fresh start: the failures that disabled it are history (the delivery log keeps them).
      endpoint.enabled = true;
      endpoint.disabledReason = null;
      endpoint.consecutiveFailures = 0;
      endpoint.failingSince = null;
    }
    await this.db.repo(WebhookEndpoint).save(endpoint);
    const after = auditable(endpoint);
    if (JSON.stringify(before) !== JSON.stringify(after)) {
      await this.audit.record({
        action:
          before.enabled === after.enabled
            ? 'webhook_endpoint.updated'
            : after.enabled
              ? 'webhook_endpoint.enabled'
              : 'webhook_endpoint.disabled',
        entityType: 'webhook_endpoint',
        entityId: endpoint.id,
        before,
        after,
      });
    }
    return endpointView(endpoint);
  }

  /** A new secret (shown once); the previous one keeps signing beside it for the grace period. */
  async rotateSecret(
    endpointId: string,
    previousSecretHours?: number,
  ): Promise<WebhookEndpointWithSecretDto> {
    const endpoint = await this.find(endpointId, 'edit');
    const hours = previousSecretHours ?? this.config.webhooks.secretGraceHours;
    const secret = newSigningSecret();
    endpoint.previousSecretSealed = hours > 0 ? endpoint.secretSealed : null;
    endpoint.previousSecretExpiresAt =
      hours > 0 ? new Date(this.clock.now().getTime() + hours * 3_600_000) : null;
    endpoint.secretSealed = this.secrets.seal(endpoint, secret);
    await this.db.repo(WebhookEndpoint).save(endpoint);
    await this.audit.record({
      action: 'webhook_endpoint.secret_rotated',
      entityType: 'webhook_endpoint',
      entityId: endpoint.id,
      after: { previousSecretExpiresAt: endpoint.previousSecretExpiresAt?.toISOString() ?? null },
    });
    return { ...endpointView(endpoint), secret };
  }

  async remove(endpointId: string): Promise<void> {
    const endpoint = await this.find(endpointId, 'delete');
    await this.db.repo(WebhookEndpoint).delete({ agencyId: endpoint.agencyId, id: endpoint.id });
    await this.audit.record({
      action: 'webhook_endpoint.deleted',
      entityType: 'webhook_endpoint',
      entityId: endpoint.id,
      before: auditable(endpoint),
    });
  }

  /**
   * The endpoint in this agency (another agency's id is simply not found). An edit locks it FOR
   * NO KEY UPDATE: edits take turns, while deliveries in flight (which hold KEY SHARE) go on.
   */
  async find(endpointId: string, lock?: 'edit' | 'delete'): Promise<WebhookEndpoint> {
    const mode = { edit: 'for_no_key_update', delete: 'pessimistic_write' } as const;
    const endpoint = isUuid(endpointId)
      ? await this.db.repo(WebhookEndpoint).findOne({
          where: { agencyId: this.db.agencyId, id: endpointId },
          ...(lock ? { lock: { mode: mode[lock] } } : {}),
        })
      : null;
    if (!endpoint) throw new WebhookEndpointNotFoundError();
    return endpoint;
  }
}

function checkedEvents(events: string[]): string[] {
  const unknown = events.filter((e) => !isWebhookEventType(e));
  if (unknown.length > 0) throw new WebhookEventUnknownError(unknown, WEBHOOK_EVENT_TYPES);
  return [...new Set(events)].sort();
}

function auditable(endpoint: WebhookEndpoint) {
  return {
    url: endpoint.url,
    events: [...endpoint.events],
    description: endpoint.description,
    enabled: endpoint.enabled,
  };
}

export function endpointView(endpoint: WebhookEndpoint): WebhookEndpointDto {
  return {
    id: endpoint.id,
    url: endpoint.url,
    description: endpoint.description,
    events: endpoint.events,
    enabled: endpoint.enabled,
    disabledReason: endpoint.disabledReason,
    consecutiveFailures: endpoint.consecutiveFailures,
    failingSince: endpoint.failingSince?.toISOString() ?? null,
    previousSecretExpiresAt: endpoint.previousSecretExpiresAt?.toISOString() ?? null,
    createdAt: endpoint.createdAt.toISOString(),
    updatedAt: endpoint.updatedAt.toISOString(),
  };
}
