import { applyDecorators, Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import { NestFastifyApplication, RouteConfig } from '@nestjs/platform-fastify';
import rateLimit from '@fastify/rate-limit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Redis } from 'ioredis';
import {
  RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
} from 'rate-limiter-flexible';
import { APP_CONFIG } from '../config/config.module';
import { AppConfig } from '../config/env';
import { DomainError } from '../errors/domain-error';

/**
 * Routes limited together: sign-in (every /api/v1/auth/* route), routes that send email, and
 * public open-data feeds (anonymous reads an aggregator may poll).
 */
export type RateLimitGroup = 'auth' | 'email' | 'publicData';

declare module 'fastify' {
  interface FastifyContextConfig {
    rateLimitGroup?: RateLimitGroup;
  }
}

/** Too many requests from this client, or from everyone, in the window. */
export class RateLimitedError extends DomainError {
  constructor(retryAfterSeconds: number, code = 'request.rate_limited') {
    super(code, 429, 'Too many requests. Try again later.', { retryAfterSeconds });
  }
}

/**
 * Puts a route in the `email` group: each call may enqueue an email, so the per-IP and global
 * email limits apply before anything else runs (routes under /api/v1/auth/ are in `auth` already).
 */
export const SendsEmail = (): MethodDecorator =>
  applyDecorators(
    RouteConfig({ rateLimitGroup: 'email' }),
    ApiExtension('x-rate-limited', 'email'),
  );
/**
 * A public, anonymous read of open data (CommonGrants): limited per client IP, so one scraper
 * cannot take the database's time from everyone (no global limit: many clients are normal).
 */
export const PublicData = (): MethodDecorator =>
  applyDecorators(
    RouteConfig({ rateLimitGroup: 'publicData' }),
    ApiExtension('x-rate-limited', 'publicData'),
  );
/** A route outside /api/v1/auth/ that checks a password (the web sign-in form): limited as those. */
export const ChecksPassword = (): MethodDecorator =>
  applyDecorators(RouteConfig({ rateLimitGroup: 'auth' }), ApiExtension('x-rate-limited', 'auth'));

/**
 * Where limits count: Redis when REDIS_URL is set (so they hold across API replicas), else this
 * process's memory. One lazily opened connection serves the HTTP limits and the counters that
 * services consult after authorization (invitations per organization and per agency).
 */
@Injectable()
export class RateLimitStore implements OnApplicationShutdown {
  readonly redis?: Redis;
  /** Keys share the deployment's job prefix, so deployments sharing a Redis do not collide. */
  readonly prefix: string;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.prefix = `${config.jobs.queuePrefix}:rate:`;
    if (config.redisUrl) {
      this.redis = new Redis(config.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
      this.redis.on('error', () => undefined); // reconnects by itself; limits fail open meanwhile
    }
  }

  /**
   * A fixed-window counter for a limit decided inside a service. While Redis is away it counts
   * in memory (rate-limiter-flexible's insurance limiter) rather than failing the request.
   */
  counter(name: string, points: number, durationSeconds: number): RateLimiterAbstract {
    const options = { keyPrefix: `${this.prefix}${name}`, points, duration: durationSeconds };
    const memory = new RateLimiterMemory(options);
    if (!this.redis) return memory;
    return new RateLimiterRedis({ ...options, storeClient: this.redis, insuranceLimiter: memory });
  }

  onApplicationShutdown(): void {
    this.redis?.disconnect();
  }
}

/** Consumes one point; a refusal becomes the given coded 429 with its retry delay. */
export async function consumeOrRefuse(
  counter: RateLimiterAbstract,
  key: string,
  refuse: (retryAfterSeconds: number) => DomainError,
): Promise<void> {
  try {
    await counter.consume(key);
  } catch (outcome) {
    if (outcome instanceof RateLimiterRes) {
      throw refuse(Math.max(1, Math.ceil(outcome.msBeforeNext / 1000)));
    }
    throw outcome;
  }
}

type Check = (request: FastifyRequest) => Promise<{ isAllowed: boolean } & Partial<Verdict>>;
interface Verdict {
  isExceeded: boolean;
  ttlInSeconds: number;
}

/**
 * Per-client-IP and global limits with @fastify/rate-limit, on every /api/v1/auth/* route, on
 * routes marked @SendsEmail() and (per IP only) on routes marked @PublicData(). They run in onRequest, after the request id and security headers
 * are set and before the body is read, so a refused request costs little and changes nothing.
 * The client IP is request.ip: the socket address unless TRUSTED_PROXIES says otherwise.
 * Registered before Nest adds its routes (app.init), so the onRoute hook sees all of them.
 */
export async function registerRateLimits(
  app: NestFastifyApplication,
  config: AppConfig,
): Promise<void> {
  const store = app.get(RateLimitStore);
  const fastify = app.getHttpAdapter().getInstance();
  await app.register(rateLimit, {
    global: false,
    redis: store.redis,
    nameSpace: store.prefix,
    cache: 10_000,
    // Redis away: let requests through (the per-account login delay still holds in PostgreSQL).
    skipOnError: true,
  });
  const limits = config.abuse;
  const limiter = (key: (request: FastifyRequest) => string, max: number): Check =>
    fastify.createRateLimit({ max, timeWindow: limits.windowSeconds * 1000, keyGenerator: key });
  // Per IP first: one client's flood is refused before it can use up everyone's budget.
  const checks: Record<RateLimitGroup, Check[]> = {
    auth: [
      limiter((request) => `auth:ip:${clientKey(request.ip)}`, limits.authPerIp),
      limiter(() => 'auth:all', limits.authGlobal),
    ],
    email: [
      limiter((request) => `email:ip:${clientKey(request.ip)}`, limits.emailPerIp),
      limiter(() => 'email:all', limits.emailGlobal),
    ],
    publicData: [
      limiter((request) => `public:ip:${clientKey(request.ip)}`, limits.publicDataPerIp),
    ],
  };
  fastify.addHook('onRoute', (route) => {
    const group =
      route.config?.rateLimitGroup ?? (route.url.startsWith('/api/v1/auth/') ? 'auth' : undefined);
    if (!group) return;
    const hook = async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
      for (const check of checks[group]) {
        const verdict = await check(request);
        if (!verdict.isAllowed && verdict.isExceeded) {
          const retryAfter = Math.max(1, verdict.ttlInSeconds ?? limits.windowSeconds);
          throw new RateLimitedError(retryAfter);
        }
      }
    };
    const existing = route.onRequest;
    route.onRequest = [...(Array.isArray(existing) ? existing : existing ? [existing] : []), hook];
  });
}

/**
 * The per-client key: an IPv4 address as it is, an IPv6 address by its /64 (one subscriber's
 * block; rotating addresses inside it must not buy fresh budgets).
 */
export function clientKey(ip: string): string {
  if (!ip.includes(':')) return ip;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1];
  const [head, tail = ''] = ip.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = ip.includes('::')
    ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((g) => parseInt(g || '0', 16).toString(16))
    .join(':')}::/64`;
}
