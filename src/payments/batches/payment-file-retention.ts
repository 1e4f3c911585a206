import { Injectable, OnModuleInit } from '@nestjs/common';
import { DEFAULT_PAYMENT_FILE_RETENTION_DAYS } from '../../agencies/agency-config';
import { AgencyDirectory } from '../../agencies/agency-directory';
import { AuditLog } from '../../core/audit/audit-log';
import { Clock } from '../../core/clock/clock';
import { TenantDb } from '../../core/context/tenant-db';
import { JobScheduler } from '../../core/jobs';
import { PaymentBatch } from '../entities/payment-batch.entity';
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
        await this.purgeDue();
      }),
    );
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
