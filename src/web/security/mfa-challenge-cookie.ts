import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * The web sign-in between its password step and its second factor (or enrolment): the
 * challenge token in a cookie of its own, HttpOnly and path-limited to the sign-in pages, gone
 * when the sign-in finishes. It is not a session: no page but these accepts it.
 */
export class MfaChallengeCookie {
  readonly name: string;
  private readonly options;

  constructor(secure: boolean) {
    this.name = secure ? '__Secure-gc_mfa' : 'gc_mfa';
    this.options = { path: '/sign-in/', httpOnly: true, sameSite: 'lax' as const, secure };
  }

  read(request: FastifyRequest): string | undefined {
    const cookies = (request as { cookies?: Record<string, string | undefined> }).cookies;
    return cookies?.[this.name] || undefined;
  }

  write(reply: FastifyReply, token: string, expiresAt: Date): void {
    void reply.setCookie(this.name, token, { ...this.options, expires: expiresAt });
  }

  clear(reply: FastifyReply): void {
    void reply.clearCookie(this.name, this.options);
  }
}
