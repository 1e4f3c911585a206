import { Global, Module } from '@nestjs/common';
import { IdempotencySchedules } from './idempotency-schedules';
import { IdempotentResponses } from './idempotent-responses';
import { IdempotencyService } from './idempotency.service';

/** Idempotency-Key handling for submissions and money movements (see @Idempotent()). */
@Global()
@Module({
  providers: [IdempotencyService, IdempotentResponses, IdempotencySchedules],
  exports: [IdempotencyService, IdempotentResponses],
})
export class IdempotencyModule {}
