import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseUsagePrices, UsagePrices } from '../usage/usage-bill';

/**
 * The process configuration, read once from the environment and validated before anything
 * starts. A bad value stops the process with a message naming the variable (see ConfigError).
 */
export interface AppConfig {
  nodeEnv: 'development' | 'production' | 'test';
  host: string;
  port: number;
  /** At SIGTERM, how long to keep serving (reporting not ready) before closing: see main.ts. */
  shutdownDrainMs: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** App-role connection (non-owner, no BYPASSRLS). Undefined = start embedded PostgreSQL. */
  databaseUrl?: string;
  /**
   * Owner-role connection, used only by migrations and agency sync, each in a short-lived
   * connection of its own. Never defaults to databaseUrl: the API must not run as the owner.
   */
  databaseOwnerUrl?: string;
  databasePoolSize: number;
  /**
   * A second app-role connection (a streaming replica, or a pooler in front of replicas) for
   * lag-tolerant reads: lists, exports, reports (see ReadReplica). Undefined = all on the primary.
   */
  databaseReadUrl?: string;
  databaseReadPoolSize: number;
  /**
   * The outbox relay's LISTEN connection, a session of its own: DATABASE_URL unless set; behind a
   * transaction-mode pooler, PostgreSQL directly (or a session-mode pool). 'off': no LISTEN, the
   * relay polls every JOB_POLL_MS.
   */
  databaseListenUrl?: string;
  /** Run parameterised statements as named prepared statements (off behind old PgBouncers). */
  databasePreparedStatements: boolean;
  migrateOnStart: boolean;
  /** Per-connection limits of the app role's pool (milliseconds, 0 = none). */
  databaseTimeouts: { statementMs: number; idleInTransactionMs: number };
  embedded: { dataDir: string; port: number };
  redisUrl?: string;
  /** Run the job relay and handlers inside the API process (the default without Redis). */
  workerInProcess: boolean;
  /**
   * Set only by `npm run seed:demo` (never from the environment): its short-lived process, which
   * serves no one, may move its Clock to tell the demo's past (see Clock.setNow).
   */
  demoTimeTravel?: boolean;
  /** Where a worker process writes its heartbeat for its health check (unset: none written). */
  workerHealthFile?: string;
  /** Background jobs: BullMQ key prefix and the relay/worker tunables (JOB_* variables). */
  jobs: {
    queuePrefix: string;
    concurrency: number;
    /** A claimed or running job silent this long is taken as lost and run again. */
    leaseMs: number;
    pollMs: number;
    retryBaseMs: number;
    maxAttempts: number;
  };
  agencyConfigDir: string;
  dataDir: string;
  auth: {
    tokenSecret: string;
    /** The access-token secret before the last rotation: its tokens verify until they expire. */
    previousTokenSecret?: string;
    accessTokenTtlSeconds: number;
    refreshTokenTtlSeconds: number;
    /** A web page session ends after this long without a request (sliding). */
    webSessionIdleSeconds: number;
    /** ...and after this long in any case, however active. */
    webSessionMaxSeconds: number;
    /** An API session (refresh-token family) ends after this long however often it is refreshed. */
    apiSessionMaxSeconds: number;
    /** Money actions need a second factor checked this recently (an agency's YAML may shorten it). */
    stepUpMaxAgeSeconds: number;
    /** A password-checked sign-in waiting for its second factor (or enrolment) lapses after this. */
    mfaChallengeTtlSeconds: number;
  };
  /** 32-byte key (base64) for TOTP secrets at rest. */
  mfaEncryptionKey: string;
  smtpUrl?: string;
  /** Where people open the web app (links in emails), without a trailing slash. */
  publicAppUrl: string;
  /** Local disk storage root (STORAGE_DRIVER=local). */
  storageDir: string;
  /** Where documents live: local disk (default) or an S3-compatible bucket. */
  storage: StorageConfig;
  /** Payment files at rest: the master key (32 bytes, base64) that wraps each file's data key,
   * and earlier master keys still accepted for opening (rotation). Separate from the payee key. */
  paymentFileKeys: { current: string; previous: string[] };
  /** 32-byte key (base64) for payee bank details at rest. */
  payeeEncryptionKey: string;
  /** Which proxies' X-Forwarded-For to believe (Fastify trustProxy): none, a hop count, or addresses/CIDRs. */
  trustedProxies: false | number | string[];
  /** Abuse limits on sign-in and on routes that send email (RATE_LIMIT_*, LOGIN_*, ...). */
  abuse: AbuseLimits;
  /**
   * A secret whose variable an agency's YAML names (single sign-on client secrets): read from
   * the same environment as the rest, never stored in the configuration or the database.
   */
  namedSecret(name: string): string | undefined;
  /**
   * Prometheus metrics: off unless METRICS_TOKEN (GET /metrics on the API's port with that bearer
   * token) or METRICS_PORT (a listener of its own, for the API and the worker) is set.
   */
  metrics: { token?: string; port?: number; host: string };
  /** Usage metering: how often request tallies are written; the optional cost model. */
  usage: { flushSeconds: number; prices: UsagePrices };
  /** Outgoing webhooks to agencies' systems (WEBHOOK_* variables; src/webhooks). */
  webhooks: WebhookConfig;
}

