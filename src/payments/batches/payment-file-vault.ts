import { Inject, Injectable, Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { APP_CONFIG } from '../../core/config/config.module';
import { AppConfig } from '../../core/config/env';
import { EnvelopeCipher, EnvelopeOpenError } from '../../core/crypto/envelope';
import { ObjectStorage } from '../../core/storage/object-storage';
import { PaymentBatch } from '../entities/payment-batch.entity';
import { PaymentFileUnreadableError } from './payment-file.errors';

/** What the batch records of its stored file: all of the plaintext (what the bank receives). */
export interface StoredPaymentFile {
  storageKey: string;
  fileKeyId: string;
  fileBytes: number;
  fileSha256: string;
}

/**
 * Payment files hold full account numbers, so they are kept only as envelopes
 * (PAYMENT_FILE_ENCRYPTION_KEY, a key of their own: a leaked payee key opens no file, and the
 * reverse). The batch (agency and id) is the associated data: a file copied onto another batch
 * does not open. Opening is for the audited download only.
 */
@Injectable()
export class PaymentFileVault {
  private readonly cipher: EnvelopeCipher;
  private readonly logger = new Logger('PaymentFileVault');

  constructor(
    private readonly storage: ObjectStorage,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.cipher = new EnvelopeCipher(
      config.paymentFileKeys.current,
      config.paymentFileKeys.previous,
    );
  }

  async store(batch: PaymentBatch, extension: string, content: Buffer): Promise<StoredPaymentFile> {
    const sealed = this.cipher.seal(content, contextOf(batch));
    const stored = await this.storage.put(
      `payments/${batch.agencyId}/batches/${batch.id}.${extension}.sealed`,
      Readable.from([sealed]),
    );
    return {
      storageKey: stored.key,
      fileKeyId: this.cipher.keyId,
      fileBytes: content.length,
      fileSha256: createHash('sha256').update(content).digest('hex'),
    };
  }

  /** The plaintext file; throws PaymentFileUnreadableError when the stored bytes do not open. */
  async open(batch: PaymentBatch & { storageKey: string }): Promise<Buffer> {
    const stored = await buffer(await this.storage.open(batch.storageKey));
    try {
      // Files written before encryption at rest have no key id: read as stored (the daily run
      // seals them), still checked against the sha256 recorded when they were written.
      const plaintext =
        batch.fileKeyId === null ? stored : this.cipher.open(stored, contextOf(batch));
      const sha256 = createHash('sha256').update(plaintext).digest('hex');
      if (batch.fileSha256 && sha256 !== batch.fileSha256) throw new EnvelopeOpenError('sha256');
      return plaintext;
    } catch (error) {
      if (!(error instanceof EnvelopeOpenError)) throw error;
      this.logger.error({
        msg: 'payment file failed its integrity check',
        agencyId: batch.agencyId,
        batchId: batch.id,
        reason: error.message,
      });
      throw new PaymentFileUnreadableError();
    }
  }

  async remove(storageKey: string): Promise<void> {
    await this.storage.remove(storageKey);
  }
}

const contextOf = (batch: PaymentBatch) => `payment_batch:${batch.agencyId}:${batch.id}`;
