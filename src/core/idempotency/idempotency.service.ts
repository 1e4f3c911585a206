import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { RequestContext } from '../context/request-context';
import { TenantDb } from '../context/tenant-db';
import { canonicalJson } from './canonical-json';
import { IdempotencyKeyInProgressError, IdempotencyKeyReusedError } from './idempotency.errors';
import { entitySql, sql } from '../database/sql-statement';
import { IdempotencyKey } from './idempotency-key.entity';

const CLAIM = sql<Pick<IdempotencyKey, 'id'>>(
  'core.idempotency-key-claim',
  `INSERT INTO idempotency_keys (agency_id, principal, key, request_hash)
   VALUES ($1, $2, $3, $4)
   ON CONFLICT (agency_id, principal, key) DO NOTHING
   RETURNING id`,
);
const STORED = entitySql(
  'core.idempotency-key-stored',
  IdempotencyKey,
  'k',
  `SELECT {columns} FROM idempotency_keys k
    WHERE k.agency_id = $1 AND k.principal = $2 AND k.key = $3`,
  { pick: ['requestHash', 'responseStatus', 'responseBody'] },
);
const PRUNE = sql(
  'core.idempotency-keys-prune',
  `DELETE FROM idempotency_keys
    WHERE agency_id = $1 AND created_at < now() - make_interval(days => $2)`,
);
const COMPLETE = sql(
  'core.idempotency-key-complete',
  `UPDATE idempotency_keys
      SET response_status = $3, response_body = $4, completed_at = now()
    WHERE agency_id = $1 AND id = $2`,
);

/**
 * How long a key is remembered: a retry with the same key within this time replays the first
 * response; after it, the key is forgotten (pruned daily) and the same key starts a new request.
 * Clients retry within minutes; a week leaves room for a client that was offline for days.
 */
export const IDEMPOTENCY_KEY_RETENTION_DAYS = 7;

export type IdempotencyClaim =
  { kind: 'new'; id: string } | { kind: 'replay'; status: number; body: unknown };

export function requestFingerprint(method: string, path: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method.toUpperCase()} ${path}\n${canonicalJson(body ?? null)}`)
    .digest('hex');
}

/**
 * Idempotency-Key bookkeeping inside the current (tenant) transaction. `claim` inserts the key
 * row before any work: a concurrent duplicate blocks on the unique index until the first
 * transaction ends, then sees its committed response (or, if it rolled back, claims the key).
 */
@Injectable()
export class IdempotencyService {
  constructor(
    private readonly db: TenantDb,
    private readonly context: RequestContext,
  ) {}

  private principal(): string {
    return this.context.actor?.userId ?? 'anonymous';
  }

  async claim(key: string, fingerprint: string): Promise<IdempotencyClaim> {
    const principal = this.principal();
    const inserted = await this.db.rows(CLAIM, [this.db.agencyId, principal, key, fingerprint]);
    if (inserted.length > 0) return { kind: 'new', id: inserted[0].id };

    const [existing] = await this.db.rows(STORED, [this.db.agencyId, principal, key]);
    if (!existing) throw new IdempotencyKeyInProgressError();
    if (existing.requestHash !== fingerprint) throw new IdempotencyKeyReusedError();
    if (existing.responseStatus === null) throw new IdempotencyKeyInProgressError();
    return {
      kind: 'replay',
      status: existing.responseStatus,
      body: existing.responseBody === null ? null : (JSON.parse(existing.responseBody) as unknown),
    };
  }

  /** Forgets the current agency's keys older than the retention. Returns how many went. */
  async pruneExpired(): Promise<number> {
    return (await this.db.run(PRUNE, [this.db.agencyId, IDEMPOTENCY_KEY_RETENTION_DAYS])).count;
  }

  async complete(id: string, status: number, body: unknown): Promise<void> {
    await this.db.rows(COMPLETE, [this.db.agencyId, id, status, JSON.stringify(body ?? null)]);
  }
}
