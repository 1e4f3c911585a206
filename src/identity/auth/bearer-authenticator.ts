import { Inject, Injectable } from '@nestjs/common';
import { Authenticator, WebSessionActor } from '../../core/access/access.ports';
import { APP_CONFIG } from '../../core/config/config.module';
import { AppConfig } from '../../core/config/env';
import { Actor } from '../../core/context/request-context';
import { AccessClaims } from './access-token';
import { SessionService } from './session.service';

const actorOf = (claims: Readonly<AccessClaims>): Actor => ({
  kind: 'user',
  userId: claims.sub,
  sessionId: claims.sid,
  email: claims.email,
  platformAdmin: claims.pa,
  // Tokens issued before sessions recorded methods were password sign-ins.
  authMethods: claims.amr ?? ['pwd'],
  secondFactorAt: claims.sfa,
});

/**
 * AUTHENTICATOR: verifies the access token or web session cookie (signature, key id, issuer,
 * audience, expiry) with no database round trip. Whether its session is still live is checked
 * inside the request transaction by the access policy, in the same query that loads the
 * caller's memberships, so a sign-out or deactivation ends both at once.
 */
@Injectable()
export class BearerAuthenticator implements Authenticator {
  /** A web cookie is re-issued once this much of its idle lifetime has passed. */
  private readonly renewAfterSeconds: number;

  constructor(
    private readonly sessions: SessionService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.renewAfterSeconds = Math.max(30, Math.floor(config.auth.webSessionIdleSeconds / 10));
  }

  authenticate(bearerToken: string): Promise<Actor> {
    return this.sessions.accessTokens.verify(bearerToken).then(actorOf);
  }

  async authenticateWebSession(cookie: string): Promise<WebSessionActor> {
    const claims = await this.sessions.webTokens.verify(cookie);
    const actor = actorOf(claims);
    const age = Math.floor(Date.now() / 1000) - claims.iat;
    if (age < this.renewAfterSeconds) return { actor };
    // Sliding: a fresh idle period, never past the session's absolute end (mx).
    const renewed = await this.sessions.webTokens.issue(claims);
    return { actor, renewed };
  }
}
