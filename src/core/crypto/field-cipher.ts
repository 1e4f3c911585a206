import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** GCM's full tag: pinned on both sides, so a shortened tag cannot be forged more cheaply. */
const TAG_BYTES = 16;
const IV_BYTES = 12;

/**
 * Encrypts sensitive fields at rest (payee bank details) with AES-256-GCM. The stored form is
 * `<version>.<iv>.<tag>.<ciphertext>` (base64url); `context` (e.g. the agency, organization and
 * payee id and the field) is bound as additional authenticated data, so a value copied onto
 * another row or field does not decrypt.
 *
 * Versions: new seals are `v2`, whose callers bind more context (payees: the organization id);
 * the version itself is bound too. `v1` values written before that still open with the caller's legacy context and are re-sealed
 * as `v2` on the next write. Both versions pin a 16-byte tag and refuse any other length.
 */
export class FieldCipher {
  private readonly key: Buffer;

  constructor(base64Key: string) {
    this.key = Buffer.from(base64Key, 'base64');
    if (this.key.length !== 32) throw new Error('the field encryption key must be 32 bytes');
  }

  seal(plaintext: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(associatedData('v2', context));
    const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v2', iv, cipher.getAuthTag(), data]
      .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
      .join('.');
  }

  /** Opens a `v2` value with `context`, a `v1` value with `legacyContext` (default: the same). */
  open(sealed: string, context: string, legacyContext: string = context): string {
    const [version, ivText, tagText, data, ...rest] = sealed.split('.');
    if ((version !== 'v1' && version !== 'v2') || !ivText || !tagText || data === undefined)
      throw new Error('not a sealed field');
    if (rest.length > 0) throw new Error('not a sealed field');
    const iv = Buffer.from(ivText, 'base64url');
    const tag = Buffer.from(tagText, 'base64url');
    // Node accepts shorter GCM tags unless told otherwise; a truncated tag is a forgery attempt.
    if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new Error('not a sealed field');
    const decipher = createDecipheriv('aes-256-gcm', this.key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(associatedData(version, version === 'v2' ? context : legacyContext));
    decipher.setAuthTag(tag);
    return Buffer.concat([
      decipher.update(Buffer.from(data, 'base64url')),
      decipher.final(),
    ]).toString('utf8');
  }

  /** True when the value predates `v2` and should be re-sealed on the next write. */
  static isLegacy(sealed: string): boolean {
    return sealed.startsWith('v1.');
  }
}

/** v2 binds its own version too, so a value cannot be relabelled to the other format. */
function associatedData(version: 'v1' | 'v2', context: string): Buffer {
  return Buffer.from(version === 'v2' ? `v2:${context}` : context, 'utf8');
}

/** What responses show of an account number: the last four digits. */
export function maskAccountNumber(accountNumber: string): string {
  return accountNumber.length <= 4 ? '****' : `****${accountNumber.slice(-4)}`;
}
