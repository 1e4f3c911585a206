import { Injectable, OnModuleInit } from '@nestjs/common';
import { JobScheduler } from '../jobs';
import { IdempotencyService } from './idempotency.service';

export const PRUNE_IDEMPOTENCY_KEYS_SCHEDULE = 'idempotency.prune-keys';
const DAY_MS = 86_400_000;

/** Daily: forget Idempotency-Keys past their retention, agency by agency (the table is RLS'd). */
@Injectable()
export class IdempotencySchedules implements OnModuleInit {
  constructor(
    private readonly scheduler: JobScheduler,
    private readonly keys: IdempotencyService,
  ) {}

  onModuleInit(): void {
    this.scheduler.registerSchedule(PRUNE_IDEMPOTENCY_KEYS_SCHEDULE, DAY_MS, (run) =>
      run.forEachAgency(async () => {
        await this.keys.pruneExpired();
      }),
    );
  }
}
