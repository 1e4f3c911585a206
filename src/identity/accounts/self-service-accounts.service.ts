import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { RateLimiterRes } from 'rate-limiter-flexible';
import { AuditLog } from '../../core/audit/audit-log';
import { RequestContext } from '../../core/context/request-context';
import { computedColumns, entitySql, sql, sqlRows } from '../../core/database/sql-statement';
import { RateLimitStore } from '../../core/http/rate-limits';
import { NotificationService } from '../../notifications/notification.service';
import { normalizeEmail } from '../auth/email';
import { PasswordHasher } from '../auth/password-hasher';
import { SessionService } from '../auth/session.service';
import { User } from '../entities/user.entity';
import { ProfileInvalidError } from '../identity.errors';
import { AccountLinks } from './account-links';
import { AgencyTransactions } from './agency-transactions';
import { checkPasswordRules } from './password-rules';

export type AccountLocale = 'en' | 'es';

export interface SignUpInput {
  name: string;
  email: string;
  password: string;
  /** The page's language: the account's saved language and its emails'. */
  locale: AccountLocale;
  /** The portal signed up through: the agency whose sender the emails come from. */
  agencyCode: string;
}

/** Account emails to one address per hour, beyond which requests are answered alike, unsent. */
const EMAILS_PER_ADDRESS_PER_HOUR = 5;
const MAX_NAME_LENGTH = 200;

// Unverified until the emailed link is followed; a known address inserts nothing.
const SIGN_UP = sql<Pick<User, 'id'>>(
  'identity.user-sign-up',
  `INSERT INTO users (email, name, password_hash, email_verified_at, locale)
   VALUES ($1, $2, $3, NULL, $4) ON CONFLICT (email) DO NOTHING RETURNING id`,
);
const MARK_VERIFIED = sql(
  'identity.user-mark-email-verified',
  `UPDATE users SET email_verified_at = now(), updated_at = now()
    WHERE id = $1 AND email_verified_at IS NULL`,
);
// Following the reset link proves the address, so it also verifies it.
const RESET_PASSWORD = sql(
  'identity.user-reset-password',
  `UPDATE users SET password_hash = $2, updated_at = now(),
          email_verified_at = COALESCE(email_verified_at, now())
    WHERE id = $1`,
);
const CLOSE_OPEN_INVITATIONS = sql(
  'identity.invitations-close-open-of-reset-user',
  `UPDATE user_invitations SET closed_at = now() WHERE user_id = $1 AND closed_at IS NULL`,
);
const BY_EMAIL = entitySql(
  'identity.user-verified-by-email',
  User,
  'u',
  `SELECT {columns}, u.email_verified_at IS NOT NULL AS verified FROM users u WHERE u.email = $1`,
  { pick: ['id'], computed: computedColumns<{ verified: boolean }>() },
);

/**
 * Sign-up, email verification, and forgotten passwords: what a person does before they can sign
 * in. Each request answers the same whether or not the address has an account (no account
 * enumeration): a sign-up with a known address tells its owner by email instead, and a reset
 * for an unknown address sends nothing. Both sign-up paths hash the password, so they take
 * about as long. Emails are outbox jobs in the chosen agency's transaction; per address at most
 * EMAILS_PER_ADDRESS_PER_HOUR (the routes also have the per-IP and global email limits).
 */
