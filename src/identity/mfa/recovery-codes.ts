import { createHmac, randomInt } from 'node:crypto';

export const RECOVERY_CODE_COUNT = 10;
/** Crockford-style alphabet without look-alikes (0/O, 1/I/L): codes are read off paper. */
const ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
const LENGTH = 12;

/** Ten fresh codes like "7KQM-4TXW-9HZC" (about 59 bits each), shown to the person once. */
export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    let raw = '';
    for (let i = 0; i < LENGTH; i++) raw += ALPHABET[randomInt(ALPHABET.length)];
    return `${raw.slice(0, 4)}-${raw.slice(4, 8)}-${raw.slice(8)}`;
  });
}

/** The form codes are compared in: what a person types may have spaces, dashes, lowercase. */
export function normalizeRecoveryCode(input: string): string {
  return input.toUpperCase().replace(/[^0-9A-Z]/g, '');
}

export function looksLikeRecoveryCode(input: string): boolean {
  return normalizeRecoveryCode(input).length === LENGTH;
}

/**
 * A keyed hash (HMAC-SHA-256 with a key derived from MFA_ENCRYPTION_KEY): the codes carry enough
 * entropy that a slow hash is not needed, and without the key a stolen table cannot be searched.
 */
export function recoveryCodeHash(key: Buffer, code: string): string {
  return createHmac('sha256', key).update(normalizeRecoveryCode(code)).digest('base64url');
}
