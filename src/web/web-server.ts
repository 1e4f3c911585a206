import { Injectable, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type {
  FastifyReply,
  FastifyRequest,
  onRequestHookHandler,
  preHandlerHookHandler,
} from 'fastify';
import { WEB_PAGE } from '../core/access/access.decorators';
import type { Problem } from '../core/errors/problem.filter';
import { HttpExtension } from '../core/http/http-extension';
import { AssetServer } from './assets/asset-server';
import { ErrorPages } from './errors/error-pages';
import { FormTokens } from './session/form-tokens';

/**
 * Pages load only this site's scripts and styles: no inline script or style, no framing, forms
 * post only here. (The API keeps its own, looser policy for the Swagger UI.)
 */
const PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "object-src 'none'",
].join('; ');

const joinPath = (...parts: string[]) =>
  '/' +
  parts
    .flatMap((p) => p.split('/'))
    .filter((p) => p !== '')
    .join('/');

const hooksOf = <T>(hooks: T | T[] | undefined): T[] =>
  Array.isArray(hooks) ? hooks : hooks ? [hooks] : [];

/**
 * The web pages' part of the HTTP server (HTTP_EXTENSION): cookies, CSRF tokens, the strict
 * content security policy and the assets, for the routes of @WebPage controllers (served at the
 * root, the API being under /api/v1); and their errors answered as pages.
 */
@Injectable()
export class WebServer implements HttpExtension {
  /** `METHOD /route/:pattern` of every page route, as Fastify names the matched route. */
  private readonly pageRoutes = new Set<string>();

  constructor(
    discovery: DiscoveryService,
    scanner: MetadataScanner,
    reflector: Reflector,
    private readonly assets: AssetServer,
    private readonly errorPages: ErrorPages,
    private readonly formTokens: FormTokens,
  ) {
    for (const wrapper of discovery.getControllers()) {
      const type = wrapper.metatype;
      if (!type || reflector.get<boolean>(WEB_PAGE, type) !== true) continue;
      const base = (Reflect.getMetadata(PATH_METADATA, type) as string | undefined) ?? '';
      const prototype = type.prototype as Record<string, object>;
      for (const name of scanner.getAllMethodNames(prototype)) {
        const path = Reflect.getMetadata(PATH_METADATA, prototype[name]) as string | undefined;
        if (path === undefined) continue;
        const method = Reflect.getMetadata(METHOD_METADATA, prototype[name]) as RequestMethod;
        this.pageRoutes.add(`${RequestMethod[method]} ${joinPath(base, path)}`);
      }
    }
  }

  isPage(request: FastifyRequest): boolean {
    return this.pageRoutes.has(`${request.method} ${request.routeOptions.url ?? ''}`);
  }

  /**
   * The page-only hooks go on the page routes alone (onRoute, before Nest adds its routes), so
   * that API requests do not pay for them (docs/decisions/0011). Cookies are parsed on first read.
   */
  register(app: NestFastifyApplication): Promise<void> {
    const fastify = app.getHttpAdapter().getInstance();
    const strictPolicy: onRequestHookHandler = (_request, reply, done) => {
      void reply.header('content-security-policy', PAGE_CSP);
      done();
    };
    const formToken: preHandlerHookHandler = (request, _reply, done) => {
      this.formTokens.check(request);
      done();
    };
    fastify.addHook('onRoute', (route) => {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      const pageMethods = methods.filter((m) => this.pageRoutes.has(`${m} ${route.url}`));
      if (pageMethods.length === 0) return;
      route.onRequest = [...hooksOf(route.onRequest), strictPolicy];
      if (pageMethods.includes('POST'))
        route.preHandler = [...hooksOf(route.preHandler), formToken];
    });
    this.assets.register(fastify);
    return Promise.resolve();
  }

  answerError(
    problem: Problem,
    error: unknown,
    request: FastifyRequest,
    reply: FastifyReply,
  ): boolean {
    const wantsPage =
      this.isPage(request) ||
      (!request.url.startsWith('/api/') &&
        String(request.headers.accept ?? '').includes('text/html'));
    if (!wantsPage) return false;
    void reply.header('content-security-policy', PAGE_CSP);
    this.errorPages.answer(problem, request, reply);
    return true;
  }
}
