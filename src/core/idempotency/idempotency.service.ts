import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { RequestContext } from '../context/request-context';
import { TenantDb } from '../context/tenant-db';
import { canonicalJson } from './canonical-json';
import { IdempotencyKeyInProgressError, IdempotencyKeyReusedError } from './idempotency.errors';

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
    const manager = this.db.manager;
    const principal = this.principal();
    const inserted: Array<{ id: string }> = await manager.query(
      `INSERT INTO idempotency_keys (agency_id, principal, key, request_hash)
       VALUES ($1, $2, $3, $4)
       ON CONFLICT (agency_id, principal, key) DO NOTHING
       RETURNING id`,
      [this.db.agencyId, principal, key, fingerprint],
    );
    if (inserted.length > 0) return { kind: 'new', id: inserted[0].id };

    const rows: Array<{
      request_hash: string;
      response_status: number | null;
      response_body: string | null;
    }> = await manager.query(
      `SELECT request_hash, response_status, response_body FROM idempotency_keys
        WHERE agency_id = $1 AND principal = $2 AND key = $3`,
      [this.db.agencyId, principal, key],
    );
    const existing = rows[0];
    if (!existing) throw new IdempotencyKeyInProgressError();
    if (existing.request_hash !== fingerprint) throw new IdempotencyKeyReusedError();
    if (existing.response_status === null) throw new IdempotencyKeyInProgressError();
    return {
      kind: 'replay',
      status: existing.response_status,
      body:
        existing.response_body === null ? null : (JSON.parse(existing.response_body) as unknown),
    };
  }

  /** Forgets the current agency's keys older than the retention. Returns how many went. */
  async pruneExpired(): Promise<number> {
    const [, count] = await this.db.manager.query<[unknown, number]>(
      `DELETE FROM idempotency_keys
        WHERE agency_id = $1 AND created_at < now() - make_interval(days => $2)`,
      [this.db.agencyId, IDEMPOTENCY_KEY_RETENTION_DAYS],
    );
    return count;
  }

  async complete(id: string, status: number, body: unknown): Promise<void> {
    await this.db.manager.query(
      `UPDATE idempotency_keys
          SET response_status = $3, response_body = $4, completed_at = now()
        WHERE agency_id = $1 AND id = $2`,
      [this.db.agencyId, id, status, JSON.stringify(body ?? null)],
    );
  }
}
