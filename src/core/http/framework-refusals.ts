import type { FastifyInstance, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { PROBLEM_CONTENT_TYPE, toProblem } from '../errors/problem.filter';
import { SECURITY_HEADERS } from './security-headers';

/**
 * Every answer the server gives, the ones Fastify and Node's HTTP parser give before any route
 * runs included, is a problem document with a request id and the security headers:
 *
 * - routed requests get the headers in the first onRequest hook; their errors (body parser,
 *   unsupported media type, handler) and unknown routes (404) go through Nest's error and
 *   not-found handlers, which Nest installs once at init and which end in the ProblemFilter;
 * - `frameworkErrors`: refusals while routing (over-long path parameter 414, malformed URL 400),
 *   where no hook has run;
 * - `clientErrorHandler`: what Node's parser refuses before there is a request at all (431 for
 *   oversized headers, 400 for a malformed request line, 408), written to the socket.
 */
export function frameworkRefusalOptions(): Pick<
  FastifyServerOptions,
  'frameworkErrors' | 'clientErrorHandler'
> {
  return {
    // No `instance`: the path is what was refused (and may be kilobytes long).
    frameworkErrors: (error, request, reply) => sendProblem(error, request, reply),
    clientErrorHandler: refuseUnparsedRequest,
  };
}

/** The headers every routed answer carries, set before anything else can answer. */
export function installResponseHeaders(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.headers(SECURITY_HEADERS).header('x-request-id', request.id);
    done();
  });
}

function sendProblem(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const problem = toProblem(error, request.id);
  if (problem.status >= 500) request.log.error({ err: error }, 'unhandled error');
  void reply
    .headers(SECURITY_HEADERS)
    .header('x-request-id', request.id)
    .status(problem.status)
    .header('content-type', PROBLEM_CONTENT_TYPE)
    .send(problem);
}

/** Node's parser refusals, by its error codes (as Fastify's default handler maps them). */
function statusOfClientError(code: string | undefined): number {
  if (code === 'HPE_HEADER_OVERFLOW') return 431;
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return 408;
  return 400;
}

/**
 * Replaces Fastify's default client error handler (plain JSON, no request id, no headers). Written
 * by hand because there is no request or reply object here: only the socket.
 */
function refuseUnparsedRequest(
  this: FastifyInstance,
  error: Error & { code?: string },
  socket: Socket,
): void {
  // A reset connection has nobody to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const status = statusOfClientError(error.code);
  const requestId = randomUUID();
  const body = JSON.stringify(toProblem({ statusCode: status, message: '' }, requestId));
  this.log.debug({ err: error, requestId }, 'client error');
  if (socket.writable) {
    const headers: Record<string, string | number> = {
      ...SECURITY_HEADERS,
      'x-request-id': requestId,
      'content-type': PROBLEM_CONTENT_TYPE,
      'content-length': Buffer.byteLength(body),
      connection: 'close',
    };
    const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
    socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${lines.join('')}\r\n${body}`);
  }
  socket.destroy(error);
}
