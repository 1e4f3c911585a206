import { Logger } from '@nestjs/common';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { JobDriver, RelayedJob } from './drivers/job-driver';
import { sql, sqlRows } from '../database/sql-statement';
import type { AppMetrics } from '../metrics/app-metrics';

export const OUTBOX_CHANNEL = 'gc_jobs_outbox';

export interface RelayOptions {
  /**
   * URL of the LISTEN connection (a session of its own, so never through a transaction-mode
   * pooler); undefined: no LISTEN, polling alone wakes the relay.
   */
  databaseUrl?: string;
  leaseMs: number;
  pollMs: number;
  /** Counts relayed rows and failed rounds, when metrics are in the application. */
  metrics?: AppMetrics;
}

/** Leases up to $1 publishable jobs for $2 ms (jobs_outbox_claim, a migration's function). */
const CLAIM = sql<RelayedJob>(
  'core.jobs-outbox-claim',
  `SELECT id, agency_id AS "agencyId", agency_code AS "agencyCode", name,
          request_id AS "requestId", republish
     FROM jobs_outbox_claim($1, $2)`,
);
const RELEASE = sql('core.jobs-outbox-release', `SELECT jobs_outbox_release($1::uuid[])`);

/**
 * Moves due outbox rows to a driver. Woken by LISTEN/NOTIFY (a trigger notifies after each
 * committed insert), with polling as the backstop for a lost notification, retries whose
 * backoff has passed, and leases that expired (a crashed worker, Redis that lost its data).
 * Claiming marks rows published with a lease, across all agencies, through the
 * jobs_outbox_claim SECURITY DEFINER function (the app role itself never bypasses RLS).
 */
export class OutboxRelay {
  private readonly logger = new Logger('OutboxRelay');
  private stopped = true;
  private woken = false;
  private wakeUp?: () => void;
  private loop?: Promise<void>;
  private listener?: Client;
  private reconnectTimer?: NodeJS.Timeout;
  private failing = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly driver: JobDriver,
    private readonly options: RelayOptions,
  ) {}

  async start(): Promise<void> {
    this.stopped = false;
    if (this.options.databaseUrl) await this.listen();
    this.loop = this.run();
  }

  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    this.wake();
    await this.loop;
    const listener = this.listener;
    this.listener = undefined;
    await listener?.end().catch(() => undefined);
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      let full = false;
      let busy = false;
      try {
        const limit = await this.driver.capacity();
        busy = limit === 0;
        if (limit > 0) {
          const jobs = await this.claim(limit);
          if (jobs.length > 0) await this.handOver(jobs);
          full = jobs.length === limit;
        }
        if (this.failing) this.logger.log('outbox relay recovered');
        this.failing = false;
      } catch (error) {
        this.options.metrics?.outboxRelayFailures.inc();
        if (!this.failing)
          this.logger.warn({ msg: 'outbox relay: claim failed; will retry', err: error });
        this.failing = true;
      }
      // A driver with no room is asked again soon (the in-process one also wakes us itself).
      if (!full && !this.stopped)
        await this.sleep(busy ? Math.min(this.options.pollMs, 50) : this.options.pollMs);
    }
  }

  private async handOver(jobs: RelayedJob[]): Promise<void> {
    try {
      await this.driver.publish(jobs);
      const metrics = this.options.metrics;
      if (metrics) {
        const again = jobs.filter((j) => j.republish).length;
        if (again > 0) metrics.outboxRelayed.inc({ delivery: 'republished' }, again);
        if (jobs.length > again)
          metrics.outboxRelayed.inc({ delivery: 'first' }, jobs.length - again);
      }
    } catch (error) {
      // Put them back now rather than waiting out the lease (Redis down: retried next poll).
      await this.release(jobs.map((j) => j.id));
      throw error;
    }
  }

  async claim(limit: number): Promise<RelayedJob[]> {
    return sqlRows(this.dataSource, CLAIM, [limit, this.options.leaseMs]);
  }

  async release(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await sqlRows(this.dataSource, RELEASE, [ids]);
  }

  private sleep(ms: number): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = () => {
        this.wakeUp = undefined;
        done();
      };
    }).finally(() => {
      this.woken = false;
    });
  }

  private async listen(): Promise<void> {
    const client = new Client({
      connectionString: this.options.databaseUrl,
      application_name: 'grant-commons-relay',
    });
    const lost = (error?: Error) => {
      if (this.listener !== client) return;
      this.listener = undefined;
      if (this.stopped) return;
      this.logger.warn({
        msg: 'outbox LISTEN connection lost; polling until it is back',
        err: error,
      });
      this.reconnectTimer = setTimeout(() => void this.listen(), 1000);
    };
    client.on('notification', () => this.wake());
    client.on('error', lost);
    client.on('end', () => lost());
    this.listener = client;
    try {
      await client.connect();
      await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
      this.wake(); // catch up on anything committed while not listening
    } catch (error) {
      lost(error as Error);
      await client.end().catch(() => undefined);
    }
  }
}
