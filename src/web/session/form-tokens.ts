import CSRF from '@fastify/csrf';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../../core/errors/domain-error';
import { cookiesOf, setCookie } from '../../core/http/cookies';

export class FormExpiredError extends DomainError {
  constructor() {
    super('web.form_expired', 403, 'The form has expired: reload the page and send it again.');
  }
}

/**
 * CSRF tokens for every state-changing form (@fastify/csrf's synchronizer tokens): each browser
 * holds a secret in an HttpOnly cookie, each form carries a token made from it, and a POST
 * whose token does not verify against the sender's secret is refused before its handler runs.
 * With SameSite=Lax session cookies this is the second wall, not the only one.
 */
export class FormTokens {
  private readonly tokens = new CSRF({ userInfo: false } as { userInfo?: false });
  private readonly cookieName: string;

  constructor(private readonly secure: boolean) {
    this.cookieName = secure ? '__Host-gc_csrf' : 'gc_csrf';
  }

  /** The token for this page's forms, creating the browser's secret on its first page. */
  issue(request: FastifyRequest, reply: FastifyReply): string {
    let secret = cookiesOf(request)[this.cookieName];
    if (!secret) {
      secret = this.tokens.secretSync();
      // setCookie also makes it the secret for the rest of this request
      setCookie(reply, this.cookieName, secret, {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure: this.secure,
      });
    }
    return this.tokens.create(secret);
  }

  /**
   * Throws FormExpiredError unless the request carries a token made from its own secret. The
   * token is a form field, or, for multipart uploads (parsed later, by the handler), a query
   * parameter of the form's action.
   */
  check(request: FastifyRequest): void {
    const secret = cookiesOf(request)[this.cookieName];
    const token =
      (request.body as Record<string, unknown> | undefined)?._csrf ??
      (request.query as Record<string, unknown> | undefined)?._csrf;
    if (!secret || typeof token !== 'string' || !this.tokens.verify(secret, token)) {
      throw new FormExpiredError();
    }
  }
}
