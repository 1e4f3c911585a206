import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from './domain-error';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance?: string;
  requestId?: string;
  [extension: string]: unknown;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  423: 'Locked',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** HTTP exceptions raised by the framework itself (routing, parsing) get codes of their own. */
const FRAMEWORK_CODES: Record<number, string> = {
  400: 'request.malformed',
  401: 'auth.unauthenticated',
  403: 'auth.forbidden',
  404: 'route.not_found',
  405: 'route.method_not_allowed',
  413: 'request.too_large',
  415: 'request.unsupported_media_type',
  429: 'request.rate_limited',
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
  const detail =
    status === 404
      ? 'No route matches this method and path.'
      : (error as Error).message || TITLES[status];
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

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const problem = toProblem(error, request.id, request.url?.split('?')[0]);
    if (problem.status >= 500) {
      this.logger.error({ err: error, requestId: request.id }, 'unhandled error');
    }
    void reply.status(problem.status).header('content-type', PROBLEM_CONTENT_TYPE).send(problem);
  }
}
