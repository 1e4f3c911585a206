import { DomainError, ValidationFailedError } from '../errors/domain-error';
import { isUuid } from '../ids';

/**
 * Keyset pagination: the cursor is the sort key of the last row returned (opaque base64url
 * JSON), and the next page is `WHERE (sort, id) < (cursor)`. With an index led by agency_id on
 * the sort columns, a page costs the same at row 10 and at row 1,000,000.
 */
export type CursorValue = string | number | null;

export function encodeCursor(values: CursorValue[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

/**
 * What a cursor position holds, so a forged cursor is refused here (400) rather than by
 * PostgreSQL's casts (a 500): `timestamp` an ISO-8601 / PostgreSQL timestamp with zone,
 * `uuid`, `text` (no NUL, which PostgreSQL text cannot hold), `integer`.
 */
export type CursorKind = 'timestamp' | 'uuid' | 'text' | 'integer';
/** The common shape: (created_at or another timestamp, id). */
export const TIME_AND_ID: readonly CursorKind[] = ['timestamp', 'uuid'];
export const TEXT_AND_ID: readonly CursorKind[] = ['text', 'uuid'];

/** A cursor the list did not make (garbage, truncated, another shape): always 400, never 500. */
export class InvalidCursorError extends DomainError {
  constructor(pointer = '/cursor') {
    super('pagination.invalid_cursor', 400, 'The cursor is not one this list returned.', {
      errors: [{ pointer, detail: 'is not a cursor this list returned' }],
    });
  }
}

const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.\d{1,6})?(?:Z|[+-]\d{2}(?::?\d{2})?)$/;

/** A timestamp PostgreSQL's timestamptz input accepts (real calendar date, zone given). */
export function isCursorTimestamp(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const m = TIMESTAMP.exec(value);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  return (
    year >= 1 &&
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    hour < 24 &&
    minute < 60 &&
    second < 60
  );
}

export function isCursorText(value: unknown, maxLength = 1000): value is string {
  return typeof value === 'string' && value.length <= maxLength && !value.includes('\u0000');
}

const FITS: Record<CursorKind, (value: unknown) => boolean> = {
  timestamp: isCursorTimestamp,
  uuid: (value) => typeof value === 'string' && isUuid(value),
  text: (value) => isCursorText(value),
  integer: (value) => typeof value === 'number' && Number.isSafeInteger(value),
};

/** The JSON inside a base64url cursor, or InvalidCursorError. */
export function cursorJson(cursor: string, pointer = '/cursor'): unknown {
  if (cursor.length > 2048 || !/^[A-Za-z0-9_-]+$/.test(cursor)) {
    throw new InvalidCursorError(pointer);
  }
  try {
    return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError(pointer);
  }
}

/**
 * The sort key a cursor carries, checked against `shape` position by position. (A bare arity is
 * still accepted for older callers; it checks the length and JSON types only.)
 */
export function decodeCursor(
  cursor: string | undefined,
  shape: readonly CursorKind[] | number,
  pointer = '/cursor',
): CursorValue[] | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  const values = cursorJson(cursor, pointer);
  const arity = typeof shape === 'number' ? shape : shape.length;
  if (
    Array.isArray(values) &&
    values.length === arity &&
    values.every((v, i) =>
      typeof shape === 'number'
        ? v === null || typeof v === 'number' || isCursorText(v)
        : FITS[shape[i]](v),
    )
  ) {
    return values as CursorValue[];
  }
  throw new InvalidCursorError(pointer);
}

/** Every keyset list's largest page. */
export const MAX_PAGE_LIMIT = 200;

/**
 * The page size a client asked for, or `fallback`. Out of range (or not a whole number) is a
 * 400 on every list alike, never silently another size.
 */
export function pageLimit(
  raw: string | number | undefined,
  fallback = 50,
  max = MAX_PAGE_LIMIT,
): number {
  if (raw === undefined || raw === '') return fallback;
  const n = typeof raw === 'number' ? raw : /^\d{1,9}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > max) {
    throw new ValidationFailedError([
      { pointer: '/limit', detail: `must be a whole number from 1 to ${max}` },
    ]);
  }
  return n;
}

export interface Page<T> {
  items: T[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

/** Fetch limit + 1 rows; this trims the extra one and makes the next cursor from the last kept. */
export function toPage<R, T>(
  rows: R[],
  limit: number,
  key: (row: R) => CursorValue[],
  view: (row: R) => T,
): Page<T> {
  const more = rows.length > limit;
  const kept = more ? rows.slice(0, limit) : rows;
  return {
    items: kept.map(view),
    nextCursor: more ? encodeCursor(key(kept[kept.length - 1])) : null,
  };
}
