import { IdempotencyModule } from '../../core/idempotency/idempotency.module';
import { Module } from '@nestjs/common';
import { ApplicationsModule } from '../../applications/applications.module';
import { AwardsModule } from '../../awards/awards.module';
import { CloseoutModule } from '../../closeout/closeout.module';
import { PaymentsModule } from '../../payments/payments.module';
import { ReviewsModule } from '../../reviews/reviews.module';
import { AwardAcceptancePages } from './accept.controller';
import { ApplicationStatusPages } from './application-status.controller';
import { AwardPages } from './award.controller';
import { CloseoutPages } from './closeout.controller';
import { NotificationPages } from './notifications.controller';
import { PaymentRequestPages } from './payment-requests.controller';
import { BudgetRevisionPages } from './revisions.controller';

/** After submission: status, decisions, award notice and acceptance, budget revisions, payment requests, closeout, notifications. */
@Module({
  imports: [
    IdempotencyModule,
    ApplicationsModule,
    ReviewsModule,
    AwardsModule,
    PaymentsModule,
    CloseoutModule,
  ],
  controllers: [
    ApplicationStatusPages,
    AwardPages,
    AwardAcceptancePages,
    PaymentRequestPages,
    BudgetRevisionPages,
    CloseoutPages,
    NotificationPages,
  ],
  providers: [],
})
export class AwardPagesModule {}
