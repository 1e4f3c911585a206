import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  Inject,
  Logger,
  Optional,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { HTTP_EXTENSION, HttpExtension } from '../http/http-extension';
import { SECURITY_HEADERS } from '../http/security-headers';
import { DomainError } from './domain-error';
import type { Problem } from './problem';

export type { Problem } from './problem';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  423: 'Locked',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** HTTP exceptions raised by the framework itself (routing, parsing) get codes of their own. */
export const FRAMEWORK_CODES: Record<number, string> = {
  400: 'request.malformed',
  401: 'auth.unauthenticated',
  403: 'auth.forbidden',
  404: 'route.not_found',
  405: 'route.method_not_allowed',
  408: 'request.timeout',
  413: 'request.too_large',
  414: 'request.uri_too_long',
  415: 'request.unsupported_media_type',
  429: 'request.rate_limited',
  431: 'request.headers_too_large',
};

/** Fixed details where the framework's message would echo the caller's (long) input back. */
const FRAMEWORK_DETAILS: Record<number, string> = {
  404: 'No route matches this method and path.',
  408: 'The request was not received in time.',
  414: 'A path parameter is longer than the server accepts.',
  431: 'The request headers are larger than the server accepts.',
};

export function toProblem(error: unknown, requestId?: string, instance?: string): Problem {
  const base = { requestId, instance };
  if (error instanceof DomainError) {
    // Extensions first: a module's extension can never overwrite the standard members.
    return {
      ...error.extensions,
      type: `urn:grant-commons:problem:${error.code}`,
      title: TITLES[error.status] ?? 'Error',
      status: error.status,
      detail: error.message,
      code: error.code,
      ...base,
    };
  }
  // A statement cancelled by statement_timeout (57014), or a transaction ended by
  // idle_in_transaction_session_timeout (25P03): the database is overloaded or a request held
  // it too long. Retryable, so 503, and coded so clients and alerts can tell it from a bug.
  const sqlState = (error as { code?: unknown } | undefined)?.code;
  if (sqlState === '57014' || sqlState === '25P03') {
    return {
      type: 'urn:grant-commons:problem:database.timeout',
      title: TITLES[503],
      status: 503,
      detail: 'The database did not answer in time. Try again shortly.',
      code: 'database.timeout',
      ...base,
    };
  }
  // Fastify's own errors (malformed JSON, body too large) carry a statusCode and an FST_ code.
  const status =
    error instanceof HttpException
      ? error.getStatus()
      : typeof (error as { statusCode?: unknown })?.statusCode === 'number'
        ? (error as { statusCode: number }).statusCode
        : 500;
  if (status >= 500) {
    return {
      type: 'urn:grant-commons:problem:internal.error',
      title: TITLES[500],
      status: 500,
      detail: 'An unexpected error occurred. Quote the request id when reporting it.',
      code: 'internal.error',
      ...base,
    };
  }
  const code = FRAMEWORK_CODES[status] ?? 'request.error';
  const detail = FRAMEWORK_DETAILS[status] ?? ((error as Error).message || TITLES[status]);
  return {
    type: `urn:grant-commons:problem:${code}`,
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    code,
    ...base,
  };
}

/** The single place errors become RFC 9457 problem documents. No stack trace leaves the server. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemFilter');

  constructor(@Optional() @Inject(HTTP_EXTENSION) private readonly extension?: HttpExtension) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const problem = toProblem(error, request.id, request.url?.split('?')[0]);
    // A server error is logged unless it is a coded, deliberate answer (auth.busy under a login
    // flood); an uncoded 502-504 from below is as much a bug as a 500.
    if (problem.status >= 500 && !(error instanceof DomainError)) {
      this.logger.error({ err: error, requestId: request.id }, 'unhandled error');
    } else if (problem.code === 'database.timeout') {
      // Not a bug, but an operator must see it: an overloaded database or a slow statement.
      this.logger.warn({ err: error, requestId: request.id }, 'database statement timed out');
    }
    // A coded refusal that names its delay (429) says it in the standard header too.
    if (typeof problem.retryAfterSeconds === 'number') {
      void reply.header('retry-after', String(problem.retryAfterSeconds));
    }
    // A web page's error is a page (or a redirect to sign in), not a problem document.
    if (this.extension?.answerError(problem, error, request, reply)) return;
    // Set again here: an error raised in an onRequest hook that ran before the headers' hook
    // (or Nest's 404 and error handlers) would otherwise answer without them.
    void reply
      .headers(SECURITY_HEADERS)
      .header('x-request-id', request.id)
      .status(problem.status)
      .header('content-type', PROBLEM_CONTENT_TYPE)
      .send(problem);
  }
}
