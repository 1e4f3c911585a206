import { AchFormatError, renderAchFile } from './nacha-ach';
import type { AchOriginator } from './nacha-ach-originator';
import { PaymentExportBatch, PaymentExportStrategy } from './payment-export-strategy';

/**
 * NACHA ACH (CCD credits) for agencies that pay districts' bank accounts directly. Its options
 * are the agency's `finance.achOriginator` (NACHA_ACH_OPTIONS: checked at boot by its schema).
 */
export class NachaAchPaymentExport implements PaymentExportStrategy {
  readonly mediaType = 'text/plain';
  readonly fileExtension = 'ach';

  constructor(
    /** The Clock's time (the file header's creation date and time). */
    private readonly now: () => Date,
  ) {}

  render(batch: PaymentExportBatch, options: unknown): Buffer {
    if (!options) throw new AchFormatError(`${batch.agencyCode} has no finance.achOriginator`);
    const file = renderAchFile({
      // Validated with the agency's file at boot (AchOriginatorSchema); the writer re-checks
      // the routing fields it prints.
      originator: options as AchOriginator,
      effectiveDate: batch.effectiveDate,
      createdAt: this.now(),
      batchDescription: 'GRANTPAY',
      credits: batch.payments.map((p) => {
        if (!p.routingNumber || !p.accountNumber || !p.accountType) {
          throw new AchFormatError(`payment ${p.paymentRequestId} has no bank details`);
        }
        return {
          id: p.paymentRequestId,
          payeeName: p.payeeName,
          routingNumber: p.routingNumber,
          accountNumber: p.accountNumber,
          accountType: p.accountType,
          amount: p.amount,
        };
      }),
    });
    return Buffer.from(file, 'ascii');
  }
}
