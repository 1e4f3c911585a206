import { createCipheriv, randomBytes } from 'node:crypto';
import { FieldCipher, maskAccountNumber } from './field-cipher';

/** A value as the first release sealed it: `v1`, the context without the organization id. */
function sealV1(key: string, plaintext: string, context: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(key, 'base64'), iv);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return ['v1', iv, cipher.getAuthTag(), data]
    .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
    .join('.');
}

describe('FieldCipher', () => {
  const key = randomBytes(32).toString('base64');
  const cipher = new FieldCipher(key);

  it('round-trips as v2 and never stores the plaintext', () => {
    const sealed = cipher.seal('000123456789', 'agency-1/org-1/payee-1');
    expect(sealed).toMatch(/^v2\./);
    expect(sealed).not.toContain('123456789');
    expect(cipher.open(sealed, 'agency-1/org-1/payee-1')).toBe('000123456789');
    expect(cipher.seal('000123456789', 'agency-1/org-1/payee-1')).not.toBe(sealed); // fresh IV
  });

  it('refuses a value moved to another row or organization, a tampered value, or another key', () => {
    const sealed = cipher.seal('000123456789', 'agency-1/org-1/payee-1');
    expect(() => cipher.open(sealed, 'agency-2/org-1/payee-1')).toThrow();
    expect(() => cipher.open(sealed, 'agency-1/org-2/payee-1')).toThrow();
    // A v2 value never falls back to the legacy context.
    expect(() => cipher.open(sealed, 'agency-1/org-2/payee-1', 'agency-1/org-1/payee-1')).toThrow();
    const [v, iv, tag, data] = sealed.split('.');
    const flipped = Buffer.from(data, 'base64url');
    flipped[0] ^= 1;
    expect(() =>
      cipher.open([v, iv, tag, flipped.toString('base64url')].join('.'), 'agency-1/org-1/payee-1'),
    ).toThrow();
    expect(() =>
      new FieldCipher(randomBytes(32).toString('base64')).open(sealed, 'agency-1/org-1/payee-1'),
    ).toThrow();
  });

  it('refuses a truncated or padded tag, and a short IV', () => {
    const sealed = cipher.seal('000123456789', 'ctx');
    const [v, iv, tag, data] = sealed.split('.');
    const tagBytes = Buffer.from(tag, 'base64url');
    for (const length of [4, 8, 12, 15]) {
      const truncated = tagBytes.subarray(0, length).toString('base64url');
      expect(() => cipher.open([v, iv, truncated, data].join('.'), 'ctx')).toThrow(
        /not a sealed field/,
      );
    }
    const padded = Buffer.concat([tagBytes, Buffer.alloc(1)]).toString('base64url');
    expect(() => cipher.open([v, iv, padded, data].join('.'), 'ctx')).toThrow();
    const shortIv = Buffer.from(iv, 'base64url').subarray(0, 8).toString('base64url');
    expect(() => cipher.open([v, shortIv, tag, data].join('.'), 'ctx')).toThrow();
    expect(() => cipher.open(`${sealed}.extra`, 'ctx')).toThrow();
    expect(() => cipher.open(sealed.replace(/^v2/, 'v3'), 'ctx')).toThrow();
  });

  it('still opens v1 values with their legacy context, and only with it', () => {
    const legacy = sealV1(key, '000123456789', 'agency-1/payee-1');
    expect(FieldCipher.isLegacy(legacy)).toBe(true);
    expect(cipher.open(legacy, 'agency-1/org-1/payee-1', 'agency-1/payee-1')).toBe('000123456789');
    expect(() => cipher.open(legacy, 'agency-1/org-1/payee-1', 'agency-1/payee-2')).toThrow();
    // A v1 body relabelled v2 must not open under the v1 context.
    expect(() => cipher.open(legacy.replace(/^v1/, 'v2'), 'agency-1/payee-1')).toThrow();
  });

  it('refuses a key of the wrong size', () => {
    expect(() => new FieldCipher(randomBytes(16).toString('base64'))).toThrow(/32 bytes/);
  });

  it('masks all but the last four digits', () => {
    expect(maskAccountNumber('000123456789')).toBe('****6789');
    expect(maskAccountNumber('12')).toBe('****');
  });
});