export interface WebhookConfig {
  /** 32-byte key (base64) for the endpoints' signing secrets at rest. */
  encryptionKey: string;
  /** Only https endpoints (NODE_ENV=production). */
  requireHttps: boolean;
  /** Loopback, private, link-local... endpoints allowed (development and tests only). */
  allowPrivateNetworks: boolean;
  /** One delivery attempt's limit, connection to response headers and snippet. */
  timeoutMs: number;
  /** Waits before each retry (the first attempt is immediate): attempts = length + 1. */
  retryScheduleMs: number[];
  /** This many failed attempts in a row (any delivery) disable the endpoint. */
  disableAfterFailures: number;
  /** After a rotation, the previous secret still signs (beside the new one) this long. */
  secretGraceHours: number;
  /** Finished deliveries (and their attempts) are kept this long in the delivery log. */
  logRetentionDays: number;
}

export type StorageConfig = { driver: 'local' } | { driver: 's3'; s3: S3StorageConfig };

/** An S3-compatible bucket. Credentials come from the AWS SDK's default chain (AWS_* variables,
 * shared config, web identity, instance/container roles), never from our own variables. */
export interface S3StorageConfig {
  bucket: string;
  region: string;
  /** For S3-compatible services (MinIO, Ceph, R2...); unset = AWS S3. */
  endpoint?: string;
  forcePathStyle: boolean;
  /** Server-side encryption asked of the bucket on every put (x-amz-server-side-encryption). */
  serverSideEncryption?: S3ServerSideEncryption;
  kmsKeyId?: string;
}

export const S3_SSE_MODES = ['AES256', 'aws:kms', 'aws:kms:dsse'] as const;
export type S3ServerSideEncryption = (typeof S3_SSE_MODES)[number];

export interface AbuseLimits {
  /** Fixed window of the per-IP and global request limits. */
  windowSeconds: number;
  authPerIp: number;
  authGlobal: number;
  emailPerIp: number;
  emailGlobal: number;
  /** Public open-data routes (CommonGrants), per client IP. */
  publicDataPerIp: number;
  /** Invitation emails per organization and per agency per hour, counted after authorization. */
  invitationsPerOrganizationPerHour: number;
  invitationsPerAgencyPerHour: number;
  /** After this many failed logins for one email, each further attempt waits a growing delay. */
  loginDelayAfterFailures: number;
  loginDelayBaseSeconds: number;
  loginDelayMaxSeconds: number;
  /** argon2 runs at most this many at once; others wait up to passwordHashWaitMs in a short queue. */
  passwordHashConcurrency: number;
  passwordHashMaxWaiting: number;
  passwordHashWaitMs: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

type Env = Record<string, string | undefined>;

class Reader {
  readonly problems: string[] = [];
  constructor(private readonly env: Env) {}

  str(name: string, fallback?: string): string | undefined {
    const raw = this.env[name];
    if (raw === undefined || raw.trim() === '') return fallback;
    return raw.trim();
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const value = this.str(name, fallback)!;
    if (!allowed.includes(value as T)) {
      this.problems.push(`${name}: must be one of ${allowed.join(', ')} (got "${value}")`);
      return fallback;
    }
    return value as T;
  }

