import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnModuleDestroy,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG } from '../config/config.module';
import { AppConfig } from '../config/env';
import { AuditVerifier } from './audit-verifier';

/** How long an event may wait to be linked into its chain (covered by its own hash meanwhile). */
export const AUDIT_SEAL_INTERVAL_MS = 10_000;

/**
 * Links newly committed audit events into their chains every few seconds, in every process (the
 * sealing lock lets one process do each log; the others skip it). Agencies are read from the
 * agencies table, which the kernel knows as the list of tenants.
 */
@Injectable()
export class AuditSealSchedule implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('AuditSealSchedule');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly verifier: AuditVerifier,
    @Inject(DataSource) private readonly dataSource: DataSource,
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
    const agencies: Array<{ id: string; code: string }> = await this.dataSource.query(
      'SELECT id, code FROM agencies ORDER BY code',
    );
    let linked = 0;
    for (const agency of agencies) {
      linked += await this.verifier.seal({ agencyId: agency.id, agencyCode: agency.code });
    }
    return linked + (await this.verifier.seal('platform'));
  }
}
