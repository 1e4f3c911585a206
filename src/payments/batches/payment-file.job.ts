import { Injectable } from '@nestjs/common';
import { Clock } from '../../core/clock/clock';
import { AwardNotifications } from '../../awards/award-notifications';
import { AuditLog } from '../../core/audit/audit-log';
import { TenantDb } from '../../core/context/tenant-db';
import { defineJob, HandlesJob, JobContext, JobHandler, PermanentJobError } from '../../core/jobs';
import { fromCents, toCents } from '../../core/money/money';
import { OrganizationDirectory } from '../../organizations/organization-directory';
import { PaymentBatch } from '../entities/payment-batch.entity';
import { PaymentRequest } from '../entities/payment-request.entity';
import { AchFormatError } from '../export/nacha-ach';
import { PaymentExportStrategies } from '../export/payment-export-strategies';
import { PaymentExportBatch } from '../export/payment-export-strategy';
import { Payees } from '../payees/payees.service';
import { PaymentFileVault } from './payment-file-vault';

export interface PaymentFileJob {
  agencyId: string;
  batchId: string;
}

declare module '../../core/jobs/job-types' {
  interface JobPayloads {
    'payment.batch_file': PaymentFileJob;
  }
}

export const PAYMENT_FILE_JOB = defineJob('payment.batch_file', { maxAttempts: 5 });

/**
 * Writes a batch's payment file through the agency's export strategy. Bank details are
 * decrypted only here, in memory, for the file, which is stored sealed (PaymentFileVault). Idempotent: an exported batch is left alone and
 * the storage key is fixed per batch.
 */
@Injectable()
@HandlesJob('payment.batch_file')
export class PaymentFileJobHandler implements JobHandler<'payment.batch_file'> {
  constructor(
    private readonly db: TenantDb,
    private readonly exports: PaymentExportStrategies,
    private readonly payees: Payees,
    private readonly organizations: OrganizationDirectory,
    private readonly vault: PaymentFileVault,
    private readonly audit: AuditLog,
    private readonly notifications: AwardNotifications,
    private readonly clock: Clock,
  ) {}

  async handle(job: PaymentFileJob, context: JobContext): Promise<void> {
    const batch = await this.db.repo(PaymentBatch).findOne({
      where: { agencyId: job.agencyId, id: job.batchId },
      lock: { mode: 'pessimistic_write' },
    });
    if (!batch) throw new PermanentJobError(`no payment batch ${job.batchId}`);
    if (batch.status !== 'exporting') return;
    const requests = await this.db.repo(PaymentRequest).find({
      where: { agencyId: job.agencyId, batchId: batch.id },
      order: { approvedAt: 'ASC', id: 'ASC' },
    });
    // Never pay an account other than the one approved: nothing is written if a payee changed.
    const stale = await this.payees.staleBindings(requests);
    if (stale.length > 0) {
      throw new PermanentJobError(
        `payee changed after approval of ${stale.map((r) => r.reference).join(', ')}; nothing written`,
      );
    }
    const organizationIds = requests.map((r) => r.organizationId);
    const bank = await this.payees.bankDetails(organizationIds);
    const names = await this.organizations.names(organizationIds);
    const exportBatch: PaymentExportBatch = {
      agencyCode: context.agencyCode,
      batchId: batch.id,
      effectiveDate: batch.payBy,
      payments: requests.map((r) => {
        const payee = bank.get(r.organizationId);
        return {
          paymentRequestId: r.id,
          payeeName: payee?.payeeName ?? names.get(r.organizationId) ?? r.organizationId,
          amount: fromCents(toCents(r.amount) - toCents(r.advanceApplied)),
          routingNumber: payee?.routingNumber,
          accountNumber: payee?.accountNumber,
          accountType: payee?.accountType,
        };
      }),
    };
    const strategy = this.exports.forAgency(job.agencyId, batch.format);
    let content: Buffer;
    try {
      content = strategy.render(exportBatch);
    } catch (error) {
      if (error instanceof AchFormatError) throw new PermanentJobError(error.message);
      throw error;
    }
    const name = `${batch.reference}.${strategy.fileExtension}`;
    // Sealed before it reaches storage: the plaintext (with account numbers) never touches disk.
    const stored = await this.vault.store(batch, strategy.fileExtension, content);
    Object.assign(batch, {
      status: 'exported',
      fileName: name,
      mediaType: strategy.mediaType,
      ...stored,
      exportedAt: this.clock.now(),
    });
    await this.db.repo(PaymentBatch).save(batch);
    await this.audit.record({
      action: 'payment_batch.exported',
      entityType: 'payment_batch',
      entityId: batch.id,
      before: { status: 'exporting' },
      after: { status: 'exported', format: batch.format, file: name, sha256: batch.fileSha256 },
    });
    await this.notifications.send(
      'payment.batch_exported',
      {
        batchRef: batch.reference,
        payBy: batch.payBy,
        count: batch.paymentCount,
        total: fromCents(toCents(batch.total)),
      },
      [batch.createdBy],
    );
  }
}
