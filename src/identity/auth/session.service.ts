import { Inject, Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { APP_CONFIG } from '../../core/config/config.module';
import { AppConfig } from '../../core/config/env';
import { AccessTokenCodec } from './access-token';
import { hashSecretToken, newSecretToken } from './secret-token';
import {
  computedColumns,
  entitySql,
  sql,
  sqlRows,
  sqlRun,
} from '../../core/database/sql-statement';
import { RefreshToken } from '../entities/refresh-token.entity';
import { Session } from '../entities/session.entity';
import { User } from '../entities/user.entity';

export interface TokenPair {
  accessToken: string;
  accessTokenExpiresAt: string;
  refreshToken: string;
  refreshTokenExpiresAt: string;
}

export interface SessionUser {
  id: string;
  email: string;
  platformAdmin: boolean;
}

/** A signed-in web page session: the cookie's value and when it lapses unless renewed. */
export interface WebTicket {
  sessionId: string;
  token: string;
  expiresAt: Date;
}

export type RevokeReason =
  | 'logout'
  | 'refresh_reused'
  | 'deactivated'
  | 'password_reset'
  | 'password_changed'
  | 'signed_out_elsewhere'
  | 'mfa_removed';

/**
 * How a person authenticated (RFC 8176 `amr`, this app's names). `otp` and `recovery` are second
 * factors; an identity provider's sign-in is `oidc` (plus `otp`/`mfa` only when its ID token says
 * so and the agency's YAML trusts it).
 */
export const AUTH_METHODS = ['pwd', 'otp', 'recovery', 'oidc', 'mfa'] as const;
export type AuthMethod = (typeof AUTH_METHODS)[number];
export const SECOND_FACTOR_METHODS: readonly string[] = ['otp', 'recovery', 'mfa'];

/** What a new session records about its sign-in; the tokens carry it as `amr` and `sfa`. */
export interface SessionAuthentication {
  methods: AuthMethod[];
  /** When a second factor was checked for this sign-in (none: single-factor so far). */
  secondFactorAt?: Date;
}

/** A person's live session as the sessions page and API list it. */
export interface SessionSummary {
  id: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  endsAt: Date;
  ip: string | null;
  userAgent: string | null;
  authMethods: string[];
  secondFactorAt: Date | null;
}

export type RotationOutcome =
  | { kind: 'rotated'; tokens: TokenPair; userId: string; sessionId: string }
  | { kind: 'invalid' }
  | { kind: 'reused'; userId: string; sessionId: string };

const START = sql<Pick<Session, 'id'>>(
  'identity.session-insert',
  `INSERT INTO sessions (user_id, expires_at, ends_at, ip, user_agent, auth_methods,
                         second_factor_at, last_used_at)
   VALUES ($1, $2, $2, $3, $4, $5, $6, now())
   RETURNING id`,
);

/** The presented refresh token and its session, both locked, with the session's user. */
const PRESENTED = entitySql(
  'identity.refresh-token-lock-presented',
  RefreshToken,
  'rt',
  `SELECT {columns}, s.revoked_at AS "revokedAt", s.user_id AS "userId", u.email,
          u.platform_admin AS "platformAdmin", s.ends_at AS "endsAt",
          s.auth_methods AS "authMethods", s.second_factor_at AS "secondFactorAt"
     FROM refresh_tokens rt
     JOIN sessions s ON s.id = rt.session_id
     JOIN users u ON u.id = s.user_id
    WHERE rt.token_hash = $1
      FOR UPDATE OF rt, s`,
  {
    pick: ['id', 'sessionId', 'expiresAt', 'usedAt'],
    computed: computedColumns<
      Pick<Session, 'revokedAt' | 'userId' | 'endsAt' | 'authMethods' | 'secondFactorAt'> &
        Pick<User, 'email' | 'platformAdmin'>
    >(),
  },
);

const MARK_USED = sql(
  'identity.refresh-token-mark-used',
  `UPDATE refresh_tokens SET used_at = now() WHERE id = $1`,
);

const EXTEND = sql(
  'identity.session-extend',
  `UPDATE sessions SET expires_at = $2, last_used_at = now() WHERE id = $1`,
);

/** A second factor checked now in a live session (sign-in's second step or step-up). */
const RECORD_SECOND_FACTOR = entitySql(
  'identity.session-record-second-factor',
  Session,
  's',
  `UPDATE sessions s
      SET second_factor_at = now(), last_used_at = now(),
          auth_methods = CASE WHEN $3 = ANY (s.auth_methods) THEN s.auth_methods
                              ELSE s.auth_methods || $3::text END
    WHERE s.id = $1 AND s.user_id = $2 AND s.revoked_at IS NULL AND s.expires_at > now()
   RETURNING {columns}`,
  { pick: ['id', 'authMethods', 'secondFactorAt', 'endsAt'] },
);

const LIVE_OF_USER = entitySql(
  'identity.sessions-live-of-user',
  Session,
  's',
  `SELECT {columns} FROM sessions s
    WHERE s.user_id = $1 AND s.revoked_at IS NULL AND s.expires_at > now()
    ORDER BY s.last_used_at DESC NULLS LAST, s.created_at DESC
    LIMIT 100`,
  {
    pick: [
      'id',
      'createdAt',
      'lastUsedAt',
      'endsAt',
      'ip',
      'userAgent',
      'authMethods',
      'secondFactorAt',
    ],
  },
);

const SESSION_OF_TOKEN = entitySql(
  'identity.session-of-refresh-token',
  Session,
  's',
  `SELECT {columns} FROM refresh_tokens rt
     JOIN sessions s ON s.id = rt.session_id
    WHERE rt.token_hash = $1 AND s.revoked_at IS NULL`,
  { pick: ['id', 'userId'] },
);

const REVOKE = sql(
  'identity.session-revoke',
  `UPDATE sessions SET revoked_at = now(), revoked_reason = $2
    WHERE id = $1 AND revoked_at IS NULL`,
);

const REVOKE_ALL_OF_USER = sql(
  'identity.sessions-revoke-of-user',
  `UPDATE sessions SET revoked_at = now(), revoked_reason = $2
    WHERE user_id = $1 AND revoked_at IS NULL`,
);

const REVOKE_OTHERS_OF_USER = sql(
  'identity.sessions-revoke-others-of-user',
  `UPDATE sessions SET revoked_at = now(), revoked_reason = $3
    WHERE user_id = $1 AND revoked_at IS NULL AND id IS DISTINCT FROM $2`,
);

const LIVE = sql<{ live: 1 }>(
  'identity.session-live',
  `SELECT 1 AS live FROM sessions
    WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL AND expires_at > now()`,
);

const INSERT_REFRESH_TOKEN = sql(
  'identity.refresh-token-insert',
  `INSERT INTO refresh_tokens (session_id, token_hash, expires_at) VALUES ($1, $2, $3)`,
);

/**
 * Sessions and their refresh-token families, on the global tables through the current
 * transaction (callers decide the transaction boundaries).
 */
@Injectable()
export class SessionService {
  readonly accessTokens: AccessTokenCodec;
  /** Web page session cookies (src/web): no refresh token; the cookie itself slides. */
  readonly webTokens: AccessTokenCodec;
  private readonly refreshTtlSeconds: number;
  private readonly webMaxSeconds: number;
  private readonly apiMaxSeconds: number;

  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.accessTokens = AccessTokenCodec.fromConfig(config);
    this.webTokens = AccessTokenCodec.forWebSessions(config);
    this.refreshTtlSeconds = config.auth.refreshTokenTtlSeconds;
    this.webMaxSeconds = config.auth.webSessionMaxSeconds;
    this.apiMaxSeconds = config.auth.apiSessionMaxSeconds;
  }

  /**
   * An API session: a refresh-token family that slides with each refresh but ends at the
   * absolute lifetime (API_SESSION_MAX_SECONDS) however active it is. `auth` says how the person
   * authenticated; the tokens carry it as `amr` and `sfa`.
   */
  async start(
    user: SessionUser,
    client: { ip?: string; userAgent?: string },
    auth: SessionAuthentication,
  ): Promise<{ sessionId: string; tokens: TokenPair }> {
    const endsAt = new Date(Date.now() + this.apiMaxSeconds * 1000);
    const sessionId = await this.insert(user, client, auth, endsAt);
    const expiresAt = this.refreshExpiry(endsAt);
    const facts = {
      authMethods: auth.methods,
      secondFactorAt: auth.secondFactorAt ?? null,
      endsAt,
    };
    return { sessionId, tokens: await this.issue(user, sessionId, expiresAt, facts) };
  }

  /**
   * A web page session: the session row ends at the absolute lifetime, and the cookie's token
   * carries that end (mx) so that renewing it never outlives the session.
   */
  async startWeb(
    user: SessionUser,
    client: { ip?: string; userAgent?: string },
    auth: SessionAuthentication,
  ): Promise<WebTicket> {
    const endsAt = new Date(Date.now() + this.webMaxSeconds * 1000);
    const sessionId = await this.insert(user, client, auth, endsAt);
    const issued = await this.webTokens.issue({
      sub: user.id,
      sid: sessionId,
      email: user.email,
      pa: user.platformAdmin,
      ...authClaims({
        authMethods: auth.methods,
        secondFactorAt: auth.secondFactorAt ?? null,
        endsAt,
      }),
    });
    return { sessionId, ...issued };
  }

  /**
   * Records a second factor checked now (step-up, or the second step of a sign-in that started
   * single-factor) and returns the session's new facts, or undefined when the session is not
   * live. Callers then re-issue the access token or web cookie with {@link accessTokenFor} /
   * {@link webTokenFor} so the new `sfa` travels with the person's requests.
   */
  async recordSecondFactor(
    userId: string,
    sessionId: string,
    method: AuthMethod,
  ): Promise<SessionFacts | undefined> {
    const [row] = await sqlRows(this.txHost.tx, RECORD_SECOND_FACTOR, [sessionId, userId, method]);
    return (
      row && {
        authMethods: row.authMethods,
        secondFactorAt: row.secondFactorAt,
        endsAt: row.endsAt,
      }
    );
  }

  /** A fresh access token for a live session whose facts were just read (step-up). */
  async accessTokenFor(
    user: SessionUser,
    sessionId: string,
    facts: SessionFacts,
  ): Promise<{ token: string; expiresAt: Date }> {
    return this.accessTokens.issue({
      sub: user.id,
      sid: sessionId,
      email: user.email,
      pa: user.platformAdmin,
      ...authClaims(facts),
    });
  }

  /** A fresh web cookie token for a live session whose facts were just read (web step-up). */
  async webTokenFor(user: SessionUser, sessionId: string, facts: SessionFacts): Promise<WebTicket> {
    const issued = await this.webTokens.issue({
      sub: user.id,
      sid: sessionId,
      email: user.email,
      pa: user.platformAdmin,
      ...authClaims(facts),
    });
    return { sessionId, ...issued };
  }

  /** Whether the session is live (for routes that run outside the request transaction). */
  async isLive(userId: string, sessionId: string): Promise<boolean> {
    return (await sqlRows(this.txHost.tx, LIVE, [sessionId, userId])).length > 0;
  }

  /** The person's live sessions, most recently used first. */
  async listForUser(userId: string): Promise<SessionSummary[]> {
    return sqlRows(this.txHost.tx, LIVE_OF_USER, [userId]);
  }

  /**
   * Exchanges a refresh token for the next pair. The presented token's row (and its session) is
   * locked, so of two concurrent exchanges of one token exactly one succeeds and the other is
   * treated as reuse. Reuse revokes the session; the caller must commit before reporting it.
   */
  async rotate(refreshToken: string): Promise<RotationOutcome> {
    const [presented] = await sqlRows(this.txHost.tx, PRESENTED, [hashSecretToken(refreshToken)]);
    if (!presented) return { kind: 'invalid' };
    const ids = { userId: presented.userId, sessionId: presented.sessionId };
    if (presented.usedAt) {
      await this.revokeSession(presented.sessionId, 'refresh_reused');
      return { kind: 'reused', ...ids };
    }
    const now = Date.now();
    if (
      presented.revokedAt ||
      presented.expiresAt.getTime() <= now ||
      presented.endsAt.getTime() <= now
    ) {
      return { kind: 'invalid' };
    }
    await sqlRows(this.txHost.tx, MARK_USED, [presented.id]);
    const expiresAt = this.refreshExpiry(presented.endsAt);
    await sqlRows(this.txHost.tx, EXTEND, [presented.sessionId, expiresAt]);
    const user = {
      id: presented.userId,
      email: presented.email,
      platformAdmin: presented.platformAdmin,
    };
    return {
      kind: 'rotated',
      tokens: await this.issue(user, presented.sessionId, expiresAt, presented),
      ...ids,
    };
  }

  /** The live session a refresh token belongs to, if any (logout without an access token). */
  async sessionOfRefreshToken(
    refreshToken: string,
  ): Promise<{ sessionId: string; userId: string } | undefined> {
    const [session] = await sqlRows(this.txHost.tx, SESSION_OF_TOKEN, [
      hashSecretToken(refreshToken),
    ]);
    return session ? { sessionId: session.id, userId: session.userId } : undefined;
  }

  /** Returns whether a live session was revoked (false when it already was). */
  async revokeSession(sessionId: string, reason: RevokeReason): Promise<boolean> {
    const { count } = await sqlRun(this.txHost.tx, REVOKE, [sessionId, reason]);
    return count > 0;
  }

  /** Ends every live session of a user at once; their access tokens fail on the next request. */
  async revokeAllForUser(userId: string, reason: RevokeReason): Promise<number> {
    return (await sqlRun(this.txHost.tx, REVOKE_ALL_OF_USER, [userId, reason])).count;
  }

  /** Ends every live session of a user but one (the one that changed the password). */
  async revokeOthersForUser(
    userId: string,
    keepSessionId: string | undefined,
    reason: RevokeReason,
  ): Promise<number> {
    const { count } = await sqlRun(this.txHost.tx, REVOKE_OTHERS_OF_USER, [
      userId,
      keepSessionId ?? null,
      reason,
    ]);
    return count;
  }

  private async insert(
    user: SessionUser,
    client: { ip?: string; userAgent?: string },
    auth: SessionAuthentication,
    endsAt: Date,
  ): Promise<string> {
    const rows = await sqlRows(this.txHost.tx, START, [
      user.id,
      endsAt,
      client.ip ?? null,
      client.userAgent?.slice(0, 512) ?? null,
      [...new Set(auth.methods)],
      auth.secondFactorAt ?? null,
    ]);
    return rows[0].id;
  }

  private async issue(
    user: SessionUser,
    sessionId: string,
    expiresAt: Date,
    facts: SessionFacts,
  ): Promise<TokenPair> {
    const refreshToken = newSecretToken();
    await sqlRows(this.txHost.tx, INSERT_REFRESH_TOKEN, [
      sessionId,
      hashSecretToken(refreshToken),
      expiresAt,
    ]);
    const access = await this.accessTokens.issue({
      sub: user.id,
      sid: sessionId,
      email: user.email,
      pa: user.platformAdmin,
      ...authClaims(facts),
    });
    return {
      accessToken: access.token,
      accessTokenExpiresAt: access.expiresAt.toISOString(),
      refreshToken,
      refreshTokenExpiresAt: expiresAt.toISOString(),
    };
  }

  /** The next refresh token's expiry: its TTL from now, never past the session's end. */
  private refreshExpiry(endsAt: Date): Date {
    return new Date(Math.min(Date.now() + this.refreshTtlSeconds * 1000, endsAt.getTime()));
  }
}

/** What a session records about its authentication, as its tokens need it. */
export interface SessionFacts {
  authMethods: string[];
  secondFactorAt: Date | null;
  endsAt: Date;
}

const epochSeconds = (date: Date): number => Math.floor(date.getTime() / 1000);

/** The claims that say how and when the person authenticated, and when the session ends. */
function authClaims(facts: SessionFacts): { amr: string[]; sfa?: number; mx: number } {
  return {
    amr: facts.authMethods,
    mx: epochSeconds(facts.endsAt),
    ...(facts.secondFactorAt ? { sfa: epochSeconds(facts.secondFactorAt) } : {}),
  };
}
