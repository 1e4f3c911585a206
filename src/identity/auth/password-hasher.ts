import { Inject, Injectable, Optional } from '@nestjs/common';
import { hash, verify, type Algorithm, type Options } from '@node-rs/argon2';
import { E_TIMEOUT, Semaphore, SemaphoreInterface, withTimeout } from 'async-mutex';
import { APP_CONFIG } from '../../core/config/config.module';
import { AppConfig } from '../../core/config/env';
import { PasswordCheckBusyError } from '../identity.errors';

/** Algorithm is a const enum in the typings and absent at runtime; 2 is Argon2id. */
const ARGON2ID = 2 as Algorithm;

/** OWASP's argon2id baseline: 19 MiB, 2 passes, 1 lane. */
export const ARGON2_OPTIONS: Options = {
  algorithm: ARGON2ID,
  memoryCost: 19456,
  timeCost: 2,
  parallelism: 1,
};

export interface HashGateLimits {
  concurrency: number;
  maxWaiting: number;
  waitMs: number;
}

/**
 * At most `concurrency` argon2 runs at once (each takes 19 MiB and a libuv thread), a short
 * queue behind them, and a bounded wait in it: a flood of logins with random emails gets coded
 * 503s quickly instead of queueing without end, holding memory and starving other requests.
 * async-mutex's semaphore does the waiting; the queue bound is ours (the library has none).
 */
export class HashGate {
  private readonly semaphore: SemaphoreInterface;
  private waiting = 0;

  constructor(private readonly limits: HashGateLimits) {
    this.semaphore = withTimeout(new Semaphore(limits.concurrency), limits.waitMs);
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    // Only a caller that finds every permit taken waits (and counts as waiting).
    const waits = this.semaphore.isLocked();
    if (waits && this.waiting >= this.limits.maxWaiting) throw new PasswordCheckBusyError();
    if (waits) this.waiting++;
    let release: () => void;
    try {
      [, release] = await this.semaphore.acquire();
    } catch (error) {
      throw error === E_TIMEOUT ? new PasswordCheckBusyError() : error;
    } finally {
      if (waits) this.waiting--;
    }
    try {
      return await work();
    } finally {
      release();
    }
  }
}

/**
 * argon2id password hashing. `verifyOrBurn` does the same work when there is no stored hash
 * (unknown email, invited user without a password) so response time does not tell them apart.
 * In the app every run passes the HashGate; constructed bare (test factories) it has none.
 */
@Injectable()
export class PasswordHasher {
  private decoy?: Promise<string>;
  private readonly gate?: HashGate;

  constructor(@Optional() @Inject(APP_CONFIG) config?: AppConfig) {
    if (config) {
      this.gate = new HashGate({
        concurrency: config.abuse.passwordHashConcurrency,
        maxWaiting: config.abuse.passwordHashMaxWaiting,
        waitMs: config.abuse.passwordHashWaitMs,
      });
    }
  }

  hash(password: string): Promise<string> {
    return this.gated(() => hash(password, ARGON2_OPTIONS));
  }

  async verifyOrBurn(storedHash: string | null | undefined, password: string): Promise<boolean> {
    if (!storedHash) {
      this.decoy ??= hash('grant-commons decoy password', ARGON2_OPTIONS);
      const decoy = await this.decoy;
      await this.gated(() => verify(decoy, password)).catch((error: unknown) => {
        if (error instanceof PasswordCheckBusyError) throw error;
        return false;
      });
      return false;
    }
    try {
      return await this.gated(() => verify(storedHash, password));
    } catch (error) {
      if (error instanceof PasswordCheckBusyError) throw error;
      return false; // a malformed stored hash never signs anyone in
    }
  }

  private gated<T>(work: () => Promise<T>): Promise<T> {
    return this.gate ? this.gate.run(work) : work();
  }
}
