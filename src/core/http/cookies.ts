import { parse, serialize, type SerializeOptions } from 'cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';

export type CookieOptions = SerializeOptions;

const PARSED = Symbol('parsedCookies');
type WithParsed = FastifyRequest & { [PARSED]?: Record<string, string | undefined> };

/**
 * Cookies, parsed on first read and only for the requests that read them (the web pages). The
 * `cookie` library parses and serializes; what @fastify/cookie added around it was a hook on every
 * request, API calls included, which the API paid for without using (docs/decisions/0011).
 */
export function cookiesOf(request: FastifyRequest): Record<string, string | undefined> {
  const holder = request as WithParsed;
  if (!holder[PARSED]) {
    const header = request.headers.cookie;
    holder[PARSED] = header ? parse(header) : {};
  }
  return holder[PARSED];
}

/** Sets (or replaces, when set twice in one request) a cookie on the response. */
export function setCookie(
  reply: FastifyReply,
  name: string,
  value: string,
  options: CookieOptions,
): void {
  const line = serialize(name, value, options);
  const existing = reply.getHeader('set-cookie');
  const lines = (Array.isArray(existing) ? existing : existing ? [String(existing)] : []).filter(
    (l) => !l.startsWith(`${name}=`),
  );
  void reply.removeHeader('set-cookie');
  // Fastify appends each set-cookie value rather than replacing the header.
  for (const l of [...lines, line]) void reply.header('set-cookie', l);
  // Later reads in this request see the new value (e.g. a CSRF secret made on this page).
  cookiesOf(reply.request)[name] = value;
}

export function clearCookie(reply: FastifyReply, name: string, options: CookieOptions): void {
  setCookie(reply, name, '', { ...options, expires: new Date(0), maxAge: 0 });
}
