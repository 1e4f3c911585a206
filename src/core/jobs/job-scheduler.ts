import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { TENANT_DIRECTORY, TenantDirectory } from '../access/access.ports';
import { Actor, Tenant } from '../context/request-context';
import { TenantRunner } from '../context/tenant-db';
import { AppMetrics } from '../metrics/app-metrics';
import { ScheduleRegistryError } from './jobs.errors';

export interface ScheduleContext {
  name: string;
  /** The tick this run belongs to: the same instant for every delivery of one tick. */
  firedAt: Date;
  /**
   * Runs `work` once per active agency, each in that agency's context and transaction (as a
   * job would). One agency failing does not stop the others; the run then fails as a whole.
   */
  forEachAgency(work: (tenant: Tenant) => Promise<void>): Promise<void>;
}

export type ScheduleHandler = (context: ScheduleContext) => Promise<void>;

export interface RegisteredSchedule {
  name: string;
  everyMs: number;
  handler: ScheduleHandler;
}

const SYSTEM: Actor = { kind: 'system' };

/**
 * Named periodic work. Register in onModuleInit:
 *
 *   this.scheduler.registerSchedule('programs.close-windows', 60_000, (ctx) =>
 *     ctx.forEachAgency(() => this.windows.closeDue()));
 *
 * With Redis each schedule is a BullMQ job scheduler (one run per tick across all workers);
 * without, an in-process timer whose next run time is kept in job_schedules (a restart neither
 * skips nor repeats a run). Handlers run at least once per tick, so keep them idempotent: the
 * usual shape is "find what is due, enqueue a job per item" with JobQueue in forEachAgency.
 */
@Injectable()
export class JobScheduler {
  private readonly schedules = new Map<string, RegisteredSchedule>();
  private readonly logger = new Logger('JobScheduler');
  private frozen = false;

  constructor(
    private readonly runner: TenantRunner,
    @Inject(TENANT_DIRECTORY) private readonly tenants: TenantDirectory,
    @Optional() private readonly metrics?: AppMetrics,
  ) {}

  registerSchedule(name: string, everyMs: number, handler: ScheduleHandler): void {
    if (this.frozen) throw new ScheduleRegistryError(`schedule "${name}" registered after boot`);
    if (this.schedules.has(name))
      throw new ScheduleRegistryError(`schedule "${name}" registered twice`);
    if (!Number.isInteger(everyMs) || everyMs < 100) {
      throw new ScheduleRegistryError(`schedule "${name}": everyMs must be an integer >= 100`);
    }
    this.schedules.set(name, { name, everyMs, handler });
  }

  /** The registered schedules; registration closes once the runtime starts. */
  freeze(): RegisteredSchedule[] {
    this.frozen = true;
    return [...this.schedules.values()];
  }

  async fire(name: string, firedAt = new Date()): Promise<void> {
    const schedule = this.schedules.get(name);
    if (!schedule) {
      this.logger.warn({ msg: 'no handler for this schedule (removed?); skipped', schedule: name });
      return;
    }
    await schedule.handler({
      name,
      firedAt,
      forEachAgency: (work) => this.forEachAgency(name, work),
    });
  }

  private async forEachAgency(
    name: string,
    work: (tenant: Tenant) => Promise<void>,
  ): Promise<void> {
    const failed: string[] = [];
    for (const tenant of this.tenants.activeTenants()) {
      try {
        await this.runner.run(tenant, SYSTEM, () => work(tenant));
        this.metrics?.scheduleRuns.labels(name, 'done', tenant.agencyCode).inc();
      } catch (error) {
        failed.push(tenant.agencyCode);
        this.metrics?.scheduleRuns.labels(name, 'failed', tenant.agencyCode).inc();
        this.logger.error({
          msg: 'schedule failed in an agency',
          schedule: name,
          agency: tenant.agencyCode,
          err: error,
        });
      }
    }
    if (failed.length) throw new Error(`schedule "${name}" failed in ${failed.join(', ')}`);
  }
}
