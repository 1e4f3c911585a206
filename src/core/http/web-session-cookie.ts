import type { FastifyReply, FastifyRequest } from 'fastify';
import { clearCookie, type CookieOptions, cookiesOf, setCookie } from './cookies';

/**
 * The web session cookie. In production it is `__Host-` prefixed and Secure: the browser then
 * refuses it from plain HTTP or a sibling subdomain. HttpOnly (no script reads it) and
 * SameSite=Lax (not sent on cross-site POSTs; the CSRF token is the second wall).
 */
export class WebSessionCookie {
  readonly name: string;
  private readonly options: CookieOptions;

  constructor(secure: boolean) {
    this.name = secure ? '__Host-gc_session' : 'gc_session';
    this.options = { path: '/', httpOnly: true, sameSite: 'lax', secure };
  }

  read(request: FastifyRequest): string | undefined {
    return cookiesOf(request)[this.name] || undefined;
  }

  write(reply: FastifyReply, token: string, expiresAt: Date): void {
    setCookie(reply, this.name, token, { ...this.options, expires: expiresAt });
  }

  clear(reply: FastifyReply): void {
    clearCookie(reply, this.name, this.options);
  }
}
