import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { sql, sqlRows } from '../database/sql-statement';
import { JobScheduler } from './job-scheduler';

export const CREATE_PARTITIONS_SCHEDULE = 'database.create-partitions';
/** Months of partitions kept ready ahead of the current one (as the migration made them). */
export const PARTITION_MONTHS_AHEAD = 3;
const DAY_MS = 86_400_000;

// The app role may not create tables; time_partitions_ensure is the owner's SECURITY DEFINER
// function that creates only the missing months of the time-partitioned tables (migration
// 1790001200000; audit_events so far). It returns the partitions it made; nothing when all exist.
const ENSURE_PARTITIONS = sql<{ partition: string }>(
  'core.time-partitions-ensure',
  `SELECT p AS partition FROM time_partitions_ensure($1) AS p`,
);

/**
 * Daily: makes sure the monthly partitions of the audit log exist a quarter ahead, so a month's
 * rows never reach the DEFAULT partition. Idempotent (existing months are skipped),
 * and safe with several workers (the function serialises callers).
 */
@Injectable()
export class TimePartitions implements OnModuleInit {
  private readonly logger = new Logger('TimePartitions');

  constructor(
    private readonly scheduler: JobScheduler,
    @Inject(DataSource) private readonly dataSource: DataSource,
  ) {}

  onModuleInit(): void {
    this.scheduler.registerSchedule(CREATE_PARTITIONS_SCHEDULE, DAY_MS, async () => {
      await this.createAhead();
    });
  }

  /** Returns the partitions created (empty when every month was there already). */
  async createAhead(monthsAhead = PARTITION_MONTHS_AHEAD): Promise<string[]> {
    const rows = await sqlRows(this.dataSource, ENSURE_PARTITIONS, [monthsAhead]);
    const created = rows.map((r) => r.partition);
    if (created.length) this.logger.log({ msg: 'partitions created', partitions: created });
    return created;
  }
}
