import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AgencyDirectory } from '../../agencies/agency-directory';
import { isUniqueViolation } from '../../core/database/unique-violation';
import { AuditLog } from '../../core/audit/audit-log';
import { RequestContext } from '../../core/context/request-context';
import { TenantDb } from '../../core/context/tenant-db';
import { JobQueue } from '../../core/jobs';
import { fromCents, normalizeAmount, toCents } from '../../core/money/money';
import { AgencyCalendar } from '../agency-calendar';
import { PaymentBatch } from '../entities/payment-batch.entity';
import { PaymentRequest } from '../entities/payment-request.entity';
import { Payees } from '../payees/payees.service';
import {
  PayeeMissingError,
  PaymentBatchConflictError,
  PaymentBatchNotFoundError,
} from '../payments.errors';
import { lastClosedWindow } from './payment-batch-window';
import {
  PaymentFileNotReadyError,
  PaymentFilePurgedError,
  PaymentFileUnreadableError,
} from './payment-file.errors';
import { PaymentFileVault } from './payment-file-vault';
import { isUuid } from '../../core/ids';
import { sql } from '../../core/database/sql-statement';
import { WebhookEvents } from '../../webhooks/webhook-events';

const MARK_BATCHED = sql(
  'payments.requests-mark-batched',
  `UPDATE payment_requests SET status = 'batched', batch_id = $2
    WHERE agency_id = $1 AND id = ANY($3::uuid[])`,
);

export const batchView = (b: PaymentBatch, requests?: PaymentRequest[]) => ({
  id: b.id,
  reference: b.reference,
  status: b.status,
  window: { start: b.windowStart, end: b.windowEnd },
  payBy: b.payBy,
  format: b.format,
  total: fromCents(toCents(b.total)),
  paymentCount: b.paymentCount,
  file: b.storageKey
    ? {
        name: b.fileName,
        mediaType: b.mediaType,
        bytes: b.fileBytes,
        sha256: b.fileSha256,
        purgedAt: b.filePurgedAt?.toISOString() ?? null,
      }
    : null,
  createdBy: b.createdBy,
  createdAt: b.createdAt.toISOString(),
  exportedAt: b.exportedAt?.toISOString() ?? null,
  reconciledAt: b.reconciledAt?.toISOString() ?? null,
  payments: requests?.map((r) => ({
    id: r.id,
    reference: r.reference,
    awardId: r.awardId,
    organizationId: r.organizationId,
    type: r.type,
    // The names the payment request itself uses: `amount` approved, `cashAmount` paid by the
    // bank (the batch's `total` adds these up).
    amount: normalizeAmount(r.amount),
    cashAmount: fromCents(toCents(r.amount) - toCents(r.advanceApplied)),
    status: r.status,
    paidOn: r.paidOn,
  })),
});

/**
 * Payment batches on the agency's cut-off schedule: a batch gathers every approved, unbatched
 * request approved by the cut-off of the last closed window (the agency's local date), is paid
 * by that window's pay-by date, and gets its payment file from a job.
 */
@Injectable()
export class PaymentBatches {
  constructor(
    private readonly db: TenantDb,
    private readonly context: RequestContext,
    private readonly agencies: AgencyDirectory,
    private readonly calendar: AgencyCalendar,
    private readonly payees: Payees,
    private readonly files: PaymentFileVault,
    private readonly jobs: JobQueue,
    private readonly audit: AuditLog,
    private readonly webhooks: WebhookEvents,
  ) {}

