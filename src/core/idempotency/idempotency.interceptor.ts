import {
  applyDecorators,
  CallHandler,
  ExecutionContext,
  Injectable,
  UseInterceptors,
} from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { from, lastValueFrom, Observable } from 'rxjs';
import { AroundInterceptor } from '../http/promise-interceptors';
import { IdempotencyKeyRequiredError } from './idempotency.errors';
import {
  IDEMPOTENCY_KEY_RETENTION_DAYS,
  IdempotencyService,
  requestFingerprint,
} from './idempotency.service';

const KEY = /^[\x21-\x7e]{1,200}$/;

/**
 * Runs inside the request transaction (after the global tenant interceptor): claims the key,
 * then either replays the stored response or runs the handler and stores what it returned.
 * Only successful responses are stored: a refused request rolls back, key included, so
 * retrying it is safe and re-evaluates the rules.
 */
@Injectable()
export class IdempotencyInterceptor implements AroundInterceptor {
  constructor(private readonly keys: IdempotencyService) {}

  intercept(execution: ExecutionContext, next: CallHandler): Observable<unknown> {
    return from(
      this.around(execution, () =>
        lastValueFrom<unknown, undefined>(next.handle(), { defaultValue: undefined }),
      ),
    );
  }

  /** The same as a promise (see promise-interceptors.ts): `handle` runs the route handler. */
  async around(execution: ExecutionContext, handle: () => Promise<unknown>): Promise<unknown> {
    const http = execution.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const header = request.headers['idempotency-key'];
    const key = Array.isArray(header) ? undefined : header?.trim();
    if (!key || !KEY.test(key)) throw new IdempotencyKeyRequiredError();

    const fingerprint = requestFingerprint(request.method, request.url, request.body);
    const claim = await this.keys.claim(key, fingerprint);
    if (claim.kind === 'replay') {
      void reply.status(claim.status).header('idempotent-replayed', 'true');
      return claim.body;
    }
    const body = await handle();
    // Store exactly what the client receives (JSON), so a replay is byte-for-byte alike.
    const stored: unknown = body === undefined ? null : JSON.parse(JSON.stringify(body));
    await this.keys.complete(claim.id, reply.statusCode, stored);
    return stored;
  }
}

/** The route requires an Idempotency-Key; its first successful response is stored and replayed. */
export const Idempotent = (): MethodDecorator & ClassDecorator =>
  applyDecorators(
    UseInterceptors(IdempotencyInterceptor),
    ApiHeader({
      name: 'Idempotency-Key',
      required: true,
      description:
        'A unique key per intended operation; a retry with the same key within ' +
        `${IDEMPOTENCY_KEY_RETENTION_DAYS} days is replayed.`,
    }),
  );
