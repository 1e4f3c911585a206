import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './env';

const dataDir = () => mkdtempSync(join(tmpdir(), 'gc-env-'));

describe('loadConfig', () => {
  it('names every bad variable and what is wrong with it', () => {
    let caught: unknown;
    try {
      loadConfig({
        DATA_DIR: dataDir(),
        PORT: 'eighty',
        DATABASE_URL: 'mysql://x',
        MIGRATE_ON_START: 'maybe',
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const problems = (caught as ConfigError).problems;
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^PORT: must be an integer/),
        expect.stringMatching(/^DATABASE_URL: must use postgres:/),
        expect.stringMatching(/^MIGRATE_ON_START: must be true or false/),
      ]),
    );
  });

  it('requires real secrets and an external database in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', DATA_DIR: dataDir() })).toThrow(
      /AUTH_TOKEN_SECRET: is required[\s\S]*PAYEE_ENCRYPTION_KEY: is required[\s\S]*DATABASE_URL: is required/,
    );
  });

  it('never uses DATABASE_URL as the owner, and migrates on start only with the owner URL', () => {
    const app = 'postgres://app:a@db/gc';
    const owner = 'postgres://owner:o@db/gc';
    const appOnly = loadConfig({ DATA_DIR: dataDir(), DATABASE_URL: app });
    expect(appOnly.databaseOwnerUrl).toBeUndefined();
    expect(appOnly.migrateOnStart).toBe(false);
    const both = loadConfig({ DATA_DIR: dataDir(), DATABASE_URL: app, DATABASE_OWNER_URL: owner });
    expect(both.migrateOnStart).toBe(true);
    expect(() =>
      loadConfig({ DATA_DIR: dataDir(), DATABASE_URL: app, MIGRATE_ON_START: 'true' }),
    ).toThrow(/MIGRATE_ON_START: needs DATABASE_OWNER_URL/);
    expect(loadConfig({ DATA_DIR: dataDir() }).migrateOnStart).toBe(true); // embedded
  });

  it('reads the database timeouts, 30 s and 60 s by default', () => {
    expect(loadConfig({ DATA_DIR: dataDir() }).databaseTimeouts).toEqual({
      statementMs: 30_000,
      idleInTransactionMs: 60_000,
    });
    expect(
      loadConfig({
        DATA_DIR: dataDir(),
        DATABASE_STATEMENT_TIMEOUT_MS: '5000',
        DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: '0',
      }).databaseTimeouts,
    ).toEqual({ statementMs: 5000, idleInTransactionMs: 0 });
  });

  it('reads the optional read pool and LISTEN connection: unset, all on DATABASE_URL', () => {
    const none = loadConfig({ DATA_DIR: dataDir() });
    expect(none).toMatchObject({ databaseReadPoolSize: 10 });
    expect(none.databaseReadUrl).toBeUndefined();
    expect(none.databaseListenUrl).toBeUndefined();
    const replica = 'postgres://app:x@replica:5432/gc';
    expect(
      loadConfig({
        DATA_DIR: dataDir(),
        DATABASE_READ_URL: replica,
        DATABASE_READ_POOL_SIZE: '4',
        DATABASE_LISTEN_URL: 'off',
      }),
    ).toMatchObject({
      databaseReadUrl: replica,
      databaseReadPoolSize: 4,
      databaseListenUrl: 'off',
    });
    expect(() =>
      loadConfig({
        DATA_DIR: dataDir(),
        DATABASE_READ_URL: 'redis://x',
        DATABASE_LISTEN_URL: 'on',
      }),
    ).toThrow(
      /DATABASE_READ_URL: must use postgres:[\s\S]*DATABASE_LISTEN_URL: is not a valid URL/,
    );
  });

  it('defaults to the embedded database and in-process jobs, and keeps dev secrets across loads', () => {
    const dir = dataDir();
    const first = loadConfig({ DATA_DIR: dir });
    expect(first.databaseUrl).toBeUndefined();
    expect(first.workerInProcess).toBe(true);
    expect(loadConfig({ DATA_DIR: dir }).auth.tokenSecret).toBe(first.auth.tokenSecret);
  });

  it('reads the previous access-token secret of a rotation, refusing a short one', () => {
    const previous = 'p'.repeat(40);
    const config = loadConfig({ DATA_DIR: dataDir(), AUTH_TOKEN_SECRET_PREVIOUS: previous });
    expect(config.auth.previousTokenSecret).toBe(previous);
    expect(loadConfig({ DATA_DIR: dataDir() }).auth.previousTokenSecret).toBeUndefined();
    expect(() => loadConfig({ DATA_DIR: dataDir(), AUTH_TOKEN_SECRET_PREVIOUS: 'short' })).toThrow(
      /AUTH_TOKEN_SECRET_PREVIOUS: must be at least 32 characters/,
    );
  });

  it('runs jobs out of process when Redis is configured', () => {
    const config = loadConfig({ DATA_DIR: dataDir(), REDIS_URL: 'redis://127.0.0.1:6379' });
    expect(config.workerInProcess).toBe(false);
  });

  it('builds email links from PUBLIC_APP_URL, by default the local server', () => {
    expect(loadConfig({ DATA_DIR: dataDir(), PORT: '3100' }).publicAppUrl).toBe(
      'http://127.0.0.1:3100',
    );
    expect(
      loadConfig({ DATA_DIR: dataDir(), PUBLIC_APP_URL: 'https://grants.example.org/portal/' })
        .publicAppUrl,
    ).toBe('https://grants.example.org/portal');
    expect(() => loadConfig({ DATA_DIR: dataDir(), PUBLIC_APP_URL: 'ftp://x.example' })).toThrow(
      /PUBLIC_APP_URL: must use http: or https:/,
    );
  });

  it('trusts no proxy by default; TRUSTED_PROXIES takes a hop count or addresses and CIDRs', () => {
    const load = (value?: string) =>
      loadConfig({ DATA_DIR: dataDir(), TRUSTED_PROXIES: value }).trustedProxies;
    expect(load()).toBe(false);
    expect(load('none')).toBe(false);
    expect(load('2')).toBe(2);
    expect(load('10.0.0.0/8, 192.168.1.7,fd00::/8,loopback')).toEqual([
      '10.0.0.0/8',
      '192.168.1.7',
      'fd00::/8',
      'loopback',
    ]);
    expect(() => load('10.0.0.0/33')).toThrow(/TRUSTED_PROXIES: "10.0.0.0\/33" is not/);
    expect(() => load('proxy.example.org')).toThrow(/TRUSTED_PROXIES/);
  });

  describe('object storage', () => {
    const problemsOf = (env: Record<string, string>): string[] => {
      try {
        loadConfig({ DATA_DIR: dataDir(), ...env });
      } catch (error) {
        return (error as ConfigError).problems;
      }
      return [];
    };

    it('is local disk unless STORAGE_DRIVER=s3, which takes the S3_* settings', () => {
      expect(loadConfig({ DATA_DIR: dataDir() }).storage).toEqual({ driver: 'local' });
      expect(
        loadConfig({
          DATA_DIR: dataDir(),
          STORAGE_DRIVER: 's3',
          S3_BUCKET: 'gc-documents',
          S3_REGION: 'us-gov-west-1',
          S3_ENDPOINT: 'https://minio.internal:9000',
          S3_FORCE_PATH_STYLE: 'true',
          S3_SSE: 'aws:kms',
          S3_SSE_KMS_KEY_ID: 'alias/grant-commons',
        }).storage,
      ).toEqual({
        driver: 's3',
        s3: {
          bucket: 'gc-documents',
          region: 'us-gov-west-1',
          endpoint: 'https://minio.internal:9000',
          forcePathStyle: true,
          serverSideEncryption: 'aws:kms',
          kmsKeyId: 'alias/grant-commons',
        },
      });
    });

    it('names each missing or wrong S3 setting at boot', () => {
      expect(problemsOf({ STORAGE_DRIVER: 'gcs' })).toEqual([
        expect.stringMatching(/^STORAGE_DRIVER: must be one of local, s3/),
      ]);
      expect(problemsOf({ STORAGE_DRIVER: 's3' })).toEqual([
        'S3_BUCKET: is required when STORAGE_DRIVER=s3',
        'S3_REGION: is required when STORAGE_DRIVER=s3 (or set AWS_REGION)',
      ]);
      expect(
        problemsOf({
          STORAGE_DRIVER: 's3',
          S3_BUCKET: 'Bad_Bucket',
          AWS_REGION: 'us-east-1',
          S3_ENDPOINT: 'ftp://x',
          S3_FORCE_PATH_STYLE: 'perhaps',
          S3_SSE: 'rot13',
          S3_SSE_KMS_KEY_ID: 'alias/x',
          AWS_ACCESS_KEY_ID: 'AKIA...',
        }),
      ).toEqual([
        expect.stringMatching(/^S3_BUCKET: "Bad_Bucket" is not a valid bucket name/),
        expect.stringMatching(/^S3_ENDPOINT: must use http: or https:/),
        expect.stringMatching(/^S3_SSE: must be one of AES256, aws:kms, aws:kms:dsse/),
        'S3_SSE_KMS_KEY_ID: needs S3_SSE=aws:kms (or aws:kms:dsse)',
        'AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY: set both or neither',
        expect.stringMatching(/^S3_FORCE_PATH_STYLE: must be true or false/),
      ]);
    });

    it('refuses S3 settings left beside the local driver (files would silently stay local)', () => {
      expect(problemsOf({ S3_BUCKET: 'gc-documents' })).toEqual([
        expect.stringMatching(/^S3_BUCKET: set, but STORAGE_DRIVER is not s3/),
      ]);
    });
  });
});
