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
});
