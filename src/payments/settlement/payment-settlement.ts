import { Injectable } from '@nestjs/common';
import { Clock } from '../../core/clock/clock';
import { AwardNotifications } from '../../awards/award-notifications';
import { AuditLog } from '../../core/audit/audit-log';
import { TenantDb } from '../../core/context/tenant-db';
import { fromCents, toCents } from '../../core/money/money';
import { PaymentRequest } from '../entities/payment-request.entity';
import { Ledger, PostingLeg } from '../../ledger/ledger';

/**
 * Booking a payment as paid: the ledger entries (the only place money is counted) and the
 * request's paid state. A reimbursement draws down the undisbursed obligation, first from the
 * subrecipient's advanced cash, the rest in cash; an advance moves cash to the subrecipient's
 * cash on hand. The ledger's unique (kind, source) makes a second booking of one request fail.
 * Callers hold the award's row lock.
 */
@Injectable()
export class PaymentSettlement {
  constructor(
    private readonly db: TenantDb,
    private readonly ledger: Ledger,
    private readonly audit: AuditLog,
    private readonly notifications: AwardNotifications,
    private readonly clock: Clock,
  ) {}

  async settle(request: PaymentRequest, paidOn: string, awardReference: string): Promise<string> {
    const amount = toCents(request.amount);
    const applied = toCents(request.advanceApplied);
    const cash = amount - applied;
    let legs: PostingLeg[];
    if (request.type === 'advance') {
      legs = [
        { account: 'advance_outstanding', debit: amount },
        { account: 'cash', credit: amount },
      ];
    } else {
      legs = [
        { account: 'undisbursed_obligation', debit: amount },
        { account: 'advance_outstanding', credit: applied },
        { account: 'cash', credit: cash },
      ];
    }
    const kind =
      request.type === 'advance' ? 'advance' : cash === 0n ? 'liquidation' : 'disbursement';
    const transactionId = await this.ledger.post({
      awardId: request.awardId,
      kind,
      sourceType: 'payment_request',
      sourceId: request.id,
      memo: `${request.type === 'advance' ? 'Advance' : 'Reimbursement'} ${request.reference} paid on ${paidOn}`,
      legs,
    });
    const before = request.status;
    request.status = 'paid';
    request.paidOn = paidOn;
    request.paidAt = this.clock.now();
    await this.db.repo(PaymentRequest).save(request);
    await this.audit.record({
      action: 'payment_request.paid',
      entityType: 'payment_request',
      entityId: request.id,
      before: { status: before },
      after: {
        status: 'paid',
        paidOn,
        cash: fromCents(cash),
        advanceApplied: fromCents(applied),
        ledgerTransactionId: transactionId,
      },
    });
    await this.notifications.send(
      'payment.paid',
      {
        awardRef: awardReference,
        requestRef: request.reference,
        amount: fromCents(amount),
        paidOn,
      },
      [request.requestedBy],
    );
    return transactionId;
  }
}
