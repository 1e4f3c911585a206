import { Injectable } from '@nestjs/common';
import { PaymentRecords } from './requests/payment-records';

/** The payments module's public surface for other modules (closeout). */
@Injectable()
export class PaymentDirectory {
  constructor(private readonly records: PaymentRecords) {}

  /** Whether payment requests on the award (submitted, approved or batched) still hold money. */
  async hasUnpaidRequests(awardId: string): Promise<boolean> {
    const position = await this.records.position(awardId);
    return position.committedCash > 0n || position.committedAdvance > 0n;
  }
}
