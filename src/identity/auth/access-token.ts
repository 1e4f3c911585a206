import { createHmac, timingSafeEqual } from 'node:crypto';
import { AccessTokenExpiredError, AccessTokenInvalidError } from '../identity.errors';

/** What an access token says: who, which session, and until when. */
export interface AccessClaims {
  sub: string; // user id
  sid: string; // session id
  email: string;
  pa: boolean; // platform admin when issued (the access policy re-reads it per request)
  iat: number;
  exp: number;
}

const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');

/** Verified tokens remembered per codec; beyond this many the memory starts over. */
const MAX_VERIFIED = 2048;

/**
 * Compact JWS (HS256) access tokens with node:crypto: stateless to verify (signature and expiry);
 * whether the session is still live is checked per request by the access policy.
 */
export class AccessTokenCodec {
  /**
   * Claims of tokens whose signature was checked, by the token's full text: a client sends the
   * same token on every request until it expires, and the HMAC and JSON parse were ~4% of a
   * small request's CPU. Only a byte-identical token hits, and expiry is still checked each time.
   */
  private readonly verified = new Map<string, Readonly<AccessClaims>>();

  constructor(
    private readonly secret: string,
    private readonly ttlSeconds: number,
    private readonly now: () => number = Date.now,
  ) {}

  issue(claims: Omit<AccessClaims, 'iat' | 'exp'>): { token: string; expiresAt: Date } {
    const iat = Math.floor(this.now() / 1000);
    const exp = iat + this.ttlSeconds;
    const body = Buffer.from(JSON.stringify({ ...claims, iat, exp })).toString('base64url');
    const signingInput = `${HEADER}.${body}`;
    return { token: `${signingInput}.${this.sign(signingInput)}`, expiresAt: new Date(exp * 1000) };
  }

  verify(token: string): Readonly<AccessClaims> {
    let claims = this.verified.get(token);
    if (claims === undefined) {
      claims = Object.freeze(this.check(token));
      if (this.verified.size >= MAX_VERIFIED) this.verified.clear();
      this.verified.set(token, claims);
    }
    if (claims.exp * 1000 <= this.now()) {
      this.verified.delete(token);
      throw new AccessTokenExpiredError();
    }
    return claims;
  }

  /** Signature and shape; not expiry (verify checks it on every use). */
  private check(token: string): AccessClaims {
    const parts = token.split('.');
    if (parts.length !== 3 || parts[0] !== HEADER) throw new AccessTokenInvalidError();
    const expected = Buffer.from(this.sign(`${parts[0]}.${parts[1]}`));
    const actual = Buffer.from(parts[2]);
    if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) {
      throw new AccessTokenInvalidError();
    }
    let claims: AccessClaims;
    try {
      claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as AccessClaims;
    } catch {
      throw new AccessTokenInvalidError();
    }
    if (
      typeof claims.sub !== 'string' ||
      typeof claims.sid !== 'string' ||
      typeof claims.exp !== 'number'
    ) {
      throw new AccessTokenInvalidError();
    }
    return claims;
  }

  private sign(input: string): string {
    return createHmac('sha256', this.secret).update(input).digest('base64url');
  }
}
