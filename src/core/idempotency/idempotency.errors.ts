import { DomainError } from '../errors/domain-error';

export class IdempotencyKeyRequiredError extends DomainError {
  constructor() {
    super(
      'idempotency.key_required',
      400,
      'This request changes money or submits a document: send an Idempotency-Key header (1-200 visible characters).',
    );
  }
}

export class IdempotencyKeyReusedError extends DomainError {
  constructor() {
    super(
      'idempotency.key_reused',
      422,
      'This Idempotency-Key was already used for a different request; use a new key.',
    );
  }
}

export class IdempotencyKeyInProgressError extends DomainError {
  constructor() {
    super(
      'idempotency.in_progress',
      409,
      'A request with this Idempotency-Key is still in progress; retry shortly.',
    );
  }
}
