import { ArtefactNotReadyError, DomainError } from '../../core/errors/domain-error';

/** The batch's file job has not written the file yet. */
export class PaymentFileNotReadyError extends ArtefactNotReadyError {
  constructor() {
    super(
      'payment_batch.file_not_ready',
      'The payment file is still being written; retry shortly.',
    );
  }
}

/** The stored file was deleted after reconciliation plus the agency's retention days. */
export class PaymentFilePurgedError extends DomainError {
  constructor(purgedAt: Date) {
    super(
      'payment_batch.file_purged',
      410,
      'The payment file was deleted after its retention period; the batch record remains.',
      { purgedAt: purgedAt.toISOString() },
    );
  }
}

/**
 * The stored file does not decrypt (changed on disk, wrong key, copied from another batch). Fails
 * closed: no byte of it is served. A server-side integrity failure, hence 500 with its own code.
 */
export class PaymentFileUnreadableError extends DomainError {
  constructor() {
    super(
      'payment_batch.file_unreadable',
      500,
      'The stored payment file failed its integrity check and was not served.',
    );
  }
}
