import { Injectable } from '@nestjs/common';
import { Authenticator } from '../../core/access/access.ports';
import { Actor } from '../../core/context/request-context';
import { SessionService } from './session.service';

/**
 * AUTHENTICATOR: verifies the access token (signature, key id, issuer, audience, expiry) with no
 * database round trip. Whether its session is still live is checked inside the request
 * transaction by the access policy, in the same query that loads the caller's memberships.
 */
@Injectable()
export class BearerAuthenticator implements Authenticator {
  constructor(private readonly sessions: SessionService) {}

  authenticate(bearerToken: string): Promise<Actor> {
    return this.sessions.accessTokens.verify(bearerToken).then((claims) => ({
      kind: 'user',
      userId: claims.sub,
      sessionId: claims.sid,
      email: claims.email,
      platformAdmin: claims.pa,
    }));
  }
}
