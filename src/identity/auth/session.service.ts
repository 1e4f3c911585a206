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
  'logout' | 'refresh_reused' | 'deactivated' | 'password_reset' | 'password_changed';

export type RotationOutcome =
  | { kind: 'rotated'; tokens: TokenPair; userId: string; sessionId: string }
  | { kind: 'invalid' }
  | { kind: 'reused'; userId: string; sessionId: string };

const START = sql<Pick<Session, 'id'>>(
  'identity.session-insert',
  `INSERT INTO sessions (user_id, expires_at, ip, user_agent) VALUES ($1, $2, $3, $4)
   RETURNING id`,
);

/** The presented refresh token and its session, both locked, with the session's user. */
const PRESENTED = entitySql(
  'identity.refresh-token-lock-presented',
  RefreshToken,
  'rt',
  `SELECT {columns}, s.revoked_at AS "revokedAt", s.user_id AS "userId", u.email,
          u.platform_admin AS "platformAdmin"
     FROM refresh_tokens rt
     JOIN sessions s ON s.id = rt.session_id
     JOIN users u ON u.id = s.user_id
    WHERE rt.token_hash = $1
      FOR UPDATE OF rt, s`,
  {
    pick: ['id', 'sessionId', 'expiresAt', 'usedAt'],
    computed: computedColumns<
      Pick<Session, 'revokedAt' | 'userId'> & Pick<User, 'email' | 'platformAdmin'>
    >(),
  },
);

const MARK_USED = sql(
  'identity.refresh-token-mark-used',
  `UPDATE refresh_tokens SET used_at = now() WHERE id = $1`,
);

const EXTEND = sql('identity.session-extend', `UPDATE sessions SET expires_at = $2 WHERE id = $1`);

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

  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.accessTokens = AccessTokenCodec.fromConfig(config);
    this.webTokens = AccessTokenCodec.forWebSessions(config);
    this.refreshTtlSeconds = config.auth.refreshTokenTtlSeconds;
    this.webMaxSeconds = config.auth.webSessionMaxSeconds;
  }

  async start(
    user: SessionUser,
    client: { ip?: string; userAgent?: string },
  ): Promise<{ sessionId: string; tokens: TokenPair }> {
    const expiresAt = this.refreshExpiry();
    const rows = await sqlRows(this.txHost.tx, START, [
      user.id,
      expiresAt,
      client.ip ?? null,
      client.userAgent?.slice(0, 512) ?? null,
    ]);
    const sessionId = rows[0].id;
    return { sessionId, tokens: await this.issue(user, sessionId, expiresAt) };
  }

  /**
   * A web page session: the session row ends at the absolute lifetime, and the cookie's token
   * carries that end (mx) so that renewing it never outlives the session.
   */
  async startWeb(
    user: SessionUser,
    client: { ip?: string; userAgent?: string },
  ): Promise<WebTicket> {
    const endsAt = new Date(Date.now() + this.webMaxSeconds * 1000);
    const rows = await sqlRows(this.txHost.tx, START, [
      user.id,
      endsAt,
      client.ip ?? null,
      client.userAgent?.slice(0, 512) ?? null,
    ]);
    const sessionId = rows[0].id;
    const issued = await this.webTokens.issue({
      sub: user.id,
      sid: sessionId,
      email: user.email,
      pa: user.platformAdmin,
      mx: Math.floor(endsAt.getTime() / 1000),
    });
    return { sessionId, ...issued };
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
    if (presented.revokedAt || presented.expiresAt.getTime() <= Date.now()) {
      return { kind: 'invalid' };
    }
    await sqlRows(this.txHost.tx, MARK_USED, [presented.id]);
    const expiresAt = this.refreshExpiry();
    await sqlRows(this.txHost.tx, EXTEND, [presented.sessionId, expiresAt]);
    const user = {
      id: presented.userId,
      email: presented.email,
      platformAdmin: presented.platformAdmin,
    };
    return {
      kind: 'rotated',
      tokens: await this.issue(user, presented.sessionId, expiresAt),
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

  private async issue(user: SessionUser, sessionId: string, expiresAt: Date): Promise<TokenPair> {
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
    });
    return {
      accessToken: access.token,
      accessTokenExpiresAt: access.expiresAt.toISOString(),
      refreshToken,
      refreshTokenExpiresAt: expiresAt.toISOString(),
    };
  }

  private refreshExpiry(): Date {
    return new Date(Date.now() + this.refreshTtlSeconds * 1000);
  }
}
