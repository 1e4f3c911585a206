import { Inject, Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { APP_CONFIG } from '../../core/config/config.module';
import { AppConfig } from '../../core/config/env';
import { AccessTokenCodec } from './access-token';
import { hashSecretToken, newSecretToken } from './secret-token';

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

interface PresentedToken {
  id: string;
  session_id: string;
  expires_at: Date;
  used_at: Date | null;
  revoked_at: Date | null;
  user_id: string;
  email: string;
  platform_admin: boolean;
}

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
    const rows: Array<{ id: string }> = await this.txHost.tx.query(
      `INSERT INTO sessions (user_id, expires_at, ip, user_agent) VALUES ($1, $2, $3, $4)
       RETURNING id`,
      [user.id, expiresAt, client.ip ?? null, client.userAgent?.slice(0, 512) ?? null],
    );
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
    const rows: Array<{ id: string }> = await this.txHost.tx.query(
      `INSERT INTO sessions (user_id, expires_at, ip, user_agent) VALUES ($1, $2, $3, $4)
       RETURNING id`,
      [user.id, endsAt, client.ip ?? null, client.userAgent?.slice(0, 512) ?? null],
    );
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
    const rows: PresentedToken[] = await this.txHost.tx.query(
      `SELECT rt.id, rt.session_id, rt.expires_at, rt.used_at, s.revoked_at, s.user_id,
              u.email, u.platform_admin
         FROM refresh_tokens rt
         JOIN sessions s ON s.id = rt.session_id
         JOIN users u ON u.id = s.user_id
        WHERE rt.token_hash = $1
          FOR UPDATE OF rt, s`,
      [hashSecretToken(refreshToken)],
    );
    const presented = rows[0];
    if (!presented) return { kind: 'invalid' };
    const ids = { userId: presented.user_id, sessionId: presented.session_id };
    if (presented.used_at) {
      await this.revokeSession(presented.session_id, 'refresh_reused');
      return { kind: 'reused', ...ids };
    }
    if (presented.revoked_at || presented.expires_at.getTime() <= Date.now()) {
      return { kind: 'invalid' };
    }
    await this.txHost.tx.query(`UPDATE refresh_tokens SET used_at = now() WHERE id = $1`, [
      presented.id,
    ]);
    const expiresAt = this.refreshExpiry();
    await this.txHost.tx.query(`UPDATE sessions SET expires_at = $2 WHERE id = $1`, [
      presented.session_id,
      expiresAt,
    ]);
    const user = {
      id: presented.user_id,
      email: presented.email,
      platformAdmin: presented.platform_admin,
    };
    return {
      kind: 'rotated',
      tokens: await this.issue(user, presented.session_id, expiresAt),
      ...ids,
    };
  }

  /** The live session a refresh token belongs to, if any (logout without an access token). */
  async sessionOfRefreshToken(
    refreshToken: string,
  ): Promise<{ sessionId: string; userId: string } | undefined> {
    const rows: Array<{ session_id: string; user_id: string }> = await this.txHost.tx.query(
      `SELECT s.id AS session_id, s.user_id FROM refresh_tokens rt
         JOIN sessions s ON s.id = rt.session_id
        WHERE rt.token_hash = $1 AND s.revoked_at IS NULL`,
      [hashSecretToken(refreshToken)],
    );
    return rows[0] ? { sessionId: rows[0].session_id, userId: rows[0].user_id } : undefined;
  }

  /** Returns whether a live session was revoked (false when it already was). */
  async revokeSession(sessionId: string, reason: RevokeReason): Promise<boolean> {
    const [, count] = await this.txHost.tx.query<[unknown, number]>(
      `UPDATE sessions SET revoked_at = now(), revoked_reason = $2
        WHERE id = $1 AND revoked_at IS NULL`,
      [sessionId, reason],
    );
    return count > 0;
  }

  /** Ends every live session of a user at once; their access tokens fail on the next request. */
  async revokeAllForUser(userId: string, reason: RevokeReason): Promise<number> {
    const [, count] = await this.txHost.tx.query<[unknown, number]>(
      `UPDATE sessions SET revoked_at = now(), revoked_reason = $2
        WHERE user_id = $1 AND revoked_at IS NULL`,
      [userId, reason],
    );
    return count;
  }

  /** Ends every live session of a user but one (the one that changed the password). */
  async revokeOthersForUser(
    userId: string,
    keepSessionId: string | undefined,
    reason: RevokeReason,
  ): Promise<number> {
    const [, count] = await this.txHost.tx.query<[unknown, number]>(
      `UPDATE sessions SET revoked_at = now(), revoked_reason = $3
        WHERE user_id = $1 AND revoked_at IS NULL AND id IS DISTINCT FROM $2`,
      [userId, keepSessionId ?? null, reason],
    );
    return count;
  }

  private async issue(user: SessionUser, sessionId: string, expiresAt: Date): Promise<TokenPair> {
    const refreshToken = newSecretToken();
    await this.txHost.tx.query(
      `INSERT INTO refresh_tokens (session_id, token_hash, expires_at) VALUES ($1, $2, $3)`,
      [sessionId, hashSecretToken(refreshToken), expiresAt],
    );
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
