import { createHash, createHmac, randomBytes } from 'node:crypto';

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

/**
 * A bearer secret derived from a server key and a record's id (HMAC-SHA256, 256 bits): the same
 * id always gives the same secret. A job that emails a link can then be retried without minting
 * a second, different one, while the database keeps only the hash (hashSecretToken) and no
 * queue payload ever holds the secret. `purpose` separates these secrets from anything else
 * the key signs. Whoever holds the key could re-derive them, as they could sign access tokens.
 */
export function derivedSecretToken(key: string, purpose: string, id: string): string {
  const purposeKey = createHmac('sha256', key).update(purpose, 'utf8').digest();
  return createHmac('sha256', purposeKey).update(id, 'utf8').digest('base64url');
}
