import { ValidationFailedError } from '../errors/domain-error';
import { decodeCursor, encodeCursor, pageLimit, toPage } from './keyset-cursor';

describe('keyset cursors', () => {
  it('round-trips the sort key of the last row', () => {
    const cursor = encodeCursor(['2026-03-01T00:00:00.000Z', 'b7c1']);
    expect(decodeCursor(cursor, 2)).toEqual(['2026-03-01T00:00:00.000Z', 'b7c1']);
    expect(decodeCursor(undefined, 2)).toBeUndefined();
  });

  it('refuses a cursor it did not make', () => {
    expect(() => decodeCursor('not-a-cursor', 2)).toThrow(ValidationFailedError);
    expect(() => decodeCursor(encodeCursor(['only one']), 2)).toThrow(ValidationFailedError);
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
    expect(pageLimit('1000')).toBe(200);
    expect(pageLimit('0')).toBe(50);
  });
});
