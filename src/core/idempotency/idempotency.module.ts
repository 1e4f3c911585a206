import { Global, Module } from '@nestjs/common';
import { IdempotencySchedules } from './idempotency-schedules';
import { IdempotencyInterceptor } from './idempotency.interceptor';
import { IdempotencyService } from './idempotency.service';

/** Idempotency-Key handling for submissions and money movements (see @Idempotent()). */
@Global()
@Module({
  providers: [IdempotencyService, IdempotencyInterceptor, IdempotencySchedules],
  exports: [IdempotencyService, IdempotencyInterceptor],
})
export class IdempotencyModule {}
