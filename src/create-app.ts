import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import multipart from '@fastify/multipart';
import { FastifyBaseLogger, FastifyInstance, LogController } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { CLS_ID, ClsService } from 'nestjs-cls';
import type { Logger } from 'pino';
import { AppModule } from './app.module';
import { AppConfig } from './core/config/env';
import { GrantCommonsStore } from './core/context/request-context';
import { PinoNestLogger } from './core/logging/logger';
import { frameworkRefusalOptions, installResponseHeaders } from './core/http/framework-refusals';
import { registerRateLimits } from './core/http/rate-limits';
import { HTTP_EXTENSION, HttpExtension } from './core/http/http-extension';
import { dropClsPassThroughEnhancers, RequestPipeline } from './core/http/request-pipeline';
import { createValidationPipe, DeferredRefusal } from './core/http/validation';
import { TENANT_DIRECTORY, TenantDirectory } from './core/access/access.ports';
import { AppMetrics } from './core/metrics/app-metrics';
import { installHttpMetrics } from './core/metrics/http-metrics';
import { buildApiDocument } from './core/openapi/api-document';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Accept a caller's X-Request-Id when it is sane (for tracing across services); else make one. */
function requestIdFor(raw: IncomingMessage): string {
  const incoming = raw.headers['x-request-id'];
  const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
  (raw as IncomingMessage & { requestId?: string }).requestId = id;
  return id;
}

/**
 * Each request's CLS context (request id, client address), opened in the first onRequest hook so
 * that all that follows (guard, transaction, handler, logs) runs inside it; Fastify keeps the
 * async context across body parsing. The same as nestjs-cls's mounted middleware did, without
 * Nest's middleware layer and middie around it, and with a fresh store per request.
 */
function openRequestContexts(fastify: FastifyInstance, cls: ClsService<GrantCommonsStore>): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    // request.ip: the socket address, or X-Forwarded-For only from a TRUSTED_PROXIES hop.
    const store = { [CLS_ID]: request.id, requestId: request.id, ip: request.ip, request, reply };
    cls.runWith(store, () => done());
  });
}

/** The web pages' additions to the server, when the web module is in the application. */
function httpExtensionOf(app: NestFastifyApplication): HttpExtension | undefined {
  try {
    return app.get<HttpExtension>(HTTP_EXTENSION, { strict: false });
  } catch {
    return undefined;
  }
}

export async function createApp(
  config: AppConfig,
  logger: Logger,
): Promise<NestFastifyApplication> {
  const requestLines = config.logLevel === 'debug' || config.logLevel === 'trace';
  const adapter = new FastifyAdapter({
    loggerInstance: logger,
    genReqId: requestIdFor,
    // Per-request access lines only at debug: at info they cost throughput and say little.
    logController: new LogController({ disableRequestLogging: !requestLines }),
    // Nor a child logger per request then (~1% of a small request's CPU): request.log is the
    // root logger, whose mixin puts the request id (from CLS) on every line written in a request.
    ...(requestLines ? {} : { childLoggerFactory: (root: FastifyBaseLogger) => root }),
    // Nest installs the one error and not-found handler at init (through the ProblemFilter).
    allowErrorHandlerOverride: false,
    ...frameworkRefusalOptions(),
    trustProxy: config.trustedProxies,
    bodyLimit: 1024 * 1024,
  });
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.register(config),
    adapter,
    {
      logger: new PinoNestLogger(logger),
      bufferLogs: true,
      // A refused boot (e.g. the database role check) rejects with its message instead of
      // exiting the process from inside Nest: main.ts prints it, tests can assert it.
      abortOnError: false,
    },
  );
  dropClsPassThroughEnhancers(app);
  app.get(RequestPipeline).wrapHandlers();
  const fastify = app.getHttpAdapter().getInstance();

  openRequestContexts(fastify, app.get<ClsService<GrantCommonsStore>>(ClsService));
  installResponseHeaders(fastify);
  // Before any route is registered (Nest registers them at init): each route gets its hook.
  // Only when metrics are served (METRICS_TOKEN or METRICS_PORT): off, requests pay nothing.
  if (config.metrics.token !== undefined || config.metrics.port !== undefined) {
    installHttpMetrics(
      fastify,
      app.get(AppMetrics),
      app.get<TenantDirectory>(TENANT_DIRECTORY, { strict: false }),
    );
  }

  await registerRateLimits(app, config);
  // Multipart is parsed lazily (request.file()): uploads stream; limits are set per route.
  await app.register(multipart, { limits: { files: 1, fields: 10, parts: 11 } });

  // The API modules are mounted under /api/v1 by AppModule (RouterModule); pages and health
  // probes at the root.
  await httpExtensionOf(app)?.register(app);
  app.useGlobalPipes(new DeferredRefusal(createValidationPipe()));

  const document = buildApiDocument(app);
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
  return app;
}
