import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { JobScheduler, RegisteredSchedule } from '../job-scheduler';
import { sql, sqlRows } from '../../database/sql-statement';

// A new schedule fires at once; a changed interval takes effect from the next run.
const UPSERT = sql(
  'core.job-schedules-upsert',
  `INSERT INTO job_schedules (name, every_ms, next_run_at)
   SELECT name, every_ms, now() FROM unnest($1::text[], $2::integer[]) AS s(name, every_ms)
   ON CONFLICT (name) DO UPDATE SET every_ms = EXCLUDED.every_ms,
     next_run_at = LEAST(job_schedules.next_run_at, now() + EXCLUDED.every_ms * interval '1 millisecond')`,
);

/** The due schedules of these names, moved to their next run; a row each that fires now. */
const FIRE_DUE = sql<{ name: string; firedAt: Date }>(
  'core.job-schedules-fire-due',
  `WITH fired AS (
     UPDATE job_schedules SET last_run_at = now(),
            next_run_at = now() + every_ms * interval '1 millisecond'
      WHERE name = ANY($1::text[]) AND next_run_at <= now()
      RETURNING name)
   SELECT name, now() AS "firedAt" FROM fired`,
);

/**
 * Without Redis: a timer that asks the database which schedules are due and moves their next run
 * forward in the same UPDATE, so with several processes exactly one runs each tick.
 */
export class InProcessSchedules {
  private readonly logger = new Logger('JobScheduler');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly scheduler: JobScheduler,
    private readonly schedules: RegisteredSchedule[],
  ) {}

  async start(): Promise<void> {
    if (this.schedules.length === 0) return;
    // A new schedule fires at once; a changed interval takes effect from the next run.
    await sqlRows(this.dataSource, UPSERT, [
      this.schedules.map((s) => s.name),
      this.schedules.map((s) => s.everyMs),
    ]);
    const tickMs = Math.min(
      1000,
      Math.max(50, Math.floor(Math.min(...this.schedules.map((s) => s.everyMs)) / 4)),
    );
    const tick = () => {
      if (this.stopped) return;
      this.running = this.runDue().finally(() => {
        if (!this.stopped) this.timer = setTimeout(tick, tickMs);
      });
    };
    tick();
  }

  private async runDue(): Promise<void> {
    let due: Array<{ name: string; firedAt: Date }>;
    try {
      due = await sqlRows(this.dataSource, FIRE_DUE, [this.schedules.map((s) => s.name)]);
    } catch (error) {
      this.logger.warn({ msg: 'could not read due schedules', err: error });
      return;
    }
    for (const { name, firedAt } of due) {
      try {
        await this.scheduler.fire(name, firedAt);
      } catch (error) {
        this.logger.error({ msg: 'schedule run failed', schedule: name, err: error });
      }
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }
}