  async create() {
    const finance = this.agencies.configOf(this.db.agencyId).finance;
    const window = lastClosedWindow(this.calendar.today(), finance.paymentCutoff);
    const existing = await this.db.repo(PaymentBatch).findOne({
      where: { agencyId: this.db.agencyId, windowStart: window.windowStart },
    });
    if (existing) {
      throw new PaymentBatchConflictError(
        'payment_batch.window_already_batched',
        `The window ${window.windowStart} to ${window.windowEnd} already has batch ${existing.reference}.`,
        { batchId: existing.id, window },
      );
    }
    const requests: PaymentRequest[] = await this.db
      .repo(PaymentRequest)
      .createQueryBuilder('r')
      .where('r.agency_id = :agencyId AND r.status = :status AND r.batch_id IS NULL', {
        agencyId: this.db.agencyId,
        status: 'approved',
      })
      .andWhere('(r.approved_at AT TIME ZONE :tz)::date <= :cutoff::date', {
        tz: this.calendar.timeZone(),
        cutoff: window.windowEnd,
      })
      .orderBy('r.approved_at', 'ASC')
      .addOrderBy('r.id', 'ASC')
      .setLock('pessimistic_write')
      .getMany();
    if (requests.length === 0) {
      throw new PaymentBatchConflictError(
        'payment_batch.nothing_to_pay',
        `No approved requests are waiting for the window ${window.windowStart} to ${window.windowEnd}.`,
        { window },
      );
    }
    if (finance.paymentExportFormat === 'nacha-ach') {
      const missing = await this.payees.organizationsWithout(requests.map((r) => r.organizationId));
      if (missing.length > 0) throw new PayeeMissingError(missing);
    }
    // Each request pays the payee its approvals are bound to; its changer and activator may not batch.
    await this.payees.checkBatch(requests, this.context.requireUser().userId);
    const total = requests.reduce((s, r) => s + toCents(r.amount) - toCents(r.advanceApplied), 0n);
    const repo = this.db.repo(PaymentBatch);
    const batch = repo.create({
      agencyId: this.db.agencyId,
      id: randomUUID(),
      reference: `PB-${window.windowEnd}`,
      status: 'exporting',
      windowStart: window.windowStart,
      windowEnd: window.windowEnd,
      payBy: window.payBy,
      format: finance.paymentExportFormat,
      total: fromCents(total),
      paymentCount: requests.length,
      createdBy: this.context.requireUser().userId,
    });
    try {
      await repo.save(batch);
    } catch (error) {
      if (isUniqueViolation(error, 'UQ_payment_batches_window')) {
        throw new PaymentBatchConflictError(
          'payment_batch.window_already_batched',
          `The window ${window.windowStart} to ${window.windowEnd} was just batched by someone else.`,
          { window },
        );
      }
      throw error;
    }
    await this.db.rows(MARK_BATCHED, [this.db.agencyId, batch.id, requests.map((r) => r.id)]);
    requests.forEach((r) => Object.assign(r, { status: 'batched', batchId: batch.id }));
    await this.jobs.enqueue('payment.batch_file', {
      agencyId: this.db.agencyId,
      batchId: batch.id,
    });
    await this.audit.record({
      action: 'payment_batch.created',
      entityType: 'payment_batch',
      entityId: batch.id,
      after: { ...batchView(batch), payments: requests.map((r) => r.id) },
    });
    await this.webhooks.publish('payment_batch.created', {
      agencyCode: this.webhooks.agencyCode,
      paymentBatchId: batch.id,
      reference: batch.reference,
      windowStart: batch.windowStart,
      windowEnd: batch.windowEnd,
      payBy: batch.payBy,
      total: batch.total,
      paymentCount: batch.paymentCount,
      paymentRequestIds: requests.map((r) => r.id),
    });
    return batchView(batch, requests);
  }

  async find(batchId: string, lock = false): Promise<PaymentBatch> {
    const batch = isUuid(batchId)
      ? await this.db.repo(PaymentBatch).findOne({
          where: { agencyId: this.db.agencyId, id: batchId },
          ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
        })
      : null;
    if (!batch) throw new PaymentBatchNotFoundError();
    return batch;
  }

  async requests(batchId: string): Promise<PaymentRequest[]> {
    return this.db.repo(PaymentRequest).find({
      where: { agencyId: this.db.agencyId, batchId },
      order: { approvedAt: 'ASC', id: 'ASC' },
    });
  }

  async get(batchId: string) {
    const batch = await this.find(batchId);
    return batchView(batch, await this.requests(batch.id));
  }

  async list() {
    const rows = await this.db.repo(PaymentBatch).find({
      where: { agencyId: this.db.agencyId },
      order: { windowStart: 'DESC' },
      take: 200,
    });
    return { items: rows.map((b) => batchView(b)) };
  }

  /**
   * The plaintext payment file, for a finance officer's download (the route's permission): the
   * only place a stored file is decrypted. Audited (who and when are the event's actor and time).
   */
  async file(batchId: string): Promise<{ content: Buffer; name: string; mediaType: string }> {
    const batch = await this.find(batchId);
    if (batch.filePurgedAt) throw new PaymentFilePurgedError(batch.filePurgedAt);
    const { storageKey } = batch;
    if (!storageKey) throw new PaymentFileNotReadyError();
    let content: Buffer;
    try {
      content = await this.files.open({ ...batch, storageKey });
    } catch (error) {
      if (error instanceof PaymentFileUnreadableError) {
        // This request rolls back; the refused attempt is kept on its own.
        await this.audit.recordIndependently({
          agencyId: batch.agencyId,
          actorUserId: this.context.requireUser().userId,
          action: 'payment_batch.file_refused',
          entityType: 'payment_batch',
          entityId: batch.id,
          after: { reason: 'integrity_check_failed', file: batch.fileName },
        });
      }
      throw error;
    }
    await this.audit.record({
      action: 'payment_batch.file_downloaded',
      entityType: 'payment_batch',
      entityId: batch.id,
      after: { file: batch.fileName, bytes: content.length, sha256: batch.fileSha256 },
    });
    return {
      content,
      name: batch.fileName ?? `${batch.reference}`,
      mediaType: batch.mediaType ?? 'application/octet-stream',
    };
  }
}
