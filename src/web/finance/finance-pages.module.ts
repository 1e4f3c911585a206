import { Module } from '@nestjs/common';
import { PaymentsModule } from '../../payments/payments.module';
import { FinanceController } from './finance.controller';

/** Finance officers: the approval queue and decisions (with step-up). */
@Module({ imports: [PaymentsModule], controllers: [FinanceController] })
export class FinancePagesModule {}
