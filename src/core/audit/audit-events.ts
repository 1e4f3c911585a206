import { Injectable } from '@nestjs/common';
import { ValidationFailedError } from '../errors/domain-error';
import { TenantDb } from '../context/tenant-db';
import { cursorJson, InvalidCursorError, isCursorTimestamp } from '../pagination/keyset-cursor';
import { AuditEventQueryDto } from './dto/audit-event-query.dto';

export interface AuditEventView {
  id: string;
  occurredAt: string;
  actor: { kind: string; userId: string | null };
  action: string;
  entityType: string;
  entityId: string;
  before: unknown;
  after: unknown;
  requestId: string | null;
  clientIp: string | null;
}

export interface AuditEventPage {
  items: AuditEventView[];
  /** Pass as `cursor` for the next (older) page; absent on the last page. */
  nextCursor?: string;
}

interface Row {
  id: string;
  occurred_at: string;
  actor_kind: string;
  actor_user_id: string | null;
  action: string;
  entity_type: string;
  entity_id: string;
  before: unknown;
  after: unknown;
  request_id: string | null;
  client_ip: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/** Opaque to clients: the (occurred_at, id) of the last row served, microseconds kept. */
export function encodeCursor(occurredAt: string, id: string): string {
  return Buffer.from(JSON.stringify([occurredAt, id])).toString('base64url');
}

export function decodeCursor(cursor: string): [string, string] {
  const value = cursorJson(cursor);
  if (
    Array.isArray(value) &&
    value.length === 2 &&
    typeof value[0] === 'string' &&
    TIMESTAMP.test(value[0]) &&
    isCursorTimestamp(value[0]) &&
    typeof value[1] === 'string' &&
    UUID.test(value[1])
  ) {
    return [value[0], value[1]];
  }
  throw new InvalidCursorError();
}

/** An agency's audit events, newest first, with keyset pagination on (occurred_at, id). */
@Injectable()
export class AuditEvents {
  constructor(private readonly db: TenantDb) {}

  async list(query: AuditEventQueryDto): Promise<AuditEventPage> {
    if (query.entityId !== undefined && query.entityType === undefined) {
      throw new ValidationFailedError([
        { pointer: '/entityType', detail: 'is required when entityId is given' },
      ]);
    }
    const limit = query.limit ?? 50;
    const params: unknown[] = [this.db.agencyId];
    const where = ['agency_id = $1'];
    const add = (clause: (p: string) => string, value: unknown) => {
      params.push(value);
      where.push(clause(`$${params.length}`));
    };
    if (query.entityType !== undefined) add((p) => `entity_type = ${p}`, query.entityType);
    if (query.entityId !== undefined) add((p) => `entity_id = ${p}`, query.entityId);
    if (query.actorUserId !== undefined) add((p) => `actor_user_id = ${p}`, query.actorUserId);
    if (query.from !== undefined) add((p) => `occurred_at >= ${p}::timestamptz`, query.from);
    if (query.to !== undefined) add((p) => `occurred_at < ${p}::timestamptz`, query.to);
    if (query.cursor !== undefined) {
      const [occurredAt, id] = decodeCursor(query.cursor);
      params.push(occurredAt, id);
      where.push(
        `(occurred_at, id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`,
      );
    }
    params.push(limit + 1);
    const rows: Row[] = await this.db.manager.query(
      `SELECT id, to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS occurred_at,
              actor_kind, actor_user_id, action, entity_type, entity_id, before, after,
              request_id, client_ip
         FROM audit_events
        WHERE ${where.join(' AND ')}
        ORDER BY occurred_at DESC, id DESC
        LIMIT $${params.length}`,
      params,
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toView),
      ...(rows.length > limit && last
        ? { nextCursor: encodeCursor(last.occurred_at, last.id) }
        : {}),
    };
  }
}

function toView(row: Row): AuditEventView {
  return {
    id: row.id,
    occurredAt: row.occurred_at,
    actor: { kind: row.actor_kind, userId: row.actor_user_id },
    action: row.action,
    entityType: row.entity_type,
    entityId: row.entity_id,
    before: row.before,
    after: row.after,
    requestId: row.request_id,
    clientIp: row.client_ip,
  };
}
