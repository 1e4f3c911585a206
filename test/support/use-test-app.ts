import type { Logger } from 'pino';
import { Clock } from '../../src/core/clock/clock';
import type { TestDatabase } from './database';
import { bootTestApp, InjectOptions, TestApp } from './test-app';

type TestEnv = Record<string, string | undefined>;

export interface UseTestAppOptions {
  /**
   * Environment overrides for this file's app (see bootTestApp); a function when they are known
   * only once earlier `beforeAll` steps ran (a port, a directory) or the file's database is
   * made (its name), called just before boot.
   */
  env?: TestEnv | ((db: TestDatabase) => TestEnv);
  logger?: Logger;
  /**
   * Where the server's clock stands at the start of every test (back to real time after each).
   * Time-dependent tests set the time (`t.clock.set`) instead of waiting for it.
   */
  clock?: Date | string;
}

/** The server's Clock as a test moves it (NODE_ENV=test only; see src/core/clock). */
export interface TestClock {
  set(instant: Date | string): void;
  reset(): void;
  now(): Date;
}

export interface UsedTestApp extends TestApp {
  clock: TestClock;
  /** Runs at teardown, before the app closes and its database is dropped (pg clients, servers). */
  cleanup(step: () => unknown): void;
}

/**
 * The preamble every integration file shares, in one line: boots the real app on a database of
 * the file's own (cloned from the migrated template) before the file's tests, stands the clock
 * where `clock` says before each test and resets it after, and at the end runs the file's
 * cleanup steps, closes the app and drops the database. Call it at the top of a `describe` (or of
 * the file); the returned handle is usable from the first `beforeAll` declared after it.
 */
export function useTestApp(options: UseTestAppOptions = {}): UsedTestApp {
  let booted: TestApp | undefined;
  const cleanups: Array<() => unknown> = [];
  const current = (): TestApp => {
    if (!booted) throw new Error('useTestApp: the app is used before beforeAll booted it');
    return booted;
  };
  const clock = (): Clock => current().app.get(Clock);

  beforeAll(async () => {
    booted = await bootTestApp(options.env, { logger: options.logger });
  });
  if (options.clock !== undefined) {
    const instant = options.clock;
    beforeEach(() => clock().setNow(instant));
  }
  afterEach(() => booted?.app.get(Clock).reset());
  afterAll(async () => {
    try {
      for (const step of cleanups.reverse()) await step();
    } finally {
      await booted?.close();
      booted = undefined;
    }
  });

  return {
    get app() {
      return current().app;
    },
    get db() {
      return current().db;
    },
    get config() {
      return current().config;
    },
    request: (request: InjectOptions) => current().request(request),
    close: async () => {
      const app = current();
      booted = undefined;
      await app.close();
    },
    clock: {
      set: (instant) => clock().setNow(instant),
      reset: () => clock().reset(),
      now: () => clock().now(),
    },
    cleanup: (step) => cleanups.push(step),
  };
}
