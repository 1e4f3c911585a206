import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { AuditLog } from '../../core/audit/audit-log';
import { RequestContext } from '../../core/context/request-context';
import { entitySql, sql, sqlRows } from '../../core/database/sql-statement';
import { PasswordHasher } from '../auth/password-hasher';
import { SessionService } from '../auth/session.service';
import { User } from '../entities/user.entity';
import { CurrentPasswordWrongError, ProfileInvalidError } from '../identity.errors';
import { checkPasswordRules } from './password-rules';
import type { AccountLocale } from './self-service-accounts.service';

export interface AccountProfile {
  email: string;
  name: string;
  locale: AccountLocale | null;
}

const LOCALES: readonly string[] = ['en', 'es'];

const PROFILE = entitySql(
  'identity.user-profile',
  User,
  'u',
  `SELECT {columns} FROM users u WHERE u.id = $1`,
  { pick: ['email', 'name', 'locale'] },
);
const UPDATE_PROFILE = sql(
  'identity.user-update-profile',
  `UPDATE users SET name = $2, locale = $3, updated_at = now() WHERE id = $1`,
);
// Saved only for a live session $3 of the user; the row comes back only when the locale changed.
const SAVE_LOCALE = sql<{ before: User['locale'] }>(
  'identity.user-save-locale',
  `WITH changed AS (
     UPDATE users u SET locale = $2, updated_at = now()
       FROM (SELECT id, locale FROM users WHERE id = $1 FOR UPDATE) old
      WHERE u.id = old.id AND old.locale IS DISTINCT FROM $2
        AND EXISTS (SELECT 1 FROM sessions s WHERE s.id = $3 AND s.user_id = $1
                      AND s.revoked_at IS NULL AND s.expires_at > now())
     RETURNING old.locale AS before)
   SELECT before FROM changed`,
);
const PASSWORD_HASH = entitySql(
  'identity.user-password-hash',
  User,
  'u',
  `SELECT {columns} FROM users u WHERE u.id = $1`,
  { pick: ['passwordHash'] },
);
const CHANGE_PASSWORD = sql(
  'identity.user-change-password',
  `UPDATE users SET password_hash = $2, updated_at = now() WHERE id = $1`,
);

/**
 * The signed-in person's own settings: name, language, password. Draws its own transactions
 * (the routes are @WithoutTransaction) so no pooled connection waits while argon2 runs.
 */
@Injectable()
export class AccountSettings {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly passwords: PasswordHasher,
    private readonly sessions: SessionService,
    private readonly audit: AuditLog,
    private readonly context: RequestContext,
  ) {}

  profile(): Promise<AccountProfile> {
    const userId = this.context.requireUser().userId;
    return this.txHost.withTransaction(async () => {
      const rows = await sqlRows(this.txHost.tx, PROFILE, [userId]);
      // The column's check constraint holds locale to 'en', 'es' or null.
      return rows[0] as AccountProfile;
    });
  }

  async updateProfile(input: { name: string; locale: string }): Promise<void> {
    const userId = this.context.requireUser().userId;
    const name = input.name.trim();
    if (!name || name.length > 200) throw new ProfileInvalidError('name');
    if (!LOCALES.includes(input.locale)) throw new ProfileInvalidError('locale');
    await this.txHost.withTransaction(async () => {
      const before = await this.profile();
      if (before.name === name && before.locale === input.locale) return;
      await sqlRows(this.txHost.tx, UPDATE_PROFILE, [userId, name, input.locale]);
      await this.audit.recordPlatform({
        action: 'user.profile_updated',
        entityType: 'user',
        entityId: userId,
        before: { name: before.name, locale: before.locale },
        after: { name, locale: input.locale },
      });
    });
  }

  /** The language switch, when signed in: remembered for later sign-ins and for emails. */
  async saveLocale(locale: AccountLocale): Promise<void> {
    const { userId, sessionId } = this.context.requireUser();
    await this.txHost.withTransaction(async () => {
      // The switch is a public route (no access policy ran): only a live session saves.
      const changed = await sqlRows(this.txHost.tx, SAVE_LOCALE, [
        userId,
        locale,
        sessionId ?? null,
      ]);
      if (changed.length === 0) return;
      await this.audit.recordPlatform({
        action: 'user.locale_changed',
        entityType: 'user',
        entityId: userId,
        before: { locale: changed[0].before },
        after: { locale },
      });
    });
  }

  /**
   * Needs the current password; ends every other session of the person (a thief signed in
   * elsewhere is out), keeping the one that asked.
   */
  async changePassword(current: string, next: string): Promise<void> {
    const actor = this.context.requireUser();
    checkPasswordRules(next);
    const rows = await this.txHost.withTransaction(() =>
      sqlRows(this.txHost.tx, PASSWORD_HASH, [actor.userId]),
    );
    if (!(await this.passwords.verifyOrBurn(rows[0]?.passwordHash, current))) {
      await this.audit.recordIndependently({
        action: 'user.password_change_refused',
        entityType: 'user',
        entityId: actor.userId,
        after: { reason: 'current_password_wrong' },
      });
      throw new CurrentPasswordWrongError();
    }
    const passwordHash = await this.passwords.hash(next);
    await this.txHost.withTransaction(async () => {
      await sqlRows(this.txHost.tx, CHANGE_PASSWORD, [actor.userId, passwordHash]);
      const revoked = await this.sessions.revokeOthersForUser(
        actor.userId,
        actor.sessionId,
        'password_changed',
      );
      await this.audit.recordPlatform({
        action: 'user.password_changed',
        entityType: 'user',
        entityId: actor.userId,
        after: { otherSessionsRevoked: revoked },
      });
    });
  }
}
