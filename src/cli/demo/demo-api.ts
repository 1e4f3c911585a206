import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { DEMO_PASSWORD } from '../../identity/demo/demo-seeder';

export class DemoStepError extends Error {}

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT';

/**
 * The application's own HTTP API called in-process (Fastify inject), signed in as a demo person:
 * every demo step passes the same access rules, validation, audit and outbox as a real user's.
 */
export class DemoApi {
  private readonly tokens = new Map<string, string>();

  constructor(private readonly app: NestFastifyApplication) {}

  async call<T = unknown>(
    method: Method,
    url: string,
    as: string,
    payload?: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ body: T; etag: string }> {
    const res = await this.app.inject({
      method,
      url: `/api/v1${url}`,
      payload: payload as object | undefined,
      headers: { ...headers, authorization: `Bearer ${await this.token(as)}` },
    });
    if (res.statusCode >= 300)
      throw new DemoStepError(`${method} ${url} as ${as}: ${res.statusCode} ${res.body}`);
    return { body: res.json<T>(), etag: String(res.headers.etag ?? '') };
  }

  /** A POST that submits or moves money: the API wants an Idempotency-Key. */
  once<T = unknown>(url: string, as: string, payload: unknown = {}) {
    return this.call<T>('POST', url, as, payload, { 'idempotency-key': randomUUID() });
  }

  private async token(email: string): Promise<string> {
    const known = this.tokens.get(email);
    if (known) return known;
    const res = await this.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email, password: DEMO_PASSWORD },
    });
    if (res.statusCode !== 200)
      throw new DemoStepError(`sign-in of ${email}: ${res.statusCode} ${res.body}`);
    const token = res.json<{ accessToken: string }>().accessToken;
    this.tokens.set(email, token);
    return token;
  }
}
