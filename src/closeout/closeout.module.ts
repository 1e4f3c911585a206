import { Module } from '@nestjs/common';
import { AwardsModule } from '../awards/awards.module';
import { IdempotencyModule } from '../core/idempotency/idempotency.module';
import { LedgerModule } from '../ledger/ledger.module';
import { PaymentsModule } from '../payments/payments.module';
import { CloseoutController, OrganizationCloseoutController } from './closeout.controller';
import { CloseoutService } from './closeout.service';

/** Closeout: final expenditure reports, settlement, carryover, closing awards. */
@Module({
  imports: [IdempotencyModule, AwardsModule, PaymentsModule, LedgerModule],
  controllers: [OrganizationCloseoutController, CloseoutController],
  providers: [CloseoutService],
  // The web pages show and submit the final expenditure report.
  exports: [CloseoutService],
})
export class CloseoutModule {}
