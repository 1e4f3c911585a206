import { createHash, createSecretKey, KeyObject } from 'node:crypto';
import { errors, jwtVerify, JWTHeaderParameters, SignJWT } from 'jose';
import { AppConfig } from '../../core/config/env';
import { AccessTokenExpiredError, AccessTokenInvalidError } from '../identity.errors';

/** What an access token says: who, which session, and until when. */
export interface AccessClaims {
  sub: string; // user id
  sid: string; // session id
  email: string;
  pa: boolean; // platform admin when issued (the access policy re-reads it per request)
  iat: number;
  exp: number;
  /** When the session ends however active it is (epoch seconds). */
  mx?: number;
  /** How the person authenticated (RFC 8176 `amr`; this app's names: pwd, otp, recovery, oidc). */
  amr?: string[];
  /** When a second factor was last checked in this session (epoch seconds): step-up reads it. */
  sfa?: number;
}

export interface AccessTokenSettings {
  /** Signs new tokens (and verifies them). */
  secret: string;
  /** The secret before the last rotation: tokens it signed still verify until they expire. */
  previousSecret?: string;
  /** This deployment; a token another deployment issued is refused even with the same secret. */
  issuer: string;
  ttlSeconds: number;
  /** Who the tokens are for; the API's by default. */
  audience?: string;
}

/** Who the tokens are for: this API (RFC 7519 `aud`). */
export const ACCESS_TOKEN_AUDIENCE = 'grant-commons-api';
/** Who web-page session cookies are for: never accepted as an API bearer token, nor vice versa. */
export const WEB_SESSION_AUDIENCE = 'grant-commons-web';
/** RFC 9068's type for access tokens: a JWT of another kind is never taken for one. */
const TOKEN_TYPE = 'at+jwt';
/** Verified tokens remembered per codec; beyond this many the memory starts over. */
const MAX_VERIFIED = 2048;

/**
 * The `kid` of a secret: a hash, so rotation needs no key names in configuration. It reveals
 * nothing a signed token does not (both are one-way functions of the secret).
 */
export function keyIdOf(secret: string): string {
  return createHash('sha256')
    .update(`grant-commons access token key\0${secret}`)
    .digest('base64url')
    .slice(0, 16);
}

/**
 * JWT (HS256, jose) access tokens: stateless to verify (signature, `alg`, `kid`, issuer,
 * audience, expiry); whether the session is still live is checked per request by the access
 * policy. Two keys verify during a rotation: the current one, which signs, and the previous one.
 */
export class AccessTokenCodec {
  /**
   * Claims of tokens whose signature was checked, by the token's full text: a client sends the
   * same token on every request, and verifying each time costs CPU
   * (docs/decisions/0004-verified-access-token-cache.md). Only a byte-identical token hits, and
   * expiry is still checked each time.
   */
  private readonly verified = new Map<string, Readonly<AccessClaims>>();
  private readonly signingKey: { kid: string; key: KeyObject };
  private readonly verificationKeys: ReadonlyMap<string, KeyObject>;
  private readonly audience: string;

  constructor(
    private readonly settings: AccessTokenSettings,
    private readonly now: () => number = Date.now,
  ) {
    const keys = [settings.secret, settings.previousSecret].filter((s): s is string => !!s);
    this.verificationKeys = new Map(keys.map((s) => [keyIdOf(s), createSecretKey(Buffer.from(s))]));
    this.audience = settings.audience ?? ACCESS_TOKEN_AUDIENCE;
    const kid = keyIdOf(settings.secret);
    this.signingKey = { kid, key: this.verificationKeys.get(kid)! };
  }

  static fromConfig(config: AppConfig, now?: () => number): AccessTokenCodec {
    return new AccessTokenCodec(
      {
        secret: config.auth.tokenSecret,
        previousSecret: config.auth.previousTokenSecret,
        issuer: config.publicAppUrl,
        ttlSeconds: config.auth.accessTokenTtlSeconds,
      },
      now,
    );
  }

  /** Web-page session cookies: the same keys, their own audience, the idle timeout as lifetime. */
  static forWebSessions(config: AppConfig, now?: () => number): AccessTokenCodec {
    return new AccessTokenCodec(
      {
        secret: config.auth.tokenSecret,
        previousSecret: config.auth.previousTokenSecret,
        issuer: config.publicAppUrl,
        ttlSeconds: config.auth.webSessionIdleSeconds,
        audience: WEB_SESSION_AUDIENCE,
      },
      now,
    );
  }

  /** The token's lifetime is the codec's, and never past `claims.mx` when given. */
  async issue(
    claims: Omit<AccessClaims, 'iat' | 'exp'>,
  ): Promise<{ token: string; expiresAt: Date }> {
    const iat = Math.floor(this.now() / 1000);
    const exp = Math.min(iat + this.settings.ttlSeconds, claims.mx ?? Infinity);
    const body: Record<string, unknown> = { sid: claims.sid, email: claims.email, pa: claims.pa };
    if (claims.mx !== undefined) body.mx = claims.mx;
    if (claims.amr !== undefined) body.amr = claims.amr;
    if (claims.sfa !== undefined) body.sfa = claims.sfa;
    const token = await new SignJWT(body)
      .setProtectedHeader({ alg: 'HS256', typ: TOKEN_TYPE, kid: this.signingKey.kid })
      .setSubject(claims.sub)
      .setIssuer(this.settings.issuer)
      .setAudience(this.audience)
      .setIssuedAt(iat)
      .setExpirationTime(exp)
      .sign(this.signingKey.key);
    return { token, expiresAt: new Date(exp * 1000) };
  }

  /** The token's claims, or AccessTokenInvalidError / AccessTokenExpiredError. */
  async verify(token: string): Promise<Readonly<AccessClaims>> {
    let claims = this.verified.get(token);
    if (claims === undefined) {
      claims = Object.freeze(await this.check(token));
      if (this.verified.size >= MAX_VERIFIED) this.verified.clear();
      this.verified.set(token, claims);
    }
    if (claims.exp * 1000 <= this.now()) {
      this.verified.delete(token);
      throw new AccessTokenExpiredError();
    }
    return claims;
  }

  private async check(token: string): Promise<AccessClaims> {
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, (header) => this.keyFor(header), {
        algorithms: ['HS256'],
        typ: TOKEN_TYPE,
        issuer: this.settings.issuer,
        audience: this.audience,
        requiredClaims: ['sub', 'iat', 'exp'],
        currentDate: new Date(this.now()),
      }));
    } catch (error) {
      if (error instanceof errors.JWTExpired) throw new AccessTokenExpiredError();
      throw new AccessTokenInvalidError();
    }
    const { sub, sid, email, pa, iat, exp, mx, amr, sfa } = payload;
    if (typeof sub !== 'string' || typeof sid !== 'string' || typeof email !== 'string') {
      throw new AccessTokenInvalidError();
    }
    const claims: AccessClaims = {
      sub,
      sid,
      email,
      pa: pa === true,
      iat: iat as number,
      exp: exp as number,
    };
    if (typeof mx === 'number') claims.mx = mx;
    if (Array.isArray(amr) && amr.every((m) => typeof m === 'string')) claims.amr = amr;
    if (typeof sfa === 'number') claims.sfa = sfa;
    return claims;
  }

  private keyFor(header: JWTHeaderParameters): KeyObject {
    const key = header.kid === undefined ? undefined : this.verificationKeys.get(header.kid);
    if (!key) throw new AccessTokenInvalidError();
    return key;
  }
}