  int(name: string, fallback: number, min: number, max: number): number {
    const raw = this.str(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      this.problems.push(`${name}: must be an integer from ${min} to ${max} (got "${raw}")`);
      return fallback;
    }
    return value;
  }

  bool(name: string, fallback: boolean): boolean {
    const raw = this.str(name);
    if (raw === undefined) return fallback;
    if (['true', '1', 'yes'].includes(raw.toLowerCase())) return true;
    if (['false', '0', 'no'].includes(raw.toLowerCase())) return false;
    this.problems.push(`${name}: must be true or false (got "${raw}")`);
    return fallback;
  }

  url(name: string, protocols: string[]): string | undefined {
    const raw = this.str(name);
    if (raw === undefined) return undefined;
    try {
      const parsed = new URL(raw);
      if (!protocols.includes(parsed.protocol)) {
        this.problems.push(
          `${name}: must use ${protocols.join(' or ')} (got "${parsed.protocol}")`,
        );
      }
    } catch {
      this.problems.push(`${name}: is not a valid URL`);
    }
    return raw;
  }
}

/**
 * Development secrets are generated once and kept under the data directory so tokens survive a
 * restart of `npm start`. Production must set them explicitly.
 */
function devSecret(dataDir: string, name: string, bytes: number): string {
  const file = resolve(dataDir, 'dev-secrets.json');
  let secrets: Record<string, string> = {};
  if (existsSync(file)) secrets = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
  if (!secrets[name]) {
    secrets[name] = randomBytes(bytes).toString('base64');
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  }
  return secrets[name];
}

/** S3 bucket names: 3-63 lowercase letters, digits, dots and hyphens (AWS's rules, simplified). */
const S3_BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** STORAGE_DRIVER and, for s3, the S3_* variables: every mistake is reported at boot. */
function storageConfig(r: Reader, env: Env): StorageConfig {
  const driver = r.oneOf('STORAGE_DRIVER', ['local', 's3'] as const, 'local');
  const s3Names = ['S3_BUCKET', 'S3_ENDPOINT', 'S3_SSE', 'S3_SSE_KMS_KEY_ID'];
  if (driver === 'local') {
    const stray = s3Names.filter((name) => r.str(name) !== undefined);
    if (stray.length > 0) {
      r.problems.push(
        `${stray.join(', ')}: set, but STORAGE_DRIVER is not s3 (files would go to local disk)`,
      );
    }
    return { driver };
  }
  const bucket = r.str('S3_BUCKET');
  if (bucket === undefined) r.problems.push('S3_BUCKET: is required when STORAGE_DRIVER=s3');
  else if (!S3_BUCKET.test(bucket)) {
    r.problems.push(
      `S3_BUCKET: "${bucket}" is not a valid bucket name (3-63 of a-z, 0-9, ".", "-")`,
    );
  }
  const region = r.str('S3_REGION') ?? r.str('AWS_REGION');
  if (region === undefined) {
    r.problems.push('S3_REGION: is required when STORAGE_DRIVER=s3 (or set AWS_REGION)');
  }
  const endpoint = r.url('S3_ENDPOINT', ['http:', 'https:']);
  const sseRaw = r.str('S3_SSE');
  let serverSideEncryption: S3ServerSideEncryption | undefined;
  if (sseRaw !== undefined && sseRaw.toLowerCase() !== 'none') {
    serverSideEncryption = r.oneOf('S3_SSE', S3_SSE_MODES, 'AES256');
  }
  const kmsKeyId = r.str('S3_SSE_KMS_KEY_ID');
  if (kmsKeyId !== undefined && !serverSideEncryption?.startsWith('aws:kms')) {
    r.problems.push('S3_SSE_KMS_KEY_ID: needs S3_SSE=aws:kms (or aws:kms:dsse)');
  }
  // Half a static key pair would silently fall through to another credential source.
  const keyId = env.AWS_ACCESS_KEY_ID?.trim();
  const secret = env.AWS_SECRET_ACCESS_KEY?.trim();
  if (Boolean(keyId) !== Boolean(secret)) {
    r.problems.push('AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY: set both or neither');
  }
  return {
    driver,
    s3: {
      bucket: bucket ?? '',
      region: region ?? '',
      endpoint,
      forcePathStyle: r.bool('S3_FORCE_PATH_STYLE', false),
      serverSideEncryption,
      kmsKeyId,
    },
  };
}

/**
 * TRUSTED_PROXIES: unset = trust no proxy (the socket address is the client); a number = that many
 * proxy hops in front; else a comma list of addresses, CIDRs or proxy-addr's names (loopback,
 * linklocal, uniquelocal). Only these proxies' X-Forwarded-For is believed.
 */
function trustedProxies(r: Reader): false | number | string[] {
  const raw = r.str('TRUSTED_PROXIES');
  if (raw === undefined || raw.toLowerCase() === 'none') return false;
  if (/^\d+$/.test(raw)) return r.int('TRUSTED_PROXIES', 0, 0, 100) || false;
  const entries = raw
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  for (const entry of entries) {
    const [address, prefix, ...rest] = entry.split('/');
    const family = isIP(address);
    const named = ['loopback', 'linklocal', 'uniquelocal'].includes(entry);
    const prefixOk =
      prefix === undefined || (/^\d+$/.test(prefix) && Number(prefix) <= (family === 6 ? 128 : 32));
    if (!named && (family === 0 || !prefixOk || rest.length > 0)) {
      r.problems.push(
        `TRUSTED_PROXIES: "${entry}" is not an IP address, a CIDR, loopback, linklocal or uniquelocal`,
      );
    }
  }
  return entries;
}

export function loadConfig(env: Env = process.env): AppConfig {
  const r = new Reader(env);
  const nodeEnv = r.oneOf(
    'NODE_ENV',
    ['development', 'production', 'test'] as const,
    'development',
  );
  const dataDir = resolve(r.str('DATA_DIR', '.data')!);
  const databaseUrl = r.url('DATABASE_URL', ['postgres:', 'postgresql:']);
  const databaseOwnerUrl = r.url('DATABASE_OWNER_URL', ['postgres:', 'postgresql:']);
  const databaseReadUrl = r.url('DATABASE_READ_URL', ['postgres:', 'postgresql:']);
  const databaseListenUrl =
    r.str('DATABASE_LISTEN_URL') === 'off'
      ? 'off'
      : r.url('DATABASE_LISTEN_URL', ['postgres:', 'postgresql:']);
  const redisUrl = r.url('REDIS_URL', ['redis:', 'rediss:']);
  const publicAppUrl = r.url('PUBLIC_APP_URL', ['http:', 'https:']);
  const production = nodeEnv === 'production';

  let tokenSecret = r.str('AUTH_TOKEN_SECRET');
  if (tokenSecret !== undefined && tokenSecret.length < 32) {
    r.problems.push('AUTH_TOKEN_SECRET: must be at least 32 characters');
  }
  if (tokenSecret === undefined && production) {
    r.problems.push('AUTH_TOKEN_SECRET: is required when NODE_ENV=production');
  }
  const previousTokenSecret = r.str('AUTH_TOKEN_SECRET_PREVIOUS');
  if (previousTokenSecret !== undefined && previousTokenSecret.length < 32) {
    r.problems.push('AUTH_TOKEN_SECRET_PREVIOUS: must be at least 32 characters');
  }

  let payeeEncryptionKey = r.str('PAYEE_ENCRYPTION_KEY');
  if (payeeEncryptionKey !== undefined && Buffer.from(payeeEncryptionKey, 'base64').length !== 32) {
    r.problems.push('PAYEE_ENCRYPTION_KEY: must be 32 bytes, base64-encoded');
  }
  if (payeeEncryptionKey === undefined && production) {
    r.problems.push('PAYEE_ENCRYPTION_KEY: is required when NODE_ENV=production');
  }
  let mfaEncryptionKey = r.str('MFA_ENCRYPTION_KEY');
  if (mfaEncryptionKey !== undefined && Buffer.from(mfaEncryptionKey, 'base64').length !== 32) {
    r.problems.push('MFA_ENCRYPTION_KEY: must be 32 bytes, base64-encoded');
  }
  if (mfaEncryptionKey === undefined && production) {
    r.problems.push('MFA_ENCRYPTION_KEY: is required when NODE_ENV=production');
  }
  // Payment files at rest (envelope encryption): a key of their own, never the payee key.
  let paymentFileKey = r.str('PAYMENT_FILE_ENCRYPTION_KEY');
  const paymentFilePreviousKeys = (r.str('PAYMENT_FILE_ENCRYPTION_PREVIOUS_KEYS') ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter((k) => k !== '');
  for (const [name, key] of [
    ['PAYMENT_FILE_ENCRYPTION_KEY', paymentFileKey],
    ...paymentFilePreviousKeys.map((k) => ['PAYMENT_FILE_ENCRYPTION_PREVIOUS_KEYS', k]),
  ] as const) {
    if (key !== undefined && Buffer.from(key, 'base64').length !== 32) {
      r.problems.push(`${name}: must be 32 bytes, base64-encoded`);
    }
  }
  if (paymentFileKey === undefined && production) {
    r.problems.push('PAYMENT_FILE_ENCRYPTION_KEY: is required when NODE_ENV=production');
  }
  if (paymentFileKey !== undefined && paymentFileKey === payeeEncryptionKey) {
    r.problems.push('PAYMENT_FILE_ENCRYPTION_KEY: must differ from PAYEE_ENCRYPTION_KEY');
  }
  if (production && !databaseUrl) {
    r.problems.push(
      'DATABASE_URL: is required when NODE_ENV=production (embedded PostgreSQL is for development)',
    );
  }

  // --- database role and limits (issue 13, items 12-13) ---
  // Migrations need the owner. With an external DATABASE_URL and no owner URL they default off
  // (a setup job runs them); asking for them without the owner URL is a configuration error.
  const migrateOnStart = r.bool('MIGRATE_ON_START', !databaseUrl || databaseOwnerUrl !== undefined);
  if (migrateOnStart && databaseUrl && !databaseOwnerUrl) {
    r.problems.push(
      'MIGRATE_ON_START: needs DATABASE_OWNER_URL (migrations run as the owner role); set it, or run migrations with npm run migration:run and set MIGRATE_ON_START=false',
    );
  }
  const databaseTimeouts = {
    statementMs: r.int('DATABASE_STATEMENT_TIMEOUT_MS', 30_000, 0, 3_600_000),
    idleInTransactionMs: r.int('DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS', 60_000, 0, 3_600_000),
  };
  // --- end database role and limits ---

  // --- metrics and usage (issue 17, items 4-5) ---
  const metricsToken = r.str('METRICS_TOKEN');
  if (metricsToken !== undefined && metricsToken.length < 24) {
    r.problems.push('METRICS_TOKEN: must be at least 24 characters');
  }
  const metricsPort = r.str('METRICS_PORT') ? r.int('METRICS_PORT', 0, 1, 65535) : undefined;
  const usagePrices = parseUsagePrices(r.str('USAGE_PRICES') ?? '');
  for (const problem of usagePrices.problems) r.problems.push(`USAGE_PRICES: ${problem}`);
  // --- end metrics and usage ---

  // --- webhooks (issue 18, item 4) ---
  let webhookEncryptionKey = r.str('WEBHOOK_ENCRYPTION_KEY');
  if (
    webhookEncryptionKey !== undefined &&
    Buffer.from(webhookEncryptionKey, 'base64').length !== 32
  ) {
    r.problems.push('WEBHOOK_ENCRYPTION_KEY: must be 32 bytes, base64-encoded');
  }
  if (webhookEncryptionKey === undefined && production) {
    r.problems.push('WEBHOOK_ENCRYPTION_KEY: is required when NODE_ENV=production');
  }
  const webhookRetrySchedule = parseDurations(
    r.str('WEBHOOK_RETRY_SCHEDULE') ?? DEFAULT_WEBHOOK_RETRY_SCHEDULE,
  );
  if (webhookRetrySchedule === undefined) {
    r.problems.push(
      'WEBHOOK_RETRY_SCHEDULE: must be a comma list of up to 20 durations such as 5s,5m,30m,2h (units ms, s, m, h; each at most 24h)',
    );
  }
  const allowPrivateNetworks = r.bool('WEBHOOK_ALLOW_PRIVATE_NETWORKS', false);
  // --- end webhooks ---

  const config: AppConfig = {
    namedSecret: (name) => env[name] || undefined,
    nodeEnv,
    host: r.str('HOST', '127.0.0.1')!,
    port: r.int('PORT', 3000, 0, 65535),
    shutdownDrainMs: r.int('SHUTDOWN_DRAIN_MS', production ? 5000 : 0, 0, 120_000),
    logLevel: r.oneOf(
      'LOG_LEVEL',
      ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const,
      nodeEnv === 'test' ? 'silent' : 'info',
    ),
    databaseUrl,
    databaseOwnerUrl,
    databasePoolSize: r.int('DATABASE_POOL_SIZE', 10, 1, 500),
    databaseReadUrl,
    databaseReadPoolSize: r.int('DATABASE_READ_POOL_SIZE', 10, 1, 500),
    databaseListenUrl,
    databasePreparedStatements: r.bool('DATABASE_PREPARED_STATEMENTS', true),
    migrateOnStart,
    databaseTimeouts,
    embedded: {
      dataDir: resolve(dataDir, 'postgres'),
      port: r.int('EMBEDDED_PG_PORT', 54329, 1024, 65535),
    },
    redisUrl,
    workerInProcess: r.bool('WORKER_IN_PROCESS', !redisUrl),
    workerHealthFile: r.str('WORKER_HEALTH_FILE') && resolve(r.str('WORKER_HEALTH_FILE')!),
    jobs: {
      queuePrefix: r.str('JOB_QUEUE_PREFIX', 'gc')!,
      concurrency: r.int('JOB_CONCURRENCY', 8, 1, 256),
      leaseMs: r.int('JOB_LEASE_MS', 30_000, 500, 3_600_000),
      pollMs: r.int('JOB_POLL_MS', 1000, 20, 60_000),
      retryBaseMs: r.int('JOB_RETRY_BASE_MS', 5000, 1, 3_600_000),
      maxAttempts: r.int('JOB_MAX_ATTEMPTS', 8, 1, 100),
    },
    agencyConfigDir: resolve(r.str('AGENCY_CONFIG_DIR', 'config/agencies')!),
    dataDir,
    auth: {
      tokenSecret: '',
      previousTokenSecret,
      accessTokenTtlSeconds: r.int('ACCESS_TOKEN_TTL_SECONDS', 900, 30, 86400),
      refreshTokenTtlSeconds: r.int('REFRESH_TOKEN_TTL_SECONDS', 1209600, 300, 31536000),
      webSessionIdleSeconds: r.int('WEB_SESSION_IDLE_SECONDS', 3600, 60, 86400),
      webSessionMaxSeconds: r.int('WEB_SESSION_MAX_SECONDS', 43200, 300, 604800),
      apiSessionMaxSeconds: r.int('API_SESSION_MAX_SECONDS', 43200, 300, 31536000),
      stepUpMaxAgeSeconds: r.int('STEP_UP_MAX_AGE_SECONDS', 900, 30, 86400),
      mfaChallengeTtlSeconds: r.int('MFA_CHALLENGE_TTL_SECONDS', 600, 60, 3600),
    },
    mfaEncryptionKey: '',
    smtpUrl: r.url('SMTP_URL', ['smtp:', 'smtps:']),
    publicAppUrl: '',
    storageDir: resolve(r.str('STORAGE_DIR', resolve(dataDir, 'attachments'))!),
    storage: storageConfig(r, env),
    paymentFileKeys: { current: '', previous: paymentFilePreviousKeys },
    payeeEncryptionKey: '',
    trustedProxies: trustedProxies(r),
    abuse: {
      windowSeconds: r.int('RATE_LIMIT_WINDOW_SECONDS', 60, 1, 86_400),
      authPerIp: r.int('RATE_LIMIT_AUTH_PER_IP', 30, 1, 10_000_000),
      authGlobal: r.int('RATE_LIMIT_AUTH_GLOBAL', 1200, 1, 10_000_000),
      emailPerIp: r.int('RATE_LIMIT_EMAIL_PER_IP', 30, 1, 10_000_000),
      emailGlobal: r.int('RATE_LIMIT_EMAIL_GLOBAL', 600, 1, 10_000_000),
      publicDataPerIp: r.int('RATE_LIMIT_PUBLIC_DATA_PER_IP', 300, 1, 10_000_000),
      invitationsPerOrganizationPerHour: r.int(
        'INVITATIONS_PER_ORGANIZATION_PER_HOUR',
        50,
        1,
        10_000_000,
      ),
      invitationsPerAgencyPerHour: r.int('INVITATIONS_PER_AGENCY_PER_HOUR', 500, 1, 10_000_000),
      loginDelayAfterFailures: r.int('LOGIN_DELAY_AFTER_FAILURES', 5, 1, 1000),
      loginDelayBaseSeconds: r.int('LOGIN_DELAY_BASE_SECONDS', 30, 1, 86_400),
      loginDelayMaxSeconds: r.int('LOGIN_DELAY_MAX_SECONDS', 900, 1, 86_400),
      passwordHashConcurrency: r.int('PASSWORD_HASH_CONCURRENCY', 4, 1, 256),
      passwordHashMaxWaiting: r.int('PASSWORD_HASH_MAX_WAITING', 32, 0, 100_000),
      passwordHashWaitMs: r.int('PASSWORD_HASH_WAIT_MS', 2000, 1, 600_000),
    },
    metrics: {
      token: metricsToken,
      port: metricsPort,
      host: r.str('METRICS_HOST', r.str('HOST', '127.0.0.1'))!,
    },
    usage: { flushSeconds: r.int('USAGE_FLUSH_SECONDS', 10, 1, 3600), prices: usagePrices.prices },
    webhooks: {
      encryptionKey: '',
      requireHttps: production,
      allowPrivateNetworks,
      // At most 30 s: an attempt runs inside its job's transaction, well within the default
      // idle-in-transaction limit (60 s) and the job lease (30 s).
      timeoutMs: r.int('WEBHOOK_TIMEOUT_MS', 10_000, 100, 30_000),
      retryScheduleMs: webhookRetrySchedule ?? [],
      disableAfterFailures: r.int('WEBHOOK_DISABLE_AFTER_FAILURES', 15, 1, 10_000),
      secretGraceHours: r.int('WEBHOOK_SECRET_GRACE_HOURS', 24, 0, 720),
      logRetentionDays: r.int('WEBHOOK_LOG_RETENTION_DAYS', 30, 1, 3650),
    },
  };

  config.publicAppUrl = (publicAppUrl ?? `http://127.0.0.1:${config.port}`).replace(/\/+$/, '');
  if (r.problems.length > 0) throw new ConfigError(r.problems);
  // Secrets are resolved last so an invalid config never writes a dev secret file.
  tokenSecret ??= devSecret(dataDir, 'AUTH_TOKEN_SECRET', 48);
  payeeEncryptionKey ??= devSecret(dataDir, 'PAYEE_ENCRYPTION_KEY', 32);
  config.auth.tokenSecret = tokenSecret;
  config.payeeEncryptionKey = payeeEncryptionKey;
  paymentFileKey ??= devSecret(dataDir, 'PAYMENT_FILE_ENCRYPTION_KEY', 32);
  config.paymentFileKeys.current = paymentFileKey;
  mfaEncryptionKey ??= devSecret(dataDir, 'MFA_ENCRYPTION_KEY', 32);
  config.mfaEncryptionKey = mfaEncryptionKey;
  webhookEncryptionKey ??= devSecret(dataDir, 'WEBHOOK_ENCRYPTION_KEY', 32);
  config.webhooks.encryptionKey = webhookEncryptionKey;
  return config;
}

/** Standard Webhooks' (and Svix's) schedule: about 28 hours from the first attempt to the last. */
export const DEFAULT_WEBHOOK_RETRY_SCHEDULE = '5s,5m,30m,2h,5h,10h,10h';

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** "5s,5m,2h" -> milliseconds; undefined when any part is not a duration up to 24 hours. */
export function parseDurations(text: string): number[] | undefined {
  const parts = text.split(',').map((p) => p.trim());
  if (parts.length > 20) return undefined;
  const values: number[] = [];
  for (const part of parts) {
    const match = /^(\d{1,9})(ms|s|m|h)$/.exec(part);
    if (!match) return undefined;
    const ms = Number(match[1]) * DURATION_UNITS[match[2]];
    if (ms > 24 * 3_600_000) return undefined;
    values.push(ms);
  }
  return values;
}
