import { etagOf, ifMatchHolds, parseIfMatch } from './etag';

describe('If-Match', () => {
  it('matches the current version, a list, a weak tag, or *', () => {
    expect(ifMatchHolds(parseIfMatch(etagOf(3)), 3)).toBe(true);
    expect(ifMatchHolds(parseIfMatch('"v1", "v3"'), 3)).toBe(true);
    expect(ifMatchHolds(parseIfMatch('W/"v3"'), 3)).toBe(true);
    expect(ifMatchHolds(parseIfMatch('*'), 9)).toBe(true);
  });

  it('does not match a stale or foreign tag, and reports a missing header', () => {
    expect(ifMatchHolds(parseIfMatch('"v2"'), 3)).toBe(false);
    expect(ifMatchHolds(parseIfMatch('"abc"'), 3)).toBe(false);
    expect(parseIfMatch(undefined)).toEqual({ kind: 'missing' });
  });
});
