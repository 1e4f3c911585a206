import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';

export const MAX_FAILED_LOGINS = 10;
export const LOGIN_WINDOW_MINUTES = 15;
/** A row whose window started this long ago counts for nothing (the window is 15 minutes). */
export const LOGIN_THROTTLE_RETENTION_HOURS = 24;

export interface AttemptVerdict {
  locked: boolean;
  retryAfterSeconds: number;
}

/**
 * At most MAX_FAILED_LOGINS failed logins per email per window. Each attempt is counted
 * atomically BEFORE the password is checked (one upsert, committed on its own), so a burst of
 * parallel guesses cannot slip past the limit; a successful login clears the count.
 * Counting is by normalized email, whether or not an account has it.
 */
@Injectable()
export class LoginThrottle {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  async countAttempt(email: string): Promise<AttemptVerdict> {
    const rows: Array<{ attempts: number; retry_after: number }> = await this.txHost.tx.query(
      `INSERT INTO login_throttles AS t (email, attempts, window_started_at)
       VALUES ($1, 1, now())
       ON CONFLICT (email) DO UPDATE SET
         attempts = CASE WHEN t.window_started_at <= now() - make_interval(mins => $2)
                         THEN 1 ELSE t.attempts + 1 END,
         window_started_at = CASE WHEN t.window_started_at <= now() - make_interval(mins => $2)
                                  THEN now() ELSE t.window_started_at END
       RETURNING attempts,
         ceil(extract(epoch FROM window_started_at + make_interval(mins => $2) - now()))::int
           AS retry_after`,
      [email, LOGIN_WINDOW_MINUTES],
    );
    const row = rows[0];
    return {
      locked: row.attempts > MAX_FAILED_LOGINS,
      retryAfterSeconds: Math.max(1, row.retry_after),
    };
  }

  async clear(email: string): Promise<void> {
    await this.txHost.tx.query(`DELETE FROM login_throttles WHERE email = $1`, [email]);
  }

  /**
   * Deletes counts whose window ended long ago (countAttempt would restart them anyway), so
   * guesses at many addresses do not leave a row each forever. Returns how many went.
   */
  async pruneExpired(): Promise<number> {
    const [, count] = await this.txHost.tx.query<[unknown, number]>(
      `DELETE FROM login_throttles WHERE window_started_at < now() - make_interval(hours => $1)`,
      [LOGIN_THROTTLE_RETENTION_HOURS],
    );
    return count;
  }
}
