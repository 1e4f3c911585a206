import { PasswordHasher } from './password-hasher';

describe('PasswordHasher', () => {
  const hasher = new PasswordHasher();

  it('hashes with argon2id at the OWASP baseline, salted', async () => {
    const a = await hasher.hash('correct horse battery staple');
    const b = await hasher.hash('correct horse battery staple');
    expect(a).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(a).not.toBe(b);
  });

  it('verifies the right password and refuses a wrong one', async () => {
    const stored = await hasher.hash('correct horse battery staple');
    await expect(hasher.verifyOrBurn(stored, 'correct horse battery staple')).resolves.toBe(true);
    await expect(hasher.verifyOrBurn(stored, 'Correct horse battery staple')).resolves.toBe(false);
  });

  it('never signs in without a stored hash, or with a malformed one', async () => {
    await expect(hasher.verifyOrBurn(null, 'anything')).resolves.toBe(false);
    await expect(hasher.verifyOrBurn(undefined, '')).resolves.toBe(false);
    await expect(hasher.verifyOrBurn('not-a-phc-string', 'anything')).resolves.toBe(false);
  });
});
