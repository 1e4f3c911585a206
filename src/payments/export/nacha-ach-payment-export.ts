import { AgencyDirectory } from '../../agencies/agency-directory';
import { PaymentExportBatch, PaymentExportStrategy } from '../../agencies/strategies';
import { AchFormatError, renderAchFile } from './nacha-ach';

/**
 * NACHA ACH (CCD credits) for agencies that pay districts' bank accounts directly. The
 * originator data comes from the agency's `finance.achOriginator`.
 */
export class NachaAchPaymentExport implements PaymentExportStrategy {
  readonly mediaType = 'text/plain';
  readonly fileExtension = 'ach';

  constructor(
    private readonly agencies: AgencyDirectory,
    /** The Clock's time (the file header's creation date and time). */
    private readonly now: () => Date,
  ) {}

  render(batch: PaymentExportBatch): Buffer {
    const agency = this.agencies.findByCode(batch.agencyCode);
    const originator = agency && this.agencies.configOf(agency.agencyId).finance.achOriginator;
    if (!originator) throw new AchFormatError(`${batch.agencyCode} has no finance.achOriginator`);
    const file = renderAchFile({
      originator,
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
