import { PasswordCheckBusyError } from '../identity.errors';
import { HashGate, PasswordHasher } from './password-hasher';

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

describe('HashGate', () => {
  /** A unit of work that finishes when the test says so. */
  const pending = () => {
    let finish!: () => void;
    const done = new Promise<void>((resolve) => (finish = resolve));
    return { done, finish };
  };

  it('runs at most `concurrency` at once, queues up to `maxWaiting`, refuses the rest at once', async () => {
    const gate = new HashGate({ concurrency: 1, maxWaiting: 1, waitMs: 60_000 });
    const first = pending();
    const started: string[] = [];
    const running = gate.run(() => (started.push('first'), first.done));
    const queued = gate.run(() => Promise.resolve(void started.push('second')));
    await expect(gate.run(() => Promise.resolve(started.push('third')))).rejects.toBeInstanceOf(
      PasswordCheckBusyError,
    );
    expect(started).toEqual(['first']);
    first.finish();
    await Promise.all([running, queued]);
    expect(started).toEqual(['first', 'second']);
  });

  it('gives up on a wait longer than waitMs with the coded busy error', async () => {
    const gate = new HashGate({ concurrency: 1, maxWaiting: 10, waitMs: 5 });
    const first = pending();
    const running = gate.run(() => first.done);
    await expect(gate.run(() => Promise.resolve('never'))).rejects.toMatchObject({
      code: 'auth.busy',
    });
    first.finish();
    await running;
    await expect(gate.run(() => Promise.resolve('after'))).resolves.toBe('after');
  });
});
