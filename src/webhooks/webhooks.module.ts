import { Global, Module } from '@nestjs/common';
import { ClockModule } from '../core/clock/clock.module';
import { IdentityModule } from '../identity/identity.module';
import { WebhookDeliveries } from './webhook-deliveries.service';
import { WebhookDeliveryHandler } from './webhook-delivery.job';
import { WebhookEndpoints } from './webhook-endpoints.service';
import { WebhookEndpointsController } from './webhook-endpoints.controller';
import { WebhookEvents } from './webhook-events';
import { WebhookLogRetention } from './webhook-log-retention';
import { WebhookResolver } from './webhook-resolver';
import { WebhookSecrets } from './webhook-secrets';
import { WebhookSender } from './webhook-sender';
import { WebhookUrlRules } from './webhook-url-rules';

/**
 * Signed webhooks to agencies' own systems (Standard Webhooks). Global like notifications: any
 * capability announces its events through WebhookEvents, in its own transaction; the rest
 * (endpoints, delivery log, the delivery job) is this module's.
 */
@Global()
@Module({
  imports: [ClockModule, IdentityModule],
  controllers: [WebhookEndpointsController],
  providers: [
    WebhookEvents,
    WebhookLogRetention,
    WebhookEndpoints,
    WebhookDeliveries,
    WebhookDeliveryHandler,
    WebhookResolver,
    WebhookSecrets,
    WebhookSender,
    WebhookUrlRules,
  ],
  exports: [WebhookEvents],
})
export class WebhooksModule {}
