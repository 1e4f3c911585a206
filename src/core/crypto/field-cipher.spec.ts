import { randomBytes } from 'node:crypto';
import { FieldCipher, maskAccountNumber } from './field-cipher';

describe('FieldCipher', () => {
  const cipher = new FieldCipher(randomBytes(32).toString('base64'));

  it('round-trips and never stores the plaintext', () => {
    const sealed = cipher.seal('000123456789', 'agency-1/payee-1');
    expect(sealed).not.toContain('123456789');
    expect(cipher.open(sealed, 'agency-1/payee-1')).toBe('000123456789');
    expect(cipher.seal('000123456789', 'agency-1/payee-1')).not.toBe(sealed); // fresh IV each time
  });

  it('refuses a value moved to another row, a tampered value, or another key', () => {
    const sealed = cipher.seal('000123456789', 'agency-1/payee-1');
    expect(() => cipher.open(sealed, 'agency-2/payee-1')).toThrow();
    const [v, iv, tag, data] = sealed.split('.');
    const flipped = Buffer.from(data, 'base64url');
    flipped[0] ^= 1;
    expect(() =>
      cipher.open([v, iv, tag, flipped.toString('base64url')].join('.'), 'agency-1/payee-1'),
    ).toThrow();
    expect(() =>
      new FieldCipher(randomBytes(32).toString('base64')).open(sealed, 'agency-1/payee-1'),
    ).toThrow();
  });

  it('refuses a key of the wrong size', () => {
    expect(() => new FieldCipher(randomBytes(16).toString('base64'))).toThrow(/32 bytes/);
  });

  it('masks all but the last four digits', () => {
    expect(maskAccountNumber('000123456789')).toBe('****6789');
    expect(maskAccountNumber('12')).toBe('****');
  });
});
