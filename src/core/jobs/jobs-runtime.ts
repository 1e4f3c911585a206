import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnModuleInit,
  Optional,
} from '@nestjs/common';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { APP_CONFIG } from '../config/config.module';
import { AppConfig } from '../config/env';
import { HealthChecks } from '../health/health-checks';
import { AppMetrics } from '../metrics/app-metrics';
import { BullMqDriver } from './drivers/bullmq.driver';
import { BullMqSchedules, SCHEDULES_QUEUE } from './drivers/bullmq-schedules';
import { InProcessDriver } from './drivers/in-process.driver';
import { InProcessSchedules } from './drivers/in-process-schedules';
import { JobDriver } from './drivers/job-driver';
import { JobExecutor } from './job-executor';
import { JobScheduler } from './job-scheduler';
import { OutboxRelay } from './outbox-relay';
import { sql, sqlRows } from '../database/sql-statement';

const PRUNE_OUTBOX = sql('core.jobs-outbox-prune', `SELECT jobs_outbox_prune($1)`);

/** Done outbox rows are kept this long (for tracing), then pruned. */
const KEEP_DONE_MS = 7 * 24 * 3600 * 1000;

/**
 * Starts and stops background work for this process. Every process checks the handler registry
 * (boot fails on a mismatch) and, with REDIS_URL, connects to Redis (readiness check, dashboard
 * queues). Only processes with workerInProcess (the worker, or `npm start` without Redis) run the
 * relay, the job workers and the schedules.
 */
@Injectable()
export class JobsRuntime
  implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown
{
  private readonly logger = new Logger('Jobs');
  private producer?: Redis;
  private consumer?: Redis;
  private bull?: BullMqDriver;
  private schedulesQueue?: Queue;
  private driver?: JobDriver;
  private relay?: OutboxRelay;
  private schedules?: { stop(): Promise<void> };

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(DataSource) private readonly dataSource: DataSource,
    private readonly executor: JobExecutor,
    private readonly scheduler: JobScheduler,
    private readonly health: HealthChecks,
    @Optional() private readonly metrics?: AppMetrics,
  ) {}

  onModuleInit(): void {
    this.scheduler.registerSchedule('jobs.prune-outbox', 6 * 3600 * 1000, async () => {
      await sqlRows(this.dataSource, PRUNE_OUTBOX, [new Date(Date.now() - KEEP_DONE_MS)]);
    });
    if (this.config.redisUrl) {
      this.health.register('redis', async () => {
        if (!this.producer || (await this.producer.ping()) !== 'PONG')
          throw new Error('redis did not answer');
      });
    }
  }

  /**
   * Connects to Redis on first use, after every module initialised (a boot that fails on the
   * handler check leaves no connection behind).
   */
  private connectRedis(): BullMqDriver | undefined {
    const url = this.config.redisUrl;
    if (!url) return undefined;
    if (this.bull) return this.bull;
    // Publishing fails fast while Redis is away (the relay puts rows back and retries); workers
    // wait for it (BullMQ requires maxRetriesPerRequest: null on blocking connections).
    this.producer = new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
    this.consumer = new Redis(url, { maxRetriesPerRequest: null });
    for (const connection of [this.producer, this.consumer]) {
      connection.on('error', () => undefined); // reconnects by itself; readiness reports it
    }
    this.bull = new BullMqDriver(this.executor, {
      prefix: this.config.jobs.queuePrefix,
      concurrency: this.config.jobs.concurrency,
      leaseMs: this.config.jobs.leaseMs,
      runWorkers: this.config.workerInProcess,
      producer: this.producer,
      consumer: this.consumer,
    });
    this.schedulesQueue = new Queue(SCHEDULES_QUEUE, {
      connection: this.producer,
      prefix: this.config.jobs.queuePrefix,
    });
    this.schedulesQueue.on('error', () => undefined); // as the jobs queue: readiness reports it
    return this.bull;
  }

  async onApplicationBootstrap(): Promise<void> {
    const schedules = this.scheduler.freeze();
    const bull = this.connectRedis();
    if (this.producer) await this.untilRedisReady(this.producer);
    if (!this.config.workerInProcess) return;
    const { jobs } = this.config;
    if (bull) {
      bull.start();
      this.driver = bull;
      const bullSchedules = new BullMqSchedules(
        this.schedulesQueue!,
        this.scheduler,
        schedules,
        this.consumer!,
        jobs.queuePrefix,
      );
      await bullSchedules.start();
      this.schedules = bullSchedules;
    } else {
      this.logger.log({ msg: 'no REDIS_URL: running jobs in this process from the outbox table' });
      this.driver = new InProcessDriver(
        this.executor,
        jobs.concurrency,
        () => this.relay?.wake(),
        (ids) => this.relay!.release(ids),
      );
      const inProcess = new InProcessSchedules(this.dataSource, this.scheduler, schedules);
      await inProcess.start();
      this.schedules = inProcess;
    }
    this.relay = new OutboxRelay(this.dataSource, this.driver, {
      // LISTEN needs a session: not through a transaction-mode pooler (DATABASE_LISTEN_URL).
      databaseUrl:
        this.config.databaseListenUrl === 'off'
          ? undefined
          : (this.config.databaseListenUrl ?? this.config.databaseUrl!),
      leaseMs: jobs.leaseMs,
      pollMs: jobs.pollMs,
      metrics: this.metrics,
    });
    await this.relay.start();
    this.logger.log({
      msg: 'job relay started',
      driver: this.driver.kind,
      concurrency: jobs.concurrency,
    });
  }

  /** Give Redis a moment at start; if it is not there yet, carry on (readiness says so). */
  private async untilRedisReady(connection: Redis): Promise<void> {
    if (connection.status === 'ready') return;
    let timer: NodeJS.Timeout | undefined;
    const ready = new Promise<boolean>((resolve) => {
      connection.once('ready', () => resolve(true));
      timer = setTimeout(() => resolve(false), 5000);
    });
    if (!(await ready)) this.logger.warn({ msg: 'Redis is not reachable yet; jobs wait for it' });
    clearTimeout(timer);
  }

  /** Before the database closes: stop claiming, let running jobs finish, hand back the rest. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.relay?.stop();
    await this.schedules?.stop();
    await this.driver?.stop();
    if (!this.driver) await this.bull?.stop(); // API-only process: just the queue connection
    await this.schedulesQueue?.close();
    for (const connection of [this.producer, this.consumer]) {
      if (connection && connection.status !== 'end') connection.disconnect();
    }
  }

  /** The BullMQ queues (for the dashboard); empty without Redis. */
  queues(): Queue[] {
    const bull = this.connectRedis();
    return bull && this.schedulesQueue ? [bull.queue, this.schedulesQueue] : [];
  }

  get driverKind(): 'bullmq' | 'in-process' | undefined {
    return this.driver?.kind;
  }
}
