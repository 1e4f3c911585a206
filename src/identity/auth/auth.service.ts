import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { AuditLog } from '../../core/audit/audit-log';
import { RequestContext } from '../../core/context/request-context';
import {
  EmailNotVerifiedError,
  InvalidCredentialsError,
  LoginLockedError,
  PasswordCheckBusyError,
  RefreshTokenInvalidError,
  RefreshTokenReusedError,
} from '../identity.errors';
import { normalizeEmail } from './email';
import { LoginThrottle } from './login-throttle';
import { PasswordHasher } from './password-hasher';
import { SessionService, SessionUser, TokenPair } from './session.service';
import { MfaSignIn, SignInChannel, WebSignIn } from '../mfa/mfa-sign-in.service';
import { entitySql, sqlRows } from '../../core/database/sql-statement';
import { User } from '../entities/user.entity';

const LOGIN_CANDIDATE = entitySql(
  'identity.user-login-candidate',
  User,
  'u',
  `SELECT {columns} FROM users u WHERE u.email = $1`,
  { pick: ['id', 'email', 'passwordHash', 'platformAdmin', 'emailVerifiedAt', 'locale'] },
);

export type { WebSignIn } from '../mfa/mfa-sign-in.service';

/**
 * Sign-in, refresh and sign-out. Login and refresh manage their own transactions (their routes
 * are @WithoutTransaction): a failed attempt must still be counted and a reused refresh token
 * must still revoke its family even though the request ends in an error, and no pooled
 * connection is held while argon2 runs.
 */
@Injectable()
export class AuthService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly sessions: SessionService,
    private readonly throttle: LoginThrottle,
    private readonly passwords: PasswordHasher,
    private readonly audit: AuditLog,
    private readonly context: RequestContext,
    private readonly mfa: MfaSignIn,
  ) {}

  async login(rawEmail: string, password: string, userAgent?: string): Promise<TokenPair> {
    const started = await this.signIn(rawEmail, password, 'api', (user) =>
      this.sessions.start(user, { ip: this.context.ip, userAgent }, { methods: ['pwd'] }),
    );
    return started.tokens;
  }

  /** The same checks as login, ending in a web page session (a cookie) instead of a token pair. */
  signInToWeb(rawEmail: string, password: string, userAgent?: string): Promise<WebSignIn> {
    return this.signIn(rawEmail, password, 'web', async (user, locale) => ({
      ...(await this.sessions.startWeb(
        user,
        { ip: this.context.ip, userAgent },
        { methods: ['pwd'] },
      )),
      locale,
    }));
  }

  /**
   * The password step. When the person has a second factor, or must enrol one, no session
   * starts: the answer is a coded refusal carrying a challenge token (MfaSignIn finishes).
   */
  private async signIn<S extends { sessionId: string }>(
    rawEmail: string,
    password: string,
    channel: SignInChannel,
    start: (user: SessionUser, locale: string | null) => Promise<S>,
  ): Promise<S> {
    const email = normalizeEmail(rawEmail);
    const verdict = await this.throttle.countAttempt(email);
    // Refused during the delay without a password check or an audit row: the per-IP limit
    // bounds these, and the failures that caused the delay are audited already.
    if (verdict.delayed) throw new LoginLockedError(verdict.retryAfterSeconds);
    const rows = await sqlRows(this.txHost.tx, LOGIN_CANDIDATE, [email]);
    const user = rows[0];
    // Unknown emails and password-less (invited) users cost one argon2 verification too.
    const valid = await this.passwords
      .verifyOrBurn(user?.passwordHash, password)
      .catch(async (error: unknown) => {
        if (error instanceof PasswordCheckBusyError) await this.throttle.uncount(email);
        throw error;
      });
    if (!user) {
      await this.auditUnknownEmailFailure();
      throw new InvalidCredentialsError();
    }
    if (!valid) {
      await this.audit.recordIndependently({
        action: 'auth.login_failed',
        entityType: 'user',
        entityId: user.id,
        actorUserId: user.id,
        after: { email, reason: 'invalid_credentials' },
      });
      throw new InvalidCredentialsError();
    }
    // Only someone who knows the password learns that the address is not verified yet.
    if (user.emailVerifiedAt === null) {
      await this.audit.recordIndependently({
        action: 'auth.login_refused_unverified',
        entityType: 'user',
        entityId: user.id,
        actorUserId: user.id,
        after: { email },
      });
      throw new EmailNotVerifiedError();
    }
    const person = { id: user.id, email: user.email, platformAdmin: user.platformAdmin };
    const outcome = await this.txHost.withTransaction(async () => {
      await this.throttle.clear(email);
      const next = await this.mfa.nextStep(person);
      if (next !== 'none') return { next };
      return { next, started: await start(person, user.locale) };
    });
    if (outcome.next !== 'none') {
      throw await this.mfa.challenge({ ...person, locale: user.locale }, outcome.next, channel);
    }
    const started = outcome.started;
    await this.audit.recordIndependently({
      action: 'auth.login_succeeded',
      entityType: 'session',
      entityId: started.sessionId,
      actorUserId: user.id,
      after: { userId: user.id, methods: ['pwd'] },
    });
    return started;
  }

  async refresh(refreshToken: string): Promise<TokenPair> {
    // The revocation on reuse commits with this transaction; the error is thrown after it.
    const outcome = await this.txHost.withTransaction(() => this.sessions.rotate(refreshToken));
    if (outcome.kind === 'rotated') return outcome.tokens;
    if (outcome.kind === 'reused') {
      await this.audit.recordIndependently({
        action: 'auth.refresh_reused',
        entityType: 'session',
        entityId: outcome.sessionId,
        actorUserId: outcome.userId,
        after: { revoked: true },
      });
      throw new RefreshTokenReusedError();
    }
    throw new RefreshTokenInvalidError();
  }

  /**
   * Ends the caller's session: the one of the access token when it is valid, else the one the
   * refresh token belongs to. Always succeeds, so it reveals nothing about unknown tokens.
   */
  async logout(refreshToken?: string): Promise<void> {
    const actor = this.context.actor;
    const target =
      actor?.sessionId && actor.userId
        ? { sessionId: actor.sessionId, userId: actor.userId }
        : refreshToken
          ? await this.sessions.sessionOfRefreshToken(refreshToken)
          : undefined;
    if (!target) return;
    if (await this.sessions.revokeSession(target.sessionId, 'logout')) {
      await this.audit.recordPlatform({
        action: 'auth.logout',
        entityType: 'session',
        entityId: target.sessionId,
        after: { revokedReason: 'logout', userId: target.userId },
      });
    }
  }

  /**
   * Failed logins for emails no account has are tallied per hour and client address; only the
   * first of each tally is audited, so a flood of random emails leaves a bounded trail.
   */
  private async auditUnknownEmailFailure(): Promise<void> {
    const clientIp = this.context.ip;
    if (!(await this.throttle.tallyUnknownEmail(clientIp))) return;
    await this.audit.recordIndependently({
      action: 'auth.login_failed_unknown_email',
      entityType: 'login_failure_tally',
      entityId: clientIp ?? 'unknown',
      after: { clientIp: clientIp ?? null, tallied: 'login_failure_tallies, per hour' },
    });
  }
}
