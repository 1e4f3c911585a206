import { ConflictError, DomainError, NotFoundError } from '../core/errors/domain-error';

export class WebhookEndpointNotFoundError extends NotFoundError {
  constructor() {
    super('webhook endpoint', 'webhook.endpoint_not_found');
  }
}

export class WebhookDeliveryNotFoundError extends NotFoundError {
  constructor() {
    super('webhook delivery', 'webhook.delivery_not_found');
  }
}

/** The endpoint's URL is refused; `reason` says why (clients branch on the code and reason). */
export class WebhookUrlRefusedError extends DomainError {
  constructor(
    reason: 'invalid' | 'not_https' | 'credentials' | 'private_address' | 'unresolvable',
    detail: string,
  ) {
    super(`webhook.url_${reason}`, 400, `The endpoint URL is refused: ${detail}.`, {
      errors: [{ pointer: '/url', detail }],
    });
  }
}

export class WebhookEventUnknownError extends DomainError {
  constructor(unknown: string[], known: readonly string[]) {
    super('webhook.event_unknown', 400, `Unknown event types: ${unknown.join(', ')}.`, {
      errors: unknown.map((type) => ({ pointer: '/events', detail: `"${type}" is not an event` })),
      known,
    });
  }
}

export class WebhookEndpointDisabledError extends ConflictError {
  constructor() {
    super(
      'webhook.endpoint_disabled',
      'The endpoint is disabled: enable it before replaying a delivery.',
    );
  }
}

export class WebhookEndpointLimitError extends ConflictError {
  constructor(limit: number) {
    super(
      'webhook.endpoint_limit',
      `An agency may register at most ${limit} webhook endpoints: delete one first.`,
      { limit },
    );
  }
}
