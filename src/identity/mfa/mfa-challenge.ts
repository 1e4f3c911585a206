import { createHash, createSecretKey, KeyObject } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';
import { MfaChallengeInvalidError } from '../identity.errors';

/** What a password-checked sign-in waiting for its second factor may do next. */
export type ChallengePurpose = 'verify' | 'enrol';

export interface MfaChallenge {
  userId: string;
  email: string;
  platformAdmin: boolean;
  purpose: ChallengePurpose;
  /** Where the sign-in is going: an API token pair or a web page session. */
  channel: 'api' | 'web';
  /** The person's saved language, for the web session cookie the sign-in ends with. */
  locale?: string | null;
  /** How the first step was done: a password, or an agency's identity provider (single-factor). */
  firstFactor?: 'pwd' | 'oidc';
}

const AUDIENCE = 'grant-commons-mfa-challenge';
const TYPE = 'mfa-challenge+jwt';

/**
 * The short-lived token between a sign-in's password step and its second factor (or enrolment).
 * It is not a session: no route but the challenge's own accepts it (own audience and type, a
 * key derived apart from the access tokens'), so it can do nothing but finish signing in.
 */
export class MfaChallengeCodec {
  private readonly key: KeyObject;

  constructor(
    secret: string,
    private readonly issuer: string,
    private readonly ttlSeconds: number,
  ) {
    this.key = createSecretKey(
      createHash('sha256').update(`grant-commons mfa challenge\0${secret}`).digest(),
    );
  }

  async issue(challenge: MfaChallenge): Promise<{ token: string; expiresAt: Date }> {
    const iat = Math.floor(Date.now() / 1000);
    const exp = iat + this.ttlSeconds;
    const token = await new SignJWT({
      email: challenge.email,
      pa: challenge.platformAdmin,
      pur: challenge.purpose,
      ch: challenge.channel,
      ...(challenge.locale ? { loc: challenge.locale } : {}),
      ff: challenge.firstFactor ?? 'pwd',
    })
      .setProtectedHeader({ alg: 'HS256', typ: TYPE })
      .setSubject(challenge.userId)
      .setIssuer(this.issuer)
      .setAudience(AUDIENCE)
      .setIssuedAt(iat)
      .setExpirationTime(exp)
      .sign(this.key);
    return { token, expiresAt: new Date(exp * 1000) };
  }

  async verify(token: string, channel: MfaChallenge['channel']): Promise<MfaChallenge> {
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: ['HS256'],
        typ: TYPE,
        issuer: this.issuer,
        audience: AUDIENCE,
        requiredClaims: ['sub', 'exp'],
      });
      const { sub, email, pa, pur, ch, loc, ff } = payload;
      if (typeof sub !== 'string' || typeof email !== 'string') throw new Error('claims');
      if ((pur !== 'verify' && pur !== 'enrol') || ch !== channel) throw new Error('claims');
      return {
        userId: sub,
        email,
        platformAdmin: pa === true,
        purpose: pur,
        channel,
        locale: typeof loc === 'string' ? loc : null,
        firstFactor: ff === 'oidc' ? 'oidc' : 'pwd',
      };
    } catch {
      throw new MfaChallengeInvalidError();
    }
  }
}
