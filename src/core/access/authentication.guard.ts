import { CanActivate, ExecutionContext, Inject, Injectable, Optional } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Actor, RequestContext } from '../context/request-context';
import { DomainError, UnauthenticatedError } from '../errors/domain-error';
import { WebSessionCookie } from '../http/web-session-cookie';
import { routeAccess } from './access.decorators';
import { AUTHENTICATOR, Authenticator } from './access.ports';

export class UndeclaredRouteError extends DomainError {
  constructor() {
    super('auth.route_undeclared', 403, 'This route declares no permission and is closed.');
  }
}

export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const [scheme, token] = header.split(' ');
  return scheme?.toLowerCase() === 'bearer' && token ? token : undefined;
}

/**
 * Who is the actor? Verifies the bearer token on API routes, the session cookie on web pages
 * (stateless, no database), and puts the actor in context. Whether the actor may act in an
 * agency is decided later, inside the request transaction, by the AccessPolicy.
 */
@Injectable()
export class AuthenticationGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly context: RequestContext,
    private readonly cookie: WebSessionCookie,
    @Optional() @Inject(AUTHENTICATOR) private readonly authenticator?: Authenticator,
  ) {}

  async canActivate(execution: ExecutionContext): Promise<boolean> {
    const { isPublic, permission, webPage } = routeAccess(this.reflector, execution);
    // Fail closed: a route that declares nothing is not callable (a test also walks all routes).
    if (!isPublic && !permission) throw new UndeclaredRouteError();

    const http = execution.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const credential = webPage ? this.cookie.read(request) : bearerToken(request);
    if (!credential || !this.authenticator) {
      if (isPublic) return true;
      throw new UnauthenticatedError();
    }
    try {
      this.context.setActor(
        webPage
          ? await this.webSessionActor(credential, http.getResponse<FastifyReply>())
          : await this.authenticator.authenticate(credential),
      );
    } catch (error) {
      // A stale token on a public route is not an error: the caller is simply anonymous.
      if (!isPublic) throw error;
    }
    return true;
  }

  private async webSessionActor(cookie: string, reply: FastifyReply): Promise<Actor> {
    const { actor, renewed } = await this.authenticator!.authenticateWebSession(cookie);
    if (renewed) this.cookie.write(reply, renewed.token, renewed.expiresAt);
    return actor;
  }
}
