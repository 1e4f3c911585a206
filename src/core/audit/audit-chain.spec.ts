import { GENESIS_HASH, linkHash } from './audit-chain';

describe('audit chain links', () => {
  it('depend on the previous link, the position and the event hash', () => {
    const event = 'a'.repeat(64);
    const first = linkHash(GENESIS_HASH, 1, event);
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(linkHash(GENESIS_HASH, 1, event)).toBe(first);
    expect(linkHash(GENESIS_HASH, 2, event)).not.toBe(first);
    expect(linkHash(first, 1, event)).not.toBe(first);
    expect(linkHash(GENESIS_HASH, 1, 'b'.repeat(64))).not.toBe(first);
  });
});
