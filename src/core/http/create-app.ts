import { RequestMethod } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import multipart from '@fastify/multipart';
import { FastifyBaseLogger, FastifyInstance, LogController } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { CLS_ID, ClsService } from 'nestjs-cls';
import type { Logger } from 'pino';
import { AppModule } from '../../app.module';
import { AppConfig } from '../config/env';
import { GrantCommonsStore } from '../context/request-context';
import { PinoNestLogger } from '../logging/logger';
import { PROBLEM_CONTENT_TYPE, toProblem } from '../errors/problem.filter';
import { dropClsPassThroughEnhancers, installPromiseInterceptors } from './promise-interceptors';
import { securityHeaders } from './security-headers';
import { createValidationPipe } from './validation';

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
  fastify.addHook('onRequest', (request, _reply, done) => {
    // With trustProxy, Fastify resolves the client address; the raw socket is the fallback.
    const forwarded = request.headers['x-forwarded-for'];
    const ip =
      typeof forwarded === 'string' ? forwarded.split(',')[0].trim() : request.socket.remoteAddress;
    cls.runWith({ [CLS_ID]: request.id, requestId: request.id, ip }, () => done());
  });
}

export async function createApp(
  config: AppConfig,
  logger: Logger,
): Promise<NestFastifyApplication> {
  installPromiseInterceptors();
  const requestLines = config.logLevel === 'debug' || config.logLevel === 'trace';
  const adapter = new FastifyAdapter({
    loggerInstance: logger,
    genReqId: requestIdFor,
    // Per-request access lines only at debug: at info they cost throughput and say little.
    logController: new LogController({ disableRequestLogging: !requestLines }),
    // Nor a child logger per request then (~1% of a small request's CPU): request.log is the
    // root logger, whose mixin puts the request id (from CLS) on every line written in a request.
    ...(requestLines ? {} : { childLoggerFactory: (root: FastifyBaseLogger) => root }),
    // We replace Nest's Fastify error handler on purpose: pre-routing errors become problem+json.
    allowErrorHandlerOverride: true,
    trustProxy: true,
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
  const fastify = app.getHttpAdapter().getInstance();

  openRequestContexts(fastify, app.get<ClsService<GrantCommonsStore>>(ClsService));
  const security = securityHeaders();
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.headers(security).header('x-request-id', request.id);
    done();
  });
  // Errors Fastify raises before Nest routes the request (malformed JSON, body too large).
  fastify.setErrorHandler((error, request, reply) => {
    const problem = toProblem(error, request.id, request.url.split('?')[0]);
    if (problem.status >= 500) request.log.error({ err: error }, 'unhandled error');
    void reply.status(problem.status).header('content-type', PROBLEM_CONTENT_TYPE).send(problem);
  });

  // Multipart is parsed lazily (request.file()): uploads stream; limits are set per route.
  await app.register(multipart, { limits: { files: 1, fields: 10, parts: 11 } });

  app.setGlobalPrefix('api/v1', {
    exclude: [
      { path: 'health/live', method: RequestMethod.GET },
      { path: 'health/ready', method: RequestMethod.GET },
    ],
  });
  app.useGlobalPipes(createValidationPipe());

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Grant Commons API')
      .setDescription(
        'Grants management for state education agencies. Errors are RFC 9457 problem documents with a stable `code`.',
      )
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
  return app;
}
