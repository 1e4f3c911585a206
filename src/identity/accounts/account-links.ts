import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { RequestContext } from '../../core/context/request-context';
import { JobQueue } from '../../core/jobs';
import { entitySql, sql, sqlRows } from '../../core/database/sql-statement';
import { hashSecretToken } from '../auth/secret-token';
import { UserAccountToken } from '../entities/user-account-token.entity';
import { AccountLinkInvalidError } from '../identity.errors';
import {
  AccountLinkPurpose,
  ACCOUNT_EMAIL_JOB,
  RESET_PASSWORD_TTL_MINUTES,
  VERIFY_EMAIL_TTL_HOURS,
} from './account-email';

const TTL_MS: Record<AccountLinkPurpose, number> = {
  verify_email: VERIFY_EMAIL_TTL_HOURS * 3_600_000,
  reset_password: RESET_PASSWORD_TTL_MINUTES * 60_000,
};

// No token hash yet: the link cannot be used until its email job mints one.
const INSERT = sql<Pick<UserAccountToken, 'id'>>(
  'identity.account-token-insert',
  `INSERT INTO user_account_tokens (user_id, purpose, token_hash, expires_at)
   VALUES ($1, $2, NULL, $3) RETURNING id`,
);
const LOCK_USABLE = entitySql(
  'identity.account-token-lock-usable',
  UserAccountToken,
  't',
  `SELECT {columns} FROM user_account_tokens t
    WHERE t.token_hash = $1 AND t.purpose = $2 AND t.closed_at IS NULL AND t.expires_at > now()
      FOR UPDATE`,
  { pick: ['id', 'userId'] },
);
const USABLE = sql<{ usable: number }>(
  'identity.account-token-usable',
  `SELECT 1 AS usable FROM user_account_tokens
    WHERE token_hash = $1 AND purpose = $2 AND closed_at IS NULL AND expires_at > now()`,
);
const CLOSE_OPEN = sql(
  'identity.account-tokens-close-open',
  `UPDATE user_account_tokens SET closed_at = now()
    WHERE user_id = $1 AND purpose = $2 AND closed_at IS NULL`,
);

/**
 * The single-use links of account emails. Issuing one closes the user's earlier open links of
 * the same purpose (only the newest works) and enqueues the job that mints its secret and
 * emails it, in the caller's agency transaction. Using one locks its row, so of two
 * simultaneous uses exactly one succeeds.
 */
@Injectable()
export class AccountLinks {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly context: RequestContext,
    private readonly jobs: JobQueue,
  ) {}

  async issue(userId: string, purpose: AccountLinkPurpose): Promise<string> {
    const agencyId = this.context.requireTenant().agencyId;
    await this.closeOpen(userId, purpose);
    const rows = await sqlRows(this.txHost.tx, INSERT, [
      userId,
      purpose,
      new Date(Date.now() + TTL_MS[purpose]),
    ]);
    await this.jobs.enqueue(ACCOUNT_EMAIL_JOB.name, { agencyId, tokenId: rows[0].id, purpose });
    return rows[0].id;
  }

  /** The user the link belongs to; closes it (and its siblings). Throws when it cannot be used. */
  async use(token: string, purpose: AccountLinkPurpose): Promise<{ userId: string; id: string }> {
    if (!token || token.length > 128) throw new AccountLinkInvalidError();
    const [link] = await sqlRows(this.txHost.tx, LOCK_USABLE, [hashSecretToken(token), purpose]);
    if (!link) throw new AccountLinkInvalidError();
    await this.closeOpen(link.userId, purpose);
    return { userId: link.userId, id: link.id };
  }

  /** Whether the link could be used now (the page shows the form, or says to ask again). */
  async isUsable(token: string, purpose: AccountLinkPurpose): Promise<boolean> {
    if (!token || token.length > 128) return false;
    const rows = await sqlRows(this.txHost.tx, USABLE, [hashSecretToken(token), purpose]);
    return rows.length > 0;
  }

  private async closeOpen(userId: string, purpose: AccountLinkPurpose): Promise<void> {
    await sqlRows(this.txHost.tx, CLOSE_OPEN, [userId, purpose]);
  }
}
