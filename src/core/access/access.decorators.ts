import { applyDecorators, ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiExcludeController, ApiExtension } from '@nestjs/swagger';
import { Reflector } from '@nestjs/core';

export const PUBLIC_ROUTE = 'gc:public';
export const REQUIRED_PERMISSION = 'gc:permission';
export const WITHOUT_TRANSACTION = 'gc:without-transaction';
export const WEB_PAGE = 'gc:web-page';
export const STEP_UP = 'gc:step-up';

/** Anyone may call this route, signed in or not. */
export const Public = (): MethodDecorator & ClassDecorator =>
  applyDecorators(SetMetadata(PUBLIC_ROUTE, true), ApiExtension('x-public', true));

/**
 * The caller must hold this permission. On agency routes (`/agencies/:agencyCode/...`) it is
 * checked against the caller's roles in that agency (and, where the path has `:organizationId`,
 * in that organization); elsewhere against platform or self-service permissions.
 */
export const RequirePermission = (permission: string): MethodDecorator & ClassDecorator =>
  applyDecorators(
    SetMetadata(REQUIRED_PERMISSION, permission),
    // In the OpenAPI document too: the operation's bearer security and its 401/403 follow.
    ApiExtension('x-permission', permission),
  );

/**
 * A money action: besides the permission, the caller's session must have checked a second
 * factor recently (the agency's limit, 15 minutes by default); else 401 auth.step_up_required.
 */
export const RequireRecentSecondFactor = (): MethodDecorator & ClassDecorator =>
  applyDecorators(SetMetadata(STEP_UP, true), ApiExtension('x-step-up', true));

/** The route touches no database (liveness): skip the per-request transaction. */
export const WithoutTransaction = (): MethodDecorator & ClassDecorator =>
  SetMetadata(WITHOUT_TRANSACTION, true);

/**
 * A server-rendered page (src/web): served at the root (not under /api/v1), signed in by the web
 * session cookie and never by a bearer token (and API routes never by the cookie, so a browser's
 * cookie cannot be ridden into the JSON API), with a CSRF token on every POST. Not part of the
 * API's OpenAPI document.
 */
export const WebPage = (): ClassDecorator =>
  applyDecorators(SetMetadata(WEB_PAGE, true), ApiExcludeController());

/** What a route declares about access, read once per handler (metadata does not change). */
export interface RouteAccess {
  isPublic: boolean;
  permission: string | undefined;
  withoutTransaction: boolean;
  webPage: boolean;
  stepUp: boolean;
}

/** By handler, then controller class (an inherited handler may sit under other class metadata). */
const declared = new WeakMap<object, WeakMap<object, RouteAccess>>();

/**
 * The route's declarations, the handler's overriding its controller's. Cached: the guard asked
 * the reflector for them on every request, for what never changes.
 */
export function routeAccess(reflector: Reflector, execution: ExecutionContext): RouteAccess {
  return routeAccessOf(reflector, execution.getHandler(), execution.getClass());
}

/** The same, for a handler and its controller class (the request pipeline reads it at boot). */
export function routeAccessOf(
  reflector: Reflector,
  handler: object,
  controller: object,
): RouteAccess {
  let byClass = declared.get(handler);
  if (byClass === undefined) declared.set(handler, (byClass = new WeakMap()));
  let access = byClass.get(controller);
  if (access === undefined) {
    const targets = [handler, controller] as Parameters<Reflector['getAllAndOverride']>[1];
    access = {
      isPublic: reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets) === true,
      permission: reflector.getAllAndOverride<string | undefined>(REQUIRED_PERMISSION, targets),
      withoutTransaction:
        reflector.getAllAndOverride<boolean>(WITHOUT_TRANSACTION, targets) === true,
      webPage: reflector.getAllAndOverride<boolean>(WEB_PAGE, targets) === true,
      stepUp: reflector.getAllAndOverride<boolean>(STEP_UP, targets) === true,
    };
    byClass.set(controller, access);
  }
  return access;
}
