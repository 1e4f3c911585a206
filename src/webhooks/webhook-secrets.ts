import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '../core/config/config.module';
import { AppConfig } from '../core/config/env';
import { FieldCipher } from '../core/crypto/field-cipher';
import { WebhookEndpoint } from './entities/webhook-endpoint.entity';

/**
 * Endpoints' signing secrets at rest: sealed with AES-256-GCM (FieldCipher, as TOTP secrets and
 * bank details are) under WEBHOOK_ENCRYPTION_KEY, bound to the agency and endpoint so a value
 * copied onto another endpoint does not open.
 */
@Injectable()
export class WebhookSecrets {
  private readonly cipher: FieldCipher;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.cipher = new FieldCipher(config.webhooks.encryptionKey);
  }

  seal(endpoint: Pick<WebhookEndpoint, 'agencyId' | 'id'>, secret: string): string {
    return this.cipher.seal(secret, context(endpoint));
  }

  /** The secrets that sign now: the current one, and the previous one during its grace period. */
  signing(endpoint: WebhookEndpoint, now: Date): string[] {
    const secrets = [this.cipher.open(endpoint.secretSealed, context(endpoint))];
    if (
      endpoint.previousSecretSealed &&
      endpoint.previousSecretExpiresAt &&
      endpoint.previousSecretExpiresAt > now
    ) {
      secrets.push(this.cipher.open(endpoint.previousSecretSealed, context(endpoint)));
    }
    return secrets;
  }
}

function context(endpoint: Pick<WebhookEndpoint, 'agencyId' | 'id'>): string {
  return `webhook_endpoint:${endpoint.agencyId}:${endpoint.id}:signing_secret`;
}