@Injectable()
export class SelfServiceAccounts {
  private readonly perAddress: RateLimiterAbstract;

  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly inAgency: AgencyTransactions,
    private readonly links: AccountLinks,
    private readonly passwords: PasswordHasher,
    private readonly sessions: SessionService,
    private readonly audit: AuditLog,
    private readonly context: RequestContext,
    private readonly notifications: NotificationService,
    limits: RateLimitStore,
  ) {
    this.perAddress = limits.counter('account-emails:', EMAILS_PER_ADDRESS_PER_HOUR, 3600);
  }

  async signUp(input: SignUpInput): Promise<void> {
    const email = normalizeEmail(input.email);
    const name = input.name.trim();
    if (!name || name.length > MAX_NAME_LENGTH) throw new ProfileInvalidError('name');
    checkPasswordRules(input.password);
    // Hashed whether or not the address has an account: the answer takes as long either way.
    const passwordHash = await this.passwords.hash(input.password);
    const mayEmail = await this.mayEmail(email);
    await this.inAgency.run(input.agencyCode, async () => {
      const inserted = await sqlRows(this.txHost.tx, SIGN_UP, [
        email,
        name,
        passwordHash,
        input.locale,
      ]);
      if (inserted[0]) {
        await this.audit.recordPlatform({
          action: 'user.signed_up',
          entityType: 'user',
          entityId: inserted[0].id,
          after: { email, name, locale: input.locale, agency: input.agencyCode },
        });
        await this.links.issue(inserted[0].id, 'verify_email');
        return;
      }
      const [existing] = await this.userByEmail(email);
      await this.audit.recordPlatform({
        action: 'user.sign_up_repeated',
        entityType: 'user',
        entityId: existing.id,
        after: { verified: existing.verified, emailed: mayEmail },
      });
      if (!mayEmail) return;
      // Not yet verified: a fresh link (the first sign-up's password stays). Verified: the
      // owner learns someone tried, and where to reset a forgotten password.
      if (!existing.verified) await this.links.issue(existing.id, 'verify_email');
      else
        await this.notifications.notify({
          agencyId: this.context.agencyId,
          template: 'account.sign_up_existing',
          data: {},
          userIds: [existing.id],
          link: '/forgot-password',
          channels: { inApp: false },
        });
    });
  }

  /** Marks the link's account verified; the person then signs in with their password. */
  async verifyEmail(token: string): Promise<void> {
    await this.txHost.withTransaction(async () => {
      const link = await this.links.use(token, 'verify_email');
      await sqlRows(this.txHost.tx, MARK_VERIFIED, [link.userId]);
      await this.audit.recordPlatform({
        action: 'user.email_verified',
        entityType: 'user',
        entityId: link.userId,
        after: { linkId: link.id },
      });
    });
  }

  /** A new verification link, when the address has an unverified account; else nothing. */
  async resendVerification(rawEmail: string, agencyCode: string): Promise<void> {
    const email = normalizeEmail(rawEmail);
    if (!(await this.mayEmail(email))) return;
    await this.inAgency.run(agencyCode, async () => {
      const [user] = await this.userByEmail(email);
      if (!user || user.verified) return;
      await this.links.issue(user.id, 'verify_email');
      await this.audit.recordPlatform({
        action: 'user.verification_resent',
        entityType: 'user',
        entityId: user.id,
      });
    });
  }

  /** A reset link for the address's account; for an unknown address nothing, answered alike. */
  async requestPasswordReset(rawEmail: string, agencyCode: string): Promise<void> {
    const email = normalizeEmail(rawEmail);
    if (!(await this.mayEmail(email))) return;
    await this.inAgency.run(agencyCode, async () => {
      const [user] = await this.userByEmail(email);
      if (!user) return;
      await this.links.issue(user.id, 'reset_password');
      await this.audit.recordPlatform({
        action: 'user.password_reset_requested',
        entityType: 'user',
        entityId: user.id,
      });
    });
  }

  /** Whether a reset link can still be used (the page shows the form or says to ask again). */
  resetLinkUsable(token: string): Promise<boolean> {
    return this.txHost.withTransaction(() => this.links.isUsable(token, 'reset_password'));
  }

  /**
   * Sets the password of the link's account and ends all its sessions (whoever knew the old
   * password is signed out). Following the link proves the address, so it also verifies it.
   */
  async resetPassword(token: string, password: string): Promise<void> {
    checkPasswordRules(password);
    // Checked before the costly hash, and again (locked) when used.
    if (!(await this.resetLinkUsable(token))) {
      await this.links.use(token, 'reset_password'); // throws AccountLinkInvalidError
    }
    const passwordHash = await this.passwords.hash(password);
    await this.txHost.withTransaction(async () => {
      const link = await this.links.use(token, 'reset_password');
      await sqlRows(this.txHost.tx, RESET_PASSWORD, [link.userId, passwordHash]);
      // An invitation would set the password again: the person has one now.
      await sqlRows(this.txHost.tx, CLOSE_OPEN_INVITATIONS, [link.userId]);
      const revoked = await this.sessions.revokeAllForUser(link.userId, 'password_reset');
      await this.audit.recordPlatform({
        action: 'user.password_reset',
        entityType: 'user',
        entityId: link.userId,
        after: { linkId: link.id, sessionsRevoked: revoked },
      });
    });
  }

  private userByEmail(email: string): Promise<Array<{ id: string; verified: boolean }>> {
    return sqlRows(this.txHost.tx, BY_EMAIL, [email]);
  }

  private async mayEmail(email: string): Promise<boolean> {
    try {
      await this.perAddress.consume(email);
      return true;
    } catch (outcome) {
      if (outcome instanceof RateLimiterRes) return false;
      throw outcome;
    }
  }
}
