import { Injectable, OnModuleInit } from '@nestjs/common';
import { TenantRunner } from '../core/context/tenant-db';
import { JobScheduler } from '../core/jobs';
import { LoginThrottle } from './auth/login-throttle';

export const PRUNE_LOGIN_THROTTLES_SCHEDULE = 'identity.prune-login-throttles';
const DAY_MS = 86_400_000;

/** Periodic housekeeping of the identity module's global tables. */
@Injectable()
export class IdentitySchedules implements OnModuleInit {
  constructor(
    private readonly scheduler: JobScheduler,
    private readonly runner: TenantRunner,
    private readonly throttle: LoginThrottle,
  ) {}

  onModuleInit(): void {
    // login_throttles is global (no agency_id): one transaction, no tenant.
    this.scheduler.registerSchedule(PRUNE_LOGIN_THROTTLES_SCHEDULE, DAY_MS, async () => {
      await this.runner.runWithoutTenant({ kind: 'system' }, () => this.throttle.pruneExpired());
    });
  }
}
