import { Injectable } from '@nestjs/common';
import { ValidationFailedError } from '../errors/domain-error';
import { ReadReplica } from '../context/read-replica';
import { TenantDb } from '../context/tenant-db';
import { cursorJson, InvalidCursorError, isCursorTimestamp } from '../pagination/keyset-cursor';
import { AuditEventQueryDto } from './dto/audit-event-query.dto';
import { computedColumns, entitySql } from '../database/sql-statement';
import { AuditEvent } from './entities/audit-event.entity';

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
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}

/**
 * A page of the agency's events, newest first, each filter off when its parameter is null; the
 * instant as text with its microseconds, so a cursor made from it skips nothing.
 */
const PAGE = entitySql(
  'core.audit-events-page',
  AuditEvent,
  'e',
  `SELECT {columns},
          to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "occurredText"
     FROM audit_events e
    WHERE e.agency_id = $1
      AND ($2::text IS NULL OR e.entity_type = $2::text)
      AND ($3::text IS NULL OR e.entity_id = $3::text)
      AND ($4::uuid IS NULL OR e.actor_user_id = $4::uuid)
      AND ($5::timestamptz IS NULL OR e.occurred_at >= $5::timestamptz)
      AND ($6::timestamptz IS NULL OR e.occurred_at < $6::timestamptz)
      AND ($7::timestamptz IS NULL OR (e.occurred_at, e.id) < ($7::timestamptz, $8::uuid))
    ORDER BY e.occurred_at DESC, e.id DESC
    LIMIT $9`,
  {
    pick: [
      'id',
      'actorKind',
      'actorUserId',
      'action',
      'entityType',
      'entityId',
      'before',
      'after',
      'requestId',
      'clientIp',
    ],
    computed: computedColumns<{ occurredText: string }>(),
  },
);
type Row = ReturnType<typeof PAGE.shape>[number];

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
  constructor(
    private readonly db: TenantDb,
    private readonly replica: ReadReplica,
  ) {}

  async list(query: AuditEventQueryDto): Promise<AuditEventPage> {
    if (query.entityId !== undefined && query.entityType === undefined) {
      throw new ValidationFailedError([
        { pointer: '/entityType', detail: 'is required when entityId is given' },
      ]);
    }
    const limit = query.limit ?? 50;
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    // A trail of what committed: a replica a moment behind shows it a moment later.
    const rows = await this.replica.lagTolerant(() =>
      this.db.rows(PAGE, [
        this.db.agencyId,
        query.entityType ?? null,
        query.entityId ?? null,
        query.actorUserId ?? null,
        query.from ?? null,
        query.to ?? null,
        after?.[0] ?? null,
        after?.[1] ?? null,
        limit + 1,
      ]),
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toView),
      nextCursor: rows.length > limit && last ? encodeCursor(last.occurredText, last.id) : null,
    };
  }
}

function toView(row: Row): AuditEventView {
  return {
    id: row.id,
    occurredAt: row.occurredText,
    actor: { kind: row.actorKind, userId: row.actorUserId },
    action: row.action,
    entityType: row.entityType,
    entityId: row.entityId,
    before: row.before,
    after: row.after,
    requestId: row.requestId,
    clientIp: row.clientIp,
  };
}
