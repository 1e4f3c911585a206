import { applyDecorators, Injectable, SetMetadata } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { IdempotencyKeyRequiredError } from './idempotency.errors';
import {
  IDEMPOTENCY_KEY_RETENTION_DAYS,
  IdempotencyService,
  requestFingerprint,
} from './idempotency.service';

const KEY = /^[\x21-\x7e]{1,200}$/;

/** Route metadata: the route requires an Idempotency-Key (read by the request pipeline). */
export const IDEMPOTENT_ROUTE = 'gc:idempotent';

/**
 * Runs inside the request transaction (the request pipeline calls it after the access check):
 * claims the key, then either replays the stored response or runs the handler and stores what
 * it returned. Only successful responses are stored: a refused request rolls back, key
 * included, so retrying it is safe and re-evaluates the rules.
 */
@Injectable()
export class IdempotentResponses {
  constructor(private readonly keys: IdempotencyService) {}

  async run(
    request: FastifyRequest,
    reply: FastifyReply,
    handle: () => Promise<unknown>,
  ): Promise<unknown> {
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
    SetMetadata(IDEMPOTENT_ROUTE, true),
    ApiHeader({
      name: 'Idempotency-Key',
      required: true,
      description:
        'A unique key per intended operation; a retry with the same key within ' +
        `${IDEMPOTENCY_KEY_RETENTION_DAYS} days is replayed.`,
    }),
  );
