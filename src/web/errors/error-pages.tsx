import { Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AgencyBrands } from '../agency-brands';
import type { Problem } from '../../core/errors/problem.filter';
import { WebSessionCookie } from '../../core/http/web-session-cookie';
import type { MessageKey } from '../i18n/i18n';
import { PageContexts } from '../page-contexts';
import { page } from '../render/layout';

const SIGN_IN_AGAIN = new Set([
  'auth.unauthenticated',
  'auth.session_ended',
  'auth.token_expired',
  'auth.token_invalid',
  // A role that needs a second factor, from a session that never checked one: sign in again.
  'auth.second_factor_required',
]);

interface ErrorCopy {
  title: MessageKey;
  text: MessageKey;
}

const COPY: Record<'notFound' | 'forbidden' | 'formExpired' | 'tooMany' | 'server', ErrorCopy> = {
  notFound: { title: 'errors.notFoundTitle', text: 'errors.notFoundText' },
  forbidden: { title: 'errors.forbiddenTitle', text: 'errors.forbiddenText' },
  formExpired: { title: 'errors.formExpiredTitle', text: 'errors.formExpiredText' },
  tooMany: { title: 'errors.tooManyTitle', text: 'errors.tooManyText' },
  server: { title: 'errors.serverTitle', text: 'errors.serverText' },
};

/** Resolves paths only, to see whether a browser would stay on this site. */
const SAME_ORIGIN = 'http://grant-commons.invalid';

/** A control character, a space, DEL or a backslash: what browsers may read otherwise. */
function unsafeInPath(c: string): boolean {
  const code = c.charCodeAt(0);
  return code <= 0x20 || code === 0x7f || c === '\\';
}

/**
 * A safe place to come back to after signing in: a path on this site, never another host.
 * Browsers drop tabs and newlines inside a URL and read "\" as "/", so "/<tab>/evil.example" or
 * "/\evil.example" would be "//evil.example" (another host): any control character, space or
 * backslash refuses the path, and what is left must resolve on this origin.
 */
export function safeNext(next: unknown): string | undefined {
  if (typeof next !== 'string' || next.length > 2000) return undefined;
  if (!next.startsWith('/') || next.startsWith('//') || [...next].some(unsafeInPath)) {
    return undefined;
  }
  try {
    return new URL(next, SAME_ORIGIN).origin === SAME_ORIGIN ? next : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Errors on web pages are pages: a signed-out visitor is sent to sign in and brought back; an
 * expired form, a missing page, a refusal or a fault each get a page in the reader's language,
 * in the portal's branding, with the request id to quote.
 */
@Injectable()
export class ErrorPages {
  constructor(
    private readonly pages: PageContexts,
    private readonly brands: AgencyBrands,
    private readonly cookie: WebSessionCookie,
  ) {}

  answer(problem: Problem, request: FastifyRequest, reply: FastifyReply): void {
    const firstSegment = request.url.split(/[/?#]/)[1] ?? '';
    const agencyCode = this.brands.brandOf(firstSegment) ? firstSegment : undefined;
    if (problem.status === 401 && SIGN_IN_AGAIN.has(problem.code)) {
      this.cookie.clear(reply);
      const signIn = `${agencyCode ? `/${agencyCode}` : ''}/sign-in`;
      const next = request.method === 'GET' ? safeNext(request.url) : undefined;
      void reply
        .code(303)
        .header('location', next ? `${signIn}?next=${encodeURIComponent(next)}` : signIn)
        .header('cache-control', 'no-store')
        .send('');
      return;
    }
    const kind =
      problem.code === 'web.form_expired'
        ? 'formExpired'
        : problem.status === 404
          ? 'notFound'
          : problem.status === 403
            ? 'forbidden'
            : problem.status === 429
              ? 'tooMany'
              : problem.status >= 500
                ? 'server'
                : 'notFound';
    const ctx = this.pages.build(request, reply, agencyCode);
    const copy = COPY[kind];
    const html = page({
      ctx,
      title: ctx.t(copy.title),
      children: (
        <div class="usa-prose">
          <h1>{ctx.t(copy.title)}</h1>
          <p>{ctx.t(copy.text)}</p>
          {kind === 'server' && problem.requestId && (
            <p>{ctx.t('common.requestId', { requestId: problem.requestId })}</p>
          )}
          <p>
            <a class="usa-link" href={agencyCode ? `/${agencyCode}` : '/'}>
              {ctx.t('errors.goHome')}
            </a>
          </p>
        </div>
      ),
    });
    void reply
      .code(problem.status)
      .header('cache-control', 'no-store')
      .type('text/html; charset=utf-8')
      .send(html);
  }
}
