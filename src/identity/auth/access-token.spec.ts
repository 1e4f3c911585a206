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

describe('AccessTokenCodec: verified tokens are remembered', () => {
  const claims = { sub: 'user-1', sid: 'session-1', email: 'a@example.org', pa: false };

  it('still refuses a remembered token once it expires', () => {
    let now = Date.UTC(2025, 0, 1);
    const codec = new AccessTokenCodec('s'.repeat(40), 900, () => now);
    const { token } = codec.issue(claims);
    expect(codec.verify(token).sub).toBe('user-1');
    expect(codec.verify(token).sub).toBe('user-1'); // from memory
    now += 900_000;
    expect(() => codec.verify(token)).toThrow(
      expect.objectContaining({ code: 'auth.token_expired' }),
    );
  });

  it('does not let a token that differs in its signature borrow a remembered verdict', () => {
    const now = Date.UTC(2025, 0, 1);
    const codec = new AccessTokenCodec('s'.repeat(40), 900, () => now);
    const { token } = codec.issue(claims);
    codec.verify(token);
    const [h, b, sig] = token.split('.');
    const altered = `${h}.${b}.${sig.slice(0, -1)}${sig.endsWith('A') ? 'B' : 'A'}`;
    expect(() => codec.verify(altered)).toThrow(
      expect.objectContaining({ code: 'auth.token_invalid' }),
    );
  });

  it('hands out claims nobody can change for the next request', () => {
    const codec = new AccessTokenCodec('s'.repeat(40), 900, () => Date.UTC(2025, 0, 1));
    const { token } = codec.issue(claims);
    const first = codec.verify(token);
    expect(() => {
      (first as { pa: boolean }).pa = true;
    }).toThrow(TypeError);
    expect(codec.verify(token).pa).toBe(false);
  });
});
