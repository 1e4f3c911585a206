import { ValidationFailedError } from '../errors/domain-error';

/**
 * Keyset pagination: the cursor is the sort key of the last row returned (opaque base64url
 * JSON), and the next page is `WHERE (sort, id) < (cursor)`. With an index led by agency_id on
 * the sort columns, a page costs the same at row 10 and at row 1,000,000.
 */
export type CursorValue = string | number | null;

export function encodeCursor(values: CursorValue[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

export function decodeCursor(cursor: string | undefined, arity: number): CursorValue[] | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  try {
    const values: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(values) &&
      values.length === arity &&
      values.every((v) => v === null || typeof v === 'string' || typeof v === 'number')
    ) {
      return values as CursorValue[];
    }
  } catch {
    // fall through
  }
  throw new ValidationFailedError([
    { pointer: '/cursor', detail: 'is not a cursor this list returned' },
  ]);
}

export function pageLimit(raw: string | number | undefined, fallback = 50, max = 200): number {
  const n = typeof raw === 'number' ? raw : raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(n) || n < 1) return fallback;
  return Math.min(n, max);
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
