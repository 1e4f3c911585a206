import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Problem } from '../errors/problem';

/**
 * What a module outside the kernel adds to the HTTP server (the web pages do): Fastify plugins
 * and hooks registered before routes, and its own
 * rendering of errors for the requests it answers. Bound by at most one module.
 */
export const HTTP_EXTENSION = Symbol('HTTP_EXTENSION');
export interface HttpExtension {
  /** Called once by createApp, before the application initialises. */
  register(app: NestFastifyApplication): Promise<void>;
  /**
   * Answers the error itself (an HTML page, a redirect to sign in) when the request is one of
   * its own; returns false to leave it to the problem+json answer.
   */
  answerError(
    problem: Problem,
    error: unknown,
    request: FastifyRequest,
    reply: FastifyReply,
  ): boolean;
}
