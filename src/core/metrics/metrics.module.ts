import { Global, Inject, Injectable, Module, OnModuleInit } from '@nestjs/common';
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { READ_DATA_SOURCE } from '../database/database.module';
import { sql, sqlRows } from '../database/sql-statement';
import { AppMetrics } from './app-metrics';
import { MetricsController } from './metrics.controller';
import { MetricsServer } from './metrics-server';

interface BacklogRow {
  pending: string;
  published: string;
  dead: string;
  oldestDueSeconds: number;
}

const OUTBOX_BACKLOG = sql<BacklogRow>(
  'core.metrics-outbox-backlog',
  `SELECT pending, published, dead, oldest_due_seconds AS "oldestDueSeconds"
     FROM jobs_outbox_backlog()`,
);

/** The app role's pg pool behind TypeORM (its driver's `master`, a public property). */
function poolOf(dataSource: DataSource): Pool | undefined {
  return (dataSource.driver as unknown as { master?: Pool }).master;
}

/** Gauges read at scrape time: they cost nothing between scrapes. */
@Injectable()
class ScrapedGauges implements OnModuleInit {
  private read?: { at: number; row: Promise<BacklogRow> };

  constructor(
    private readonly metrics: AppMetrics,
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(READ_DATA_SOURCE) private readonly readSource: DataSource | null,
  ) {}

  /** One query per scrape for both outbox gauges (collected concurrently). */
  private backlog(): Promise<BacklogRow> {
    const now = Date.now();
    if (!this.read || now - this.read.at > 1000) {
      const row = sqlRows(this.dataSource, OUTBOX_BACKLOG, []).then(([first]) => first);
      this.read = { at: now, row };
    }
    return this.read.row;
  }

  onModuleInit(): void {
    this.metrics.gaugeOnScrape(
      'gc_db_pool_connections',
      'The app role pool: total open, idle, and callers waiting for a connection.',
      ['state'] as const,
      (gauge) => {
        const pool = poolOf(this.dataSource);
        if (!pool) return;
        gauge.set({ state: 'total' }, pool.totalCount);
        gauge.set({ state: 'idle' }, pool.idleCount);
        gauge.set({ state: 'waiting' }, pool.waitingCount);
      },
    );
    const readSource = this.readSource;
    if (readSource) {
      this.metrics.gaugeOnScrape(
        'gc_db_read_pool_connections',
        'The read pool (DATABASE_READ_URL): total open, idle, and callers waiting.',
        ['state'] as const,
        (gauge) => {
          const pool = poolOf(readSource);
          if (!pool) return;
          gauge.set({ state: 'total' }, pool.totalCount);
          gauge.set({ state: 'idle' }, pool.idleCount);
          gauge.set({ state: 'waiting' }, pool.waitingCount);
        },
      );
    }
    this.metrics.gaugeOnScrape(
      'gc_outbox_jobs',
      'Outbox rows not yet done, by state (pending, published), and dead letters.',
      ['state'] as const,
      async (gauge) => {
        const row = await this.backlog();
        gauge.set({ state: 'pending' }, Number(row.pending));
        gauge.set({ state: 'published' }, Number(row.published));
        gauge.set({ state: 'dead' }, Number(row.dead));
      },
    );
    this.metrics.gaugeOnScrape(
      'gc_outbox_oldest_due_seconds',
      'How long the oldest due pending outbox row has waited (0 when none): the relay lag.',
      [] as const,
      async (gauge) => gauge.set((await this.backlog()).oldestDueSeconds),
    );
  }
}

/**
 * Prometheus metrics (kernel): HTTP requests (a Fastify hook installed by createApp), jobs
 * (recorded by the executor), the database pool and the outbox backlog (read on scrape).
 * Served at GET /metrics with METRICS_TOKEN, and/or on METRICS_PORT (the worker's only way).
 */
@Global()
@Module({
  controllers: [MetricsController],
  providers: [
    { provide: AppMetrics, useFactory: () => new AppMetrics() },
    ScrapedGauges,
    MetricsServer,
  ],
  exports: [AppMetrics],
})
export class MetricsModule {}
