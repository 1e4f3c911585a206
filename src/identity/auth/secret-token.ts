import { createHash, randomBytes } from 'node:crypto';

/** An unguessable bearer secret (refresh tokens, invitations): 256 bits, base64url. */
export function newSecretToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * What the database stores instead of the secret. A fast hash is right here (unlike passwords):
 * the input already has 256 bits of entropy, and lookups must be one indexed equality.
 */
export function hashSecretToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
