import { CanActivate, ExecutionContext, Inject, Injectable, Optional } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { RequestContext } from '../context/request-context';
import { DomainError, UnauthenticatedError } from '../errors/domain-error';
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
 * Who is the actor? Verifies the bearer token (stateless, no database) and puts the actor in
 * context. Whether the actor may act in an agency is decided later, inside the request
 * transaction, by the AccessPolicy.
 */
@Injectable()
export class AuthenticationGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly context: RequestContext,
    @Optional() @Inject(AUTHENTICATOR) private readonly authenticator?: Authenticator,
  ) {}

  async canActivate(execution: ExecutionContext): Promise<boolean> {
    const { isPublic, permission } = routeAccess(this.reflector, execution);
    // Fail closed: a route that declares nothing is not callable (a test also walks all routes).
    if (!isPublic && !permission) throw new UndeclaredRouteError();

    const token = bearerToken(execution.switchToHttp().getRequest<FastifyRequest>());
    if (!token || !this.authenticator) {
      if (isPublic) return true;
      throw new UnauthenticatedError();
    }
    try {
      this.context.setActor(await this.authenticator.authenticate(token));
    } catch (error) {
      // A stale token on a public route is not an error: the caller is simply anonymous.
      if (!isPublic) throw error;
    }
    return true;
  }
}
