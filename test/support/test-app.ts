import 'reflect-metadata';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import pino, { Logger } from 'pino';
import { join } from 'node:path';
import { AppConfig, loadConfig } from '../../src/core/config/env';
import { createApp } from '../../src/create-app';
import { createTestDatabase, TestDatabase } from './database';

export interface TestApp {
  app: NestFastifyApplication;
  db: TestDatabase;
  config: AppConfig;
  /** Send a request through Fastify's inject (no socket): the full HTTP pipeline. */
  request(options: InjectOptions): Promise<TestResponse>;
  close(): Promise<void>;
}

export interface InjectOptions {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  payload?: unknown;
  headers?: Record<string, string>;
  token?: string;
}

export interface TestResponse {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: string;
  /** The body's bytes (files such as PDFs). */
  rawBody: Buffer;
  json<T = any>(): T;
}

/** A factory step's answer must be this status; otherwise fail with what the server said. */
export function expectStatus(res: TestResponse, status: number, what: string): void {
  if (res.status !== status) {
    throw new Error(`${what}: expected ${status}, got ${res.status} ${res.body}`);
  }
}

const GENEROUS_LIMITS = {
  RATE_LIMIT_AUTH_PER_IP: '1000000',
  RATE_LIMIT_AUTH_GLOBAL: '1000000',
  RATE_LIMIT_EMAIL_PER_IP: '1000000',
  RATE_LIMIT_EMAIL_GLOBAL: '1000000',
  RATE_LIMIT_PUBLIC_DATA_PER_IP: '1000000',
  INVITATIONS_PER_ORGANIZATION_PER_HOUR: '1000000',
  INVITATIONS_PER_AGENCY_PER_HOUR: '1000000',
  PASSWORD_HASH_MAX_WAITING: '100000',
  PASSWORD_HASH_WAIT_MS: '600000',
};

export const REPO_ROOT = join(__dirname, '..', '..');

/**
 * The settings of every test app (secrets, the agencies' YAML), also given to the API and worker
 * processes a test starts on the same database, so that each accepts the others' tokens.
 */
export const TEST_APP_ENV: Readonly<Record<string, string>> = {
  NODE_ENV: 'test',
  DATA_DIR: join(REPO_ROOT, '.data', 'test'),
  AUTH_TOKEN_SECRET: 'test-secret-test-secret-test-secret-0123456789',
  PAYEE_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
  PAYMENT_FILE_ENCRYPTION_KEY: Buffer.alloc(32, 9).toString('base64'),
  MFA_ENCRYPTION_KEY: Buffer.alloc(32, 11).toString('base64'),
  MIGRATE_ON_START: 'false',
  AGENCY_CONFIG_DIR: join(REPO_ROOT, 'config', 'agencies'),
  // Each file's app signs in and invites many times from 127.0.0.1: generous abuse limits here;
  // the tests of the limits themselves pass small ones in `env`.
  ...GENEROUS_LIMITS,
};

/**
 * Boots the real application on this test file's own database, connected as the app role.
 * `env` overrides environment variables (e.g. AGENCY_CONFIG_DIR, REDIS_URL); a function of the
 * database when a value names it (a second connection to it, DATABASE_READ_URL).
 */
export async function bootTestApp(
  env:
    | Record<string, string | undefined>
    | ((db: TestDatabase) => Record<string, string | undefined>) = {},
  options: { logger?: Logger } = {},
): Promise<TestApp> {
  const db = await createTestDatabase();
  const config = loadConfig({
    ...TEST_APP_ENV,
    DATABASE_URL: db.appUrl,
    DATABASE_OWNER_URL: db.ownerUrl,
    // Last: a test may route the app role through something else (a PgBouncer) to the same db.
    ...(typeof env === 'function' ? env(db) : env),
  });
  const app = await createApp(config, options.logger ?? pino({ level: 'silent' }));
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return {
    app,
    db,
    config,
    request: async ({ method, url, payload, headers = {}, token }) => {
      const response = await app.inject({
        method,
        url,
        payload: payload as string | object | undefined,
        headers: { ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) },
      });
      return {
        status: response.statusCode,
        headers: response.headers,
        body: response.body,
        rawBody: response.rawPayload,
        json: () => response.json(),
      };
    },
    close: async () => {
      await app.close();
      await db.drop();
    },
  };
}
