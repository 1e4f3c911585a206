import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DEFAULT_PAYMENT_FILE_RETENTION_DAYS } from '../../agencies/agency-config';
import { AgencyDirectory } from '../../agencies/agency-directory';
import { AuditLog } from '../../core/audit/audit-log';
import { Clock } from '../../core/clock/clock';
import { TenantDb } from '../../core/context/tenant-db';
import { JobScheduler } from '../../core/jobs';
import { StoredObjectMissingError } from '../../core/storage/object-storage';
import { PaymentBatch } from '../entities/payment-batch.entity';
import { PaymentFileUnreadableError } from './payment-file.errors';
import { PaymentFileVault } from './payment-file-vault';

export const PURGE_PAYMENT_FILES_SCHEDULE = 'payments.purge-payment-files';
const DAY_MS = 86_400_000;

/**
 * Payment files are needed until the bank's payments are reconciled, and a while after for
 * questions; then they are only a store of account numbers. Daily, per agency: delete the stored
 * file of every batch reconciled more than `finance.paymentFileRetentionDays` ago (by the
 * server's clock) and record when. An unreconciled batch keeps its file, however old.
 */
@Injectable()
export class PaymentFileRetention implements OnModuleInit {
  private readonly logger = new Logger('PaymentFileRetention');

  constructor(
    private readonly scheduler: JobScheduler,
    private readonly db: TenantDb,
    private readonly agencies: AgencyDirectory,
    private readonly clock: Clock,
    private readonly files: PaymentFileVault,
    private readonly audit: AuditLog,
  ) {}

  onModuleInit(): void {
    this.scheduler.registerSchedule(PURGE_PAYMENT_FILES_SCHEDULE, DAY_MS, (run) =>
      run.forEachAgency(async () => {
        await this.sealLegacyFiles();
        await this.purgeDue();
      }),
    );
  }

  /**
   * Files written before encryption at rest (no key id) are sealed in place of the plaintext,
   * so an existing deployment keeps no account number in clear after the first daily run.
   */
  async sealLegacyFiles(): Promise<string[]> {
    const legacy: PaymentBatch[] = await this.db
      .repo(PaymentBatch)
      .createQueryBuilder('b')
      .where('b.agency_id = :agencyId', { agencyId: this.db.agencyId })
      .andWhere('b.storage_key IS NOT NULL AND b.file_key_id IS NULL AND b.file_purged_at IS NULL')
      .orderBy('b.id')
      .setLock('pessimistic_write')
      .setOnLocked('skip_locked')
      .getMany();
    const sealed: string[] = [];
    for (const batch of legacy) {
      const oldKey = batch.storageKey!;
      let content: Buffer;
      try {
        content = await this.files.open({ ...batch, storageKey: oldKey });
      } catch (error) {
        // Missing or not the file recorded: left as it is for a person to look at.
        if (!(
          error instanceof StoredObjectMissingError || error instanceof PaymentFileUnreadableError
        ))
          throw error;
        this.logger.warn({ msg: 'legacy payment file not sealed', batchId: batch.id, err: error });
        continue;
      }
      const extension = oldKey.slice(oldKey.lastIndexOf('.') + 1);
      Object.assign(batch, await this.files.store(batch, extension, content));
      await this.db.repo(PaymentBatch).save(batch);
      await this.audit.record({
        action: 'payment_batch.file_sealed',
        entityType: 'payment_batch',
        entityId: batch.id,
        after: { keyId: batch.fileKeyId, sha256: batch.fileSha256 },
      });
      // Last, so only the commit itself can fail after the plaintext is gone.
      if (oldKey !== batch.storageKey) await this.files.remove(oldKey);
      sealed.push(batch.id);
    }
    return sealed;
  }

  /** In the current agency's transaction. Returns the ids of the batches purged. */
  async purgeDue(): Promise<string[]> {
    const days =
      this.agencies.configOf(this.db.agencyId).finance.paymentFileRetentionDays ??
      DEFAULT_PAYMENT_FILE_RETENTION_DAYS;
    const now = this.clock.now();
    const due: PaymentBatch[] = await this.db
      .repo(PaymentBatch)
      .createQueryBuilder('b')
      .where('b.agency_id = :agencyId', { agencyId: this.db.agencyId })
      .andWhere(`b.status = 'reconciled' AND b.reconciled_at IS NOT NULL`)
      .andWhere('b.storage_key IS NOT NULL AND b.file_purged_at IS NULL')
      .andWhere('b.reconciled_at <= :cutoff', { cutoff: new Date(now.getTime() - days * DAY_MS) })
      .orderBy('b.id')
      .setLock('pessimistic_write')
      .setOnLocked('skip_locked')
      .getMany();
    for (const batch of due) {
      // Removing is idempotent: if this transaction rolls back, the next run removes (nothing)
      // again and records the purge.
      await this.files.remove(batch.storageKey!);
      batch.filePurgedAt = now;
      await this.db.repo(PaymentBatch).save(batch);
      await this.audit.record({
        action: 'payment_batch.file_purged',
        entityType: 'payment_batch',
        entityId: batch.id,
        before: { file: batch.fileName, reconciledAt: batch.reconciledAt?.toISOString() },
        after: { purgedAt: now.toISOString(), retentionDays: days },
      });
    }
    return due.map((b) => b.id);
  }
}
