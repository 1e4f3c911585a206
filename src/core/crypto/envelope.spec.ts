import { randomBytes } from 'node:crypto';
import { EnvelopeCipher, EnvelopeOpenError, keyIdOf } from './envelope';

describe('envelope cipher', () => {
  const master = randomBytes(32).toString('base64');
  const cipher = new EnvelopeCipher(master);
  const file = Buffer.from('6220101000019000123456789    0000400000', 'ascii');

  it('round-trips, and the sealed bytes hold no plaintext and differ per seal (fresh data key)', () => {
    const a = cipher.seal(file, 'batch-1');
    const b = cipher.seal(file, 'batch-1');
    expect(cipher.open(a, 'batch-1')).toEqual(file);
    expect(a.includes(Buffer.from('000123456789'))).toBe(false);
    expect(a.equals(b)).toBe(false);
    expect(cipher.keyIdOf(a)).toBe(keyIdOf(Buffer.from(master, 'base64')));
  });

  it('refuses another context (the envelope of one batch does not open as another)', () => {
    const sealed = cipher.seal(file, 'batch-1');
    expect(() => cipher.open(sealed, 'batch-2')).toThrow(EnvelopeOpenError);
  });

  it('fails closed on any changed byte, header or body', () => {
    const sealed = cipher.seal(file, 'batch-1');
    for (const at of [0, 5, 20, 60, sealed.length - 1]) {
      const copy = Buffer.from(sealed);
      copy[at] ^= 0x01;
      expect(() => cipher.open(copy, 'batch-1')).toThrow(EnvelopeOpenError);
    }
    expect(() => cipher.open(sealed.subarray(0, sealed.length - 3), 'batch-1')).toThrow(
      EnvelopeOpenError,
    );
    expect(() => cipher.open(Buffer.from('plain,text\n'), 'batch-1')).toThrow(EnvelopeOpenError);
  });

  it('refuses a shortened authentication tag (the tag length is pinned at 16)', () => {
    const sealed = cipher.seal(file, 'batch-1');
    const length = sealed.readUInt16BE(4);
    const header = JSON.parse(sealed.subarray(6, 6 + length).toString('utf8'));
    header.tag = Buffer.from(header.tag, 'base64').subarray(0, 4).toString('base64');
    const json = Buffer.from(JSON.stringify(header));
    const size = Buffer.alloc(2);
    size.writeUInt16BE(json.length);
    const forged = Buffer.concat([sealed.subarray(0, 4), size, json, sealed.subarray(6 + length)]);
    expect(() => cipher.open(forged, 'batch-1')).toThrow(/tag length/);
  });

  it('opens with a previous master key after rotation, and not with a stranger key', () => {
    const sealed = cipher.seal(file, 'batch-1');
    const next = randomBytes(32).toString('base64');
    const rotated = new EnvelopeCipher(next, [master]);
    expect(rotated.open(sealed, 'batch-1')).toEqual(file);
    expect(rotated.keyIdOf(rotated.seal(file, 'x'))).not.toBe(cipher.keyId);
    expect(() => new EnvelopeCipher(next).open(sealed, 'batch-1')).toThrow(/unknown key id/);
  });

  it('refuses a master key that is not 32 bytes', () => {
    expect(() => new EnvelopeCipher(randomBytes(16).toString('base64'))).toThrow(/32 bytes/);
  });
});
