import { InvalidCursorError } from '../pagination/keyset-cursor';
import { decodeCursor, encodeCursor } from './audit-events';

describe('audit event cursors', () => {
  it('round-trip the exact (occurred_at, id) position', () => {
    const at = '2025-11-28T10:00:00.123456Z';
    const id = '6f1c2c7e-8d5b-4a43-9a5e-0b0f1f2e3d4c';
    expect(decodeCursor(encodeCursor(at, id))).toEqual([at, id]);
  });

  it.each([
    '',
    'garbage',
    encodeCursor('yesterday', 'x'),
    Buffer.from('[1,2]').toString('base64url'),
  ])('refuse a forged or broken cursor %p as pagination.invalid_cursor', (cursor) => {
    expect(() => decodeCursor(cursor)).toThrow(InvalidCursorError);
  });
});
