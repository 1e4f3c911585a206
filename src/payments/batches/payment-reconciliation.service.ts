import { Injectable } from '@nestjs/common';
import { AwardFinance } from '../../awards/award-finance';
import { AuditLog } from '../../core/audit/audit-log';
import { Clock } from '../../core/clock/clock';
import { TenantDb } from '../../core/context/tenant-db';
import { CsvSyntaxError, parseCsv } from '../../core/csv/csv';
import { isAmount, toCents } from '../../core/money/money';
import { AgencyCalendar } from '../agency-calendar';
import { PaymentBatch } from '../entities/payment-batch.entity';
import { PaymentRequest } from '../entities/payment-request.entity';
import { ConfirmationInvalidError, PaymentBatchConflictError } from '../payments.errors';
import { PaymentSettlement } from '../settlement/payment-settlement';
import { batchView, PaymentBatches } from './payment-batches.service';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

interface Confirmation {
  request: PaymentRequest;
  paidOn: string;
}

/**
 * Reconciling a batch with what the bank paid: marking payments paid, or reading the bank's
 * confirmation CSV (columns payment_request_id, amount, status, and optionally paid_on). Either
 * way each payment is booked in the ledger; a confirmation with any bad line books nothing.
 * Locks: the batch, then its awards in id order, then the requests.
 */
@Injectable()
export class PaymentReconciliation {
  constructor(
    private readonly db: TenantDb,
    private readonly batches: PaymentBatches,
    private readonly awards: AwardFinance,
    private readonly calendar: AgencyCalendar,
    private readonly settlement: PaymentSettlement,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  async markPaid(batchId: string, input: { paidOn?: string; paymentRequestIds?: string[] }) {
    const { batch, open } = await this.lockBatch(batchId);
    const paidOn = input.paidOn ?? this.calendar.today();
    const wanted = input.paymentRequestIds ? new Set(input.paymentRequestIds) : undefined;
    const unknown = [...(wanted ?? [])].filter((id) => !open.some((r) => r.id === id));
    if (unknown.length > 0) {
      throw new ConfirmationInvalidError(
        unknown.map((id) => ({ line: 0, detail: `${id} is not an unpaid payment of this batch` })),
      );
    }
    const chosen = open
      .filter((r) => !wanted || wanted.has(r.id))
      .map((request) => ({ request, paidOn }));
    return this.settleAll(batch, chosen, 'marked');
  }

  async confirm(batchId: string, csv: string) {
    const { batch, open } = await this.lockBatch(batchId);
    const errors: Array<{ line: number; detail: string }> = [];
    let records;
    try {
      records = parseCsv(csv);
    } catch (error) {
      if (error instanceof CsvSyntaxError)
        throw new ConfirmationInvalidError([{ line: error.line, detail: error.message }]);
      throw error;
    }
    const [header, ...rows] = records;
    const columns = (header?.fields ?? []).map((f) => f.trim().toLowerCase());
    const col = (name: string) => columns.indexOf(name);
    for (const name of ['payment_request_id', 'amount', 'status']) {
      if (col(name) < 0)
        errors.push({ line: header?.line ?? 1, detail: `the header has no ${name} column` });
    }
    if (errors.length > 0) throw new ConfirmationInvalidError(errors);
    const confirmations: Confirmation[] = [];
    const seen = new Set<string>();
    for (const row of rows) {
      const field = (name: string) => (row.fields[col(name)] ?? '').trim();
      const id = field('payment_request_id');
      const request = open.find((r) => r.id === id || r.reference === id);
      const paidOn =
        col('paid_on') >= 0 && field('paid_on') ? field('paid_on') : this.calendar.today();
      const cash = request ? toCents(request.amount) - toCents(request.advanceApplied) : 0n;
      if (!request)
        errors.push({
          line: row.line,
          detail: `${id || '(empty)'} is not an unpaid payment of this batch`,
        });
      else if (seen.has(request.id))
        errors.push({ line: row.line, detail: `${id} is listed twice` });
      else if (!isAmount(field('amount')) || toCents(field('amount')) !== cash) {
        errors.push({
          line: row.line,
          detail: `amount ${field('amount')} does not match the payment's ${request.amount}`,
        });
      } else if (field('status').toLowerCase() !== 'paid') {
        errors.push({
          line: row.line,
          detail: `status "${field('status')}" is not "paid"; returned payments are handled by hand`,
        });
      } else if (!DATE.test(paidOn)) {
        errors.push({ line: row.line, detail: 'paid_on must be a date YYYY-MM-DD' });
      } else {
        seen.add(request.id);
        confirmations.push({ request, paidOn });
      }
    }
    if (rows.length === 0)
      errors.push({ line: (header?.line ?? 1) + 1, detail: 'no payments are confirmed' });
    if (errors.length > 0) throw new ConfirmationInvalidError(errors);
    return this.settleAll(batch, confirmations, 'confirmation');
  }

  private async lockBatch(batchId: string) {
    const batch = await this.batches.find(batchId, true);
    if (batch.status === 'exporting') {
      throw new PaymentBatchConflictError(
        'payment_batch.not_exported',
        'The payment file is not written yet.',
      );
    }
    const requests = await this.batches.requests(batch.id);
    for (const awardId of [...new Set(requests.map((r) => r.awardId))].sort()) {
      await this.awards.lock({}, awardId);
    }
    const locked: PaymentRequest[] = await this.db
      .repo(PaymentRequest)
      .createQueryBuilder('r')
      .where('r.agency_id = :agencyId AND r.batch_id = :batchId', {
        agencyId: this.db.agencyId,
        batchId: batch.id,
      })
      .orderBy('r.id')
      .setLock('pessimistic_write')
      .getMany();
    return { batch, open: locked.filter((r) => r.status === 'batched') };
  }

  private async settleAll(batch: PaymentBatch, confirmations: Confirmation[], how: string) {
    const references = new Map<string, string>();
    for (const { request, paidOn } of confirmations) {
      if (!references.has(request.awardId)) {
        references.set(request.awardId, (await this.awards.find({}, request.awardId)).reference);
      }
      await this.settlement.settle(request, paidOn, references.get(request.awardId)!);
    }
    const requests = await this.batches.requests(batch.id);
    if (batch.status !== 'reconciled' && requests.every((r) => r.status === 'paid')) {
      batch.status = 'reconciled';
      batch.reconciledAt = this.clock.now(); // retention of the payment file counts from here
      await this.db.repo(PaymentBatch).save(batch);
    }
    await this.audit.record({
      action: 'payment_batch.reconciled',
      entityType: 'payment_batch',
      entityId: batch.id,
      after: { how, paid: confirmations.map((c) => c.request.id), status: batch.status },
    });
    return batchView(batch, requests);
  }
}
