import { Injectable } from '@nestjs/common';
import { hash, verify, type Algorithm, type Options } from '@node-rs/argon2';

/** Algorithm is a const enum in the typings and absent at runtime; 2 is Argon2id. */
const ARGON2ID = 2 as Algorithm;

/** OWASP's argon2id baseline: 19 MiB, 2 passes, 1 lane. */
export const ARGON2_OPTIONS: Options = {
  algorithm: ARGON2ID,
  memoryCost: 19456,
  timeCost: 2,
  parallelism: 1,
};

/**
 * argon2id password hashing. `verifyOrBurn` does the same work when there is no stored hash
 * (unknown email, invited user without a password) so response time does not tell them apart.
 */
@Injectable()
export class PasswordHasher {
  private decoy?: Promise<string>;

  hash(password: string): Promise<string> {
    return hash(password, ARGON2_OPTIONS);
  }

  async verifyOrBurn(storedHash: string | null | undefined, password: string): Promise<boolean> {
    if (!storedHash) {
      this.decoy ??= this.hash('grant-commons decoy password');
      await verify(await this.decoy, password).catch(() => false);
      return false;
    }
    try {
      return await verify(storedHash, password);
    } catch {
      return false; // a malformed stored hash never signs anyone in
    }
  }
}
