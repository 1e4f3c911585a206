import { csvRow } from '../../core/csv/csv';
import { PaymentExportBatch, PaymentExportStrategy } from './payment-export-strategy';

/**
 * The payment file every agency can use: one CSV row per payment for the state accounting
 * system to import. No bank details: the accounting system pays its registered vendors.
 */
export class CsvPaymentExport implements PaymentExportStrategy {
  readonly mediaType = 'text/csv';
  readonly fileExtension = 'csv';

  render(batch: PaymentExportBatch): Buffer {
    const rows = [
      csvRow(['batch_id', 'effective_date', 'payment_request_id', 'payee_name', 'amount']),
      ...batch.payments.map((p) =>
        csvRow([batch.batchId, batch.effectiveDate, p.paymentRequestId, p.payeeName, p.amount]),
      ),
    ];
    return Buffer.from(rows.join(''), 'utf8');
  }
}
