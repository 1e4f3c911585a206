import type { FastifyReply, FastifyRequest } from 'fastify';
import { clearCookie, type CookieOptions, cookiesOf, setCookie } from '../../core/http/cookies';

/**
 * The web sign-in between its password step and its second factor (or enrolment): the
 * challenge token in a cookie of its own, HttpOnly and path-limited to the sign-in pages, gone
 * when the sign-in finishes. It is not a session: no page but these accepts it.
 */
export class MfaChallengeCookie {
  readonly name: string;
  private readonly options: CookieOptions;

  constructor(secure: boolean) {
    this.name = secure ? '__Secure-gc_mfa' : 'gc_mfa';
    this.options = { path: '/sign-in/', httpOnly: true, sameSite: 'lax', secure };
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
