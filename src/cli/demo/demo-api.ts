import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { DEMO_PASSWORD } from '../../identity/demo/demo-seeder';
import { totpCodeAt } from '../../identity/mfa/totp';

export class DemoStepError extends Error {}

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT';

/**
 * The application's own HTTP API called in-process (Fastify inject), signed in as a demo person:
 * every demo step passes the same access rules, validation, audit and outbox as a real user's.
 */
export class DemoApi {
  private readonly tokens = new Map<string, string>();
  /**
   * People the demo had to enrol in TOTP to act (agency admins, finance officers), with a secret
   * only this run knew: the seeder removes these factors at the end, so the people trying the
   * demo set up their own authenticator app at their first sign-in.
   */
  readonly enrolled: string[] = [];

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
    const enrolment =
      res.statusCode === 401 &&
      res.json<{ code?: string }>().code === 'auth.mfa_enrolment_required';
    const token = enrolment
      ? await this.enrol(res.json<{ challengeToken: string }>().challengeToken)
      : res.statusCode === 200
        ? res.json<{ accessToken: string }>().accessToken
        : undefined;
    if (!token) throw new DemoStepError(`sign-in of ${email}: ${res.statusCode} ${res.body}`);
    this.tokens.set(email, token);
    return token;
  }

  /** Enrols a role that must use a second factor; its fresh factor also counts as step-up. */
  private async enrol(challengeToken: string): Promise<string | undefined> {
    const started = await this.app.inject({
      method: 'POST',
      url: '/api/v1/auth/mfa/enrolment',
      payload: { challengeToken },
    });
    const secret = started.json<{ secret?: string }>().secret;
    if (!secret) return undefined;
    const confirmed = await this.app.inject({
      method: 'POST',
      url: '/api/v1/auth/mfa/enrolment/confirm',
      payload: { challengeToken, code: totpCodeAt(secret, Date.now()) },
    });
    if (confirmed.statusCode !== 200) return undefined;
    const token = confirmed.json<{ accessToken: string }>().accessToken;
    const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as {
      sub: string;
    };
    this.enrolled.push(claims.sub);
    return token;
  }
}
