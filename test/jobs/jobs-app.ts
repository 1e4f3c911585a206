import 'reflect-metadata';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { spawn, ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import pino from 'pino';
import { Client } from 'pg';
import { AppModule } from '../../src/app.module';
import { AppConfig, loadConfig } from '../../src/core/config/env';
import { Actor } from '../../src/core/context/request-context';
import { TenantRunner } from '../../src/core/context/tenant-db';
import { JobQueue } from '../../src/core/jobs';
import { PinoNestLogger } from '../../src/core/logging/logger';
import { TestDatabase } from '../support/database';
import { REPO_ROOT } from '../support/test-app';
import { tsEntryScript } from '../support/ts-process';
import { TestEffectJob, TestJobsModule, TEST_TABLES_SQL } from './test-jobs';
import { deleteRedisKeys, startRedis, TEST_REDIS_URL } from './redis';
import { freePort, waitFor, waitForCount } from './waiting';

export { deleteRedisKeys, freePort, startRedis, TEST_REDIS_URL, waitFor, waitForCount };

const SYSTEM: Actor = { kind: 'system' };

/** The environment a jobs test app (or its worker child) runs with, minus the database. */
export function baseEnv(db: TestDatabase): Record<string, string> {
  return {
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.JOBS_TEST_LOG ?? 'silent',
    DATA_DIR: join(REPO_ROOT, '.data', 'test'),
    AUTH_TOKEN_SECRET: 'test-secret-test-secret-test-secret-0123456789',
    PAYEE_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
    PAYMENT_FILE_ENCRYPTION_KEY: Buffer.alloc(32, 9).toString('base64'),
    MIGRATE_ON_START: 'false',
    AGENCY_CONFIG_DIR: join(REPO_ROOT, 'config', 'agencies'),
    DATABASE_URL: db.appUrl,
    DATABASE_OWNER_URL: db.ownerUrl,
  };
}

export interface JobsApp {
  app: INestApplicationContext;
  config: AppConfig;
  close(): Promise<void>;
}

/** The real app (all modules) plus the test jobs, without HTTP: what the worker process runs. */
export async function bootJobsApp(env: Record<string, string | undefined>): Promise<JobsApp> {
  const config = loadConfig(env);
  const logger = pino({ level: config.logLevel });
  const app = await NestFactory.createApplicationContext(
    { module: class JobsTestRoot {}, imports: [AppModule.register(config), TestJobsModule] },
    { logger: config.logLevel === 'silent' ? false : new PinoNestLogger(logger) },
  );
  await app.init();
  return { app, config, close: () => app.close() };
}

export async function createTestTables(db: TestDatabase): Promise<void> {
  const owner = new Client({ connectionString: db.ownerUrl });
  await owner.connect();
  try {
    for (const statement of TEST_TABLES_SQL) await owner.query(statement);
  } finally {
    await owner.end();
  }
}

/** Enqueues through the real JobQueue, `batch` jobs per committed transaction. */
export async function enqueueEffects(
  app: INestApplicationContext,
  tenant: { agencyId: string; agencyCode: string },
  payloads: Array<Omit<TestEffectJob, 'agencyId'>>,
  batch = 1000,
  name: 'test.effect' | 'test.batch-effect' = 'test.effect',
): Promise<string[]> {
  const runner = app.get(TenantRunner);
  const queue = app.get(JobQueue);
  const ids: string[] = [];
  for (let i = 0; i < payloads.length; i += batch) {
    const chunk = payloads.slice(i, i + batch).map((p) => ({ ...p, agencyId: tenant.agencyId }));
    ids.push(...(await runner.run(tenant, SYSTEM, () => queue.enqueueMany(name, chunk))));
  }
  return ids;
}

/** One statement in an agency, as the app role (RLS applies). */
export async function inAgency<T = any>(
  client: Client,
  agencyId: string,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  await client.query('BEGIN');
  try {
    await client.query(`SELECT set_config('app.agency_id', $1, true)`, [agencyId]);
    const result = await client.query(sql, params);
    await client.query('COMMIT');
    return result.rows as T[];
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
}

/** A worker process (node, the TypeScript sources via swc) against the test database and Redis. */
export class WorkerChild {
  readonly process: ChildProcess;
  private output = '';
  readonly exited: Promise<number | null>;

  constructor(env: Record<string, string | undefined>) {
    this.process = spawn(
      process.execPath,
      ['-e', tsEntryScript(join(__dirname, 'worker-child.ts'))],
      {
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    this.process.stdout!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.process.stderr!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.exited = new Promise((resolve) => this.process.on('exit', (code) => resolve(code)));
  }

  get pid(): number {
    return this.process.pid!;
  }

  async waitForLine(pattern: RegExp): Promise<RegExpMatchArray> {
    return waitFor(
      `worker child output ${pattern}`,
      () => {
        const match = this.output.match(pattern);
        if (match) return Promise.resolve(match);
        if (this.process.exitCode !== null) {
          throw new Error(`worker child exited (${this.process.exitCode}):\n${this.output}`);
        }
        return Promise.resolve(undefined);
      },
      undefined,
      25,
    );
  }

  async stop(): Promise<void> {
    if (this.process.exitCode !== null || this.process.signalCode) return;
    this.process.kill('SIGTERM');
    await this.exited;
  }
}
