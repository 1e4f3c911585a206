import {
  decodeCursor,
  encodeCursor,
  InvalidCursorError,
  isCursorTimestamp,
  pageLimit,
  TIME_AND_ID,
  toPage,
} from './keyset-cursor';
import { ValidationFailedError } from '../errors/domain-error';

describe('keyset cursors', () => {
  it('round-trips the sort key of the last row', () => {
    const cursor = encodeCursor(['2026-03-01T00:00:00.000Z', 'b7c1']);
    expect(decodeCursor(cursor, 2)).toEqual(['2026-03-01T00:00:00.000Z', 'b7c1']);
    expect(decodeCursor(undefined, 2)).toBeUndefined();
  });

  it('refuses a cursor it did not make', () => {
    expect(() => decodeCursor('not-a-cursor', 2)).toThrow(InvalidCursorError);
    expect(() => decodeCursor(encodeCursor(['only one']), 2)).toThrow(InvalidCursorError);
    const id = '0b7c1a3e-8f3a-4c55-9a5e-0a5b8d0e1f22';
    expect(decodeCursor(encodeCursor(['2026-03-01T00:00:00.000Z', id]), TIME_AND_ID)).toEqual([
      '2026-03-01T00:00:00.000Z',
      id,
    ]);
    expect(() => decodeCursor(encodeCursor(['2026-03-01', id]), TIME_AND_ID)).toThrow(
      expect.objectContaining({ code: 'pagination.invalid_cursor', status: 400 }),
    );
    expect(() => decodeCursor(encodeCursor(['2026-03-01T00:00:00Z', 'b7c1']), TIME_AND_ID)).toThrow(
      InvalidCursorError,
    );
  });

  it('knows a timestamp PostgreSQL accepts', () => {
    expect(isCursorTimestamp('2026-03-01T00:00:00.000Z')).toBe(true);
    expect(isCursorTimestamp('2026-03-01 12:00:00.123456+00')).toBe(true);
    expect(isCursorTimestamp('2026-03-01T12:00:00+05:30')).toBe(true);
    expect(isCursorTimestamp('2026-02-29T00:00:00Z')).toBe(false);
    expect(isCursorTimestamp('0000-01-01T00:00:00Z')).toBe(false);
    expect(isCursorTimestamp('2026-03-01T24:00:00Z')).toBe(false);
    expect(isCursorTimestamp('1')).toBe(false);
  });

  it('trims the look-ahead row and points at the last kept row', () => {
    const page = toPage(
      [1, 2, 3],
      2,
      (n) => [n],
      (n) => n * 10,
    );
    expect(page.items).toEqual([10, 20]);
    expect(decodeCursor(page.nextCursor!, 1)).toEqual([2]);
    expect(
      toPage(
        [1],
        2,
        (n) => [n],
        (n) => n,
      ).nextCursor,
    ).toBeNull();
  });

  it('bounds the page size', () => {
    expect(pageLimit(undefined)).toBe(50);
    expect(pageLimit('200')).toBe(200);
    expect(() => pageLimit('201')).toThrow(ValidationFailedError);
    expect(() => pageLimit('0')).toThrow(ValidationFailedError);
    expect(() => pageLimit('1.5')).toThrow(ValidationFailedError);
  });
});
