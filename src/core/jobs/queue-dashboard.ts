import { Inject, Injectable, Logger, OnApplicationBootstrap, Optional } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter as BullBoardFastifyAdapter } from '@bull-board/fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ACCESS_POLICY, AccessPolicy, AUTHENTICATOR, Authenticator } from '../access/access.ports';
import { APP_CONFIG } from '../config/config.module';
import { AppConfig } from '../config/env';
import { bearerToken } from '../access/authentication.guard';
import { Actor } from '../context/request-context';
import { TenantRunner } from '../context/tenant-db';
import { DomainError } from '../errors/domain-error';
import { JobsRuntime } from './jobs-runtime';

/** What the dead-letter API requires too: the dashboard shows the same operations. */
const DASHBOARD_PERMISSION = 'platform.jobs.manage';

export const DASHBOARD_PATH = '/admin/queues';
const COOKIE = 'gc_queues';
/** As long as an access token lives by default; the token inside expires on its own anyway. */
const COOKIE_MAX_AGE_S = 900;

/**
 * Bull Board at /admin/queues (only with REDIS_URL), for platform admins. A browser cannot send a
 * bearer header when following a link, so the page asks for the access token once in a form
 * (a POST body, never the URL: URLs end up in logs and history) and keeps it in an HttpOnly,
 * SameSite=Strict cookie scoped to /admin/queues, so scripts cannot read it and other sites
 * cannot ride it (the board's own POSTs are same-site). Every request, page, API and static,
 * is checked like an API request: the token's signature and expiry (AUTHENTICATOR), then, in a
 * transaction, the access policy (ACCESS_POLICY) for platform.jobs.manage, which requires a live
 * session and the platform-admin flag as it is now. A logged-out or revoked session, or a
 * demoted admin, is refused on the next request, not when the token expires. Bearer headers
 * work too (curl, tests).
 */
@Injectable()
export class QueueDashboard implements OnApplicationBootstrap {
  private readonly logger = new Logger('QueueDashboard');

  constructor(
    private readonly runtime: JobsRuntime,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Optional() private readonly adapterHost?: HttpAdapterHost,
    @Optional() @Inject(AUTHENTICATOR) private readonly authenticator?: Authenticator,
    @Optional() @Inject(ACCESS_POLICY) private readonly accessPolicy?: AccessPolicy,
    @Optional() private readonly runner?: TenantRunner,
  ) {}

  /** After init (so a failed boot opens no Redis connection), before the server is ready. */
  onApplicationBootstrap(): void {
    const fastify = this.adapterHost?.httpAdapter?.getInstance<FastifyInstance>();
    if (!this.config.redisUrl || !fastify) return; // no Redis, or no HTTP (worker process)
    const queues = this.runtime.queues();

    const board = new BullBoardFastifyAdapter();
    board.setBasePath(DASHBOARD_PATH);
    createBullBoard({
      queues: queues.map((q) => new BullMQAdapter(q)),
      serverAdapter: board,
      options: { uiConfig: { boardTitle: 'Grant Commons jobs' } },
    });

    void fastify.register(
      async (scope) => {
        // Form bodies (the sign-in form) are parsed by Nest's Fastify adapter.
        scope.addHook('onRequest', async (request, reply) => {
          if (
            request.method === 'POST' &&
            request.url.split('?')[0] === `${DASHBOARD_PATH}/session`
          )
            return;
          const token = bearerToken(request) ?? readCookie(request, COOKIE);
          const verdict = await this.check(token);
          if (verdict === 'ok') return;
          if (
            request.method === 'GET' &&
            String(request.headers.accept ?? '').includes('text/html')
          ) {
            return reply.status(401).type('text/html; charset=utf-8').send(loginPage(verdict));
          }
          return reply
            .status(verdict === 'forbidden' ? 403 : 401)
            .type('application/problem+json')
            .send({
              type: 'about:blank',
              title: verdict === 'forbidden' ? 'Forbidden' : 'Unauthorized',
              status: verdict === 'forbidden' ? 403 : 401,
              code: verdict === 'forbidden' ? 'auth.forbidden' : 'auth.unauthenticated',
              detail: 'The queue dashboard is for platform administrators.',
            });
        });
        scope.post('/session', async (request: FastifyRequest, reply: FastifyReply) => {
          const token = (request.body as Record<string, unknown> | undefined)?.token;
          const verdict =
            typeof token === 'string' ? await this.check(token.trim()) : 'unauthenticated';
          if (verdict !== 'ok') {
            return reply
              .status(verdict === 'forbidden' ? 403 : 401)
              .type('text/html; charset=utf-8')
              .send(loginPage(verdict));
          }
          const secure = request.protocol === 'https' ? '; Secure' : '';
          return reply
            .header(
              'set-cookie',
              `${COOKIE}=${encodeURIComponent((token as string).trim())}; Path=${DASHBOARD_PATH}; HttpOnly; SameSite=Strict; Max-Age=${COOKIE_MAX_AGE_S}${secure}`,
            )
            .redirect(`${DASHBOARD_PATH}/`, 303);
        });
        await scope.register(board.registerPlugin());
      },
      { prefix: DASHBOARD_PATH },
    );
    this.logger.log({
      msg: 'queue dashboard mounted (platform admins only)',
      path: DASHBOARD_PATH,
    });
  }

  private async check(token: string | undefined): Promise<'ok' | 'unauthenticated' | 'forbidden'> {
    const { authenticator, accessPolicy, runner } = this;
    if (!token || !authenticator || !accessPolicy || !runner) return 'unauthenticated';
    let actor: Actor;
    try {
      actor = await authenticator.authenticate(token);
    } catch {
      return 'unauthenticated';
    }
    try {
      await runner.runWithoutTenant(actor, () =>
        accessPolicy.authorize({ actor, permission: DASHBOARD_PERMISSION, params: {} }),
      );
      return 'ok';
    } catch (error) {
      // A failure other than a refusal (database down) fails closed, as a 500.
      if (error instanceof DomainError && (error.status === 401 || error.status === 403))
        return error.status === 401 ? 'unauthenticated' : 'forbidden';
      throw error;
    }
  }
}

function readCookie(request: FastifyRequest, name: string): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) {
      try {
        return decodeURIComponent(rest.join('='));
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

function loginPage(verdict: 'unauthenticated' | 'forbidden'): string {
  const message =
    verdict === 'forbidden'
      ? 'This token does not belong to a platform administrator.'
      : 'Paste a platform administrator access token to open the queue dashboard.';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Grant Commons queues</title></head>
<body style="font-family: sans-serif; max-width: 36rem; margin: 4rem auto">
<h1>Job queues</h1>
<p>${message}</p>
<form method="post" action="${DASHBOARD_PATH}/session">
<label>Access token <input name="token" type="password" autocomplete="off" required style="width: 100%"></label>
<p><button type="submit">Open dashboard</button></p>
</form>
</body></html>`;
}
