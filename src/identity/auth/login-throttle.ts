import { Inject, Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { APP_CONFIG } from '../../core/config/config.module';
import { AppConfig } from '../../core/config/env';
import { sql, sqlRows, sqlRun } from '../../core/database/sql-statement';

/** Failures older than this are forgotten: the next one counts as the first. */
export const LOGIN_FAILURE_MEMORY_HOURS = 24;
/** Unknown-email tallies are kept this long (an hour's row each per client address). */
export const LOGIN_TALLY_RETENTION_DAYS = 90;

// In ON CONFLICT DO UPDATE every SET expression reads the row as it was: `failures` below
// is this attempt's count in both places.
const failures = `CASE WHEN t.last_failed_at <= now() - make_interval(hours => $5)
                       THEN 1 ELSE t.failures + 1 END`;
const delayAfter = (count: string) =>
  `CASE WHEN ${count} >= $2 THEN now() + make_interval(secs =>
     LEAST($4::float8, $3::float8 * power(2::float8, ${count} - $2))) END`;

/** Counts an attempt unless the account is delayed: a row back means counted. */
const COUNT_ATTEMPT = sql<{ counted: 1 }>(
  'identity.login-throttle-count',
  `INSERT INTO login_throttles AS t (email, failures, last_failed_at, locked_until)
   VALUES ($1, 1, now(), ${delayAfter('1')})
   ON CONFLICT (email) DO UPDATE SET
     failures = ${failures},
     last_failed_at = now(),
     locked_until = ${delayAfter(failures)}
   WHERE t.locked_until IS NULL OR t.locked_until <= now()
   RETURNING 1 AS counted`,
);

const RETRY_AFTER = sql<{ retryAfter: number | null }>(
  'identity.login-throttle-retry-after',
  `SELECT ceil(extract(epoch FROM locked_until - now()))::int AS "retryAfter"
     FROM login_throttles WHERE email = $1`,
);

const UNCOUNT = sql(
  'identity.login-throttle-uncount',
  `UPDATE login_throttles
      SET failures = failures - 1,
          locked_until = CASE WHEN failures - 1 >= $2 THEN locked_until END
    WHERE email = $1 AND failures > 0`,
);

const CLEAR = sql('identity.login-throttle-clear', `DELETE FROM login_throttles WHERE email = $1`);

const TALLY_UNKNOWN_EMAIL = sql<{ failures: number }>(
  'identity.login-tally-unknown-email',
  `INSERT INTO login_failure_tallies AS t (bucket_start, client_ip, failures)
   VALUES (date_trunc('hour', now()), $1, 1)
   ON CONFLICT (bucket_start, client_ip) DO UPDATE SET failures = t.failures + 1
   RETURNING failures`,
);

const PRUNE_THROTTLES = sql(
  'identity.login-throttle-prune',
  `DELETE FROM login_throttles
    WHERE last_failed_at < now() - make_interval(hours => $1)
      AND (locked_until IS NULL OR locked_until < now())`,
);

const PRUNE_TALLIES = sql(
  'identity.login-tally-prune',
  `DELETE FROM login_failure_tallies WHERE bucket_start < now() - make_interval(days => $1)`,
);

export type AttemptVerdict = { delayed: false } | { delayed: true; retryAfterSeconds: number };

/**
 * Progressive delay per account instead of a lock a stranger could hold. Each attempt is counted
 * atomically BEFORE the password is checked (one upsert, committed on its own), so a burst of
 * parallel guesses cannot slip past; the attempt that reaches the threshold sets a delay, and
 * every further failure doubles it up to the maximum. An attempt during the delay is refused
 * without being counted (it cannot extend the delay) and without a password check; the first
 * attempt after it is checked normally, and the right password clears the count.
 * Counting is by normalized email, whether or not an account has it. The per-IP limit
 * (rate-limits.ts) bounds how fast anyone can run the delay up.
 */
@Injectable()
export class LoginThrottle {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async countAttempt(email: string): Promise<AttemptVerdict> {
    const { loginDelayAfterFailures, loginDelayBaseSeconds, loginDelayMaxSeconds } =
      this.config.abuse;
    const counted = await sqlRows(this.txHost.tx, COUNT_ATTEMPT, [
      email,
      loginDelayAfterFailures,
      loginDelayBaseSeconds,
      loginDelayMaxSeconds,
      LOGIN_FAILURE_MEMORY_HOURS,
    ]);
    if (counted.length > 0) return { delayed: false };
    const rows = await sqlRows(this.txHost.tx, RETRY_AFTER, [email]);
    return { delayed: true, retryAfterSeconds: Math.max(1, rows[0]?.retryAfter ?? 1) };
  }

  /**
   * Takes back an attempt that was counted but never checked (the password check was refused as
   * busy): a flood of other people's logins must not push the owner into a delay.
   */
  async uncount(email: string): Promise<void> {
    await sqlRows(this.txHost.tx, UNCOUNT, [email, this.config.abuse.loginDelayAfterFailures]);
  }

  async clear(email: string): Promise<void> {
    await sqlRows(this.txHost.tx, CLEAR, [email]);
  }

  /**
   * Adds one failed login for an unknown email to this hour's tally of the client address.
   * Returns true for the first of the hour: the caller audits that one, not every failure.
   */
  async tallyUnknownEmail(clientIp: string | undefined): Promise<boolean> {
    const rows = await sqlRows(this.txHost.tx, TALLY_UNKNOWN_EMAIL, [clientIp ?? 'unknown']);
    return rows[0].failures === 1;
  }

  /**
   * Deletes counts whose last failure is long past (countAttempt would restart them anyway) and
   * old unknown-email tallies, so guesses at many addresses do not leave a row each forever.
   * Returns how many throttle rows went.
   */
  async pruneExpired(): Promise<number> {
    const { count } = await sqlRun(this.txHost.tx, PRUNE_THROTTLES, [LOGIN_FAILURE_MEMORY_HOURS]);
    await sqlRows(this.txHost.tx, PRUNE_TALLIES, [LOGIN_TALLY_RETENTION_DAYS]);
    return count;
  }
}
