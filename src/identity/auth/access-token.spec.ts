import { AccessTokenCodec } from './access-token';

describe('AccessTokenCodec', () => {
  const claims = { sub: 'user-1', sid: 'session-1', email: 'a@example.org', pa: false };
  let now = Date.UTC(2025, 0, 1);
  const codec = new AccessTokenCodec('s'.repeat(40), 900, () => now);

  it('round-trips the claims with iat and exp', () => {
    const { token, expiresAt } = codec.issue(claims);
    expect(codec.verify(token)).toMatchObject({ ...claims, exp: now / 1000 + 900 });
    expect(expiresAt.getTime()).toBe(now + 900_000);
  });

  it('refuses a token signed with another secret', () => {
    const other = new AccessTokenCodec('t'.repeat(40), 900, () => now);
    expect(() => codec.verify(other.issue(claims).token)).toThrow(
      expect.objectContaining({ code: 'auth.token_invalid' }),
    );
  });

  it('refuses a token whose payload was altered', () => {
    const [h, , s] = codec.issue(claims).token.split('.');
    const forged = Buffer.from(JSON.stringify({ ...claims, pa: true, exp: 9e9 })).toString(
      'base64url',
    );
    expect(() => codec.verify(`${h}.${forged}.${s}`)).toThrow(
      expect.objectContaining({ code: 'auth.token_invalid' }),
    );
  });

  it('refuses garbage and an alg:none header', () => {
    expect(() => codec.verify('not-a-token')).toThrow();
    const none = Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url');
    const body = codec.issue(claims).token.split('.')[1];
    expect(() => codec.verify(`${none}.${body}.`)).toThrow(
      expect.objectContaining({ code: 'auth.token_invalid' }),
    );
  });

  it('refuses an expired token with its own code', () => {
    const { token } = codec.issue(claims);
    now += 900_000;
    expect(() => codec.verify(token)).toThrow(
      expect.objectContaining({ code: 'auth.token_expired' }),
    );
  });
});
