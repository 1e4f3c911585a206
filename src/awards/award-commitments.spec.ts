import { AwardCommitments } from './award-commitments';

describe('AwardCommitments', () => {
  it('refuses to boot without the payments reader, rather than answer 0 to every money check', () => {
    const commitments = new AwardCommitments();
    expect(() => commitments.onApplicationBootstrap()).toThrow(/payments module must register/);
    return expect(commitments.committed('a')).rejects.toThrow(/no reader/);
  });

  it('answers from the registered reader, which may be registered once', async () => {
    const commitments = new AwardCommitments();
    commitments.register({
      committed: () => Promise.resolve(1250n),
      lineUsage: () => Promise.resolve(new Map([['1000/100', 500n]])),
    });
    expect(() => commitments.onApplicationBootstrap()).not.toThrow();
    expect(await commitments.committed('a')).toBe(1250n);
    expect((await commitments.lineUsage('a')).get('1000/100')).toBe(500n);
    expect(() =>
      commitments.register({
        committed: () => Promise.resolve(0n),
        lineUsage: () => Promise.resolve(new Map()),
      }),
    ).toThrow(/twice/);
  });
});
