import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnModuleDestroy,
} from '@nestjs/common';
import { TENANT_DIRECTORY, TenantDirectory } from '../access/access.ports';
import { APP_CONFIG } from '../config/config.module';
import { AppConfig } from '../config/env';
import { AuditVerifier } from './audit-verifier';

/** How long an event may wait to be linked into its chain (covered by its own hash meanwhile). */
export const AUDIT_SEAL_INTERVAL_MS = 10_000;

/**
 * Links newly committed audit events into their chains every few seconds, in every process (the
 * sealing lock lets one process do each log; the others skip it). Every agency is sealed,
 * deactivated ones too, as the tenant directory lists them.
 */
@Injectable()
export class AuditSealSchedule implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('AuditSealSchedule');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly verifier: AuditVerifier,
    @Inject(TENANT_DIRECTORY) private readonly tenants: TenantDirectory,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    // Tests seal explicitly (verify seals first); a timer would race their assertions.
    if (this.config.nodeEnv === 'test') return;
    this.timer = setInterval(() => {
      this.running ??= this.sealAll()
        .then(() => undefined)
        .catch((error: unknown) => this.logger.error({ err: error }, 'audit sealing failed'))
        .finally(() => (this.running = undefined));
    }, AUDIT_SEAL_INTERVAL_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** Seals every agency's log and the platform log; returns the number of events linked. */
  async sealAll(): Promise<number> {
    let linked = 0;
    for (const tenant of this.tenants.allTenants()) linked += await this.verifier.seal(tenant);
    return linked + (await this.verifier.seal('platform'));
  }
}
