import { createHmac } from 'node:crypto';
import { generateKeyPair, SignJWT } from 'jose';
import {
  ACCESS_TOKEN_AUDIENCE,
  AccessTokenCodec,
  AccessTokenSettings,
  keyIdOf,
} from './access-token';

const SECRET = 's'.repeat(40);
const ISSUER = 'https://grants.example.org';
const claims = { sub: 'user-1', sid: 'session-1', email: 'a@example.org', pa: false };
const settings: AccessTokenSettings = { secret: SECRET, issuer: ISSUER, ttlSeconds: 900 };
const invalid = expect.objectContaining({ code: 'auth.token_invalid' });
const expired = expect.objectContaining({ code: 'auth.token_expired' });

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A token written by hand, so each test can get exactly one thing wrong. */
function handMade(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  secret = SECRET,
): string {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

describe('AccessTokenCodec', () => {
  let now = Date.UTC(2025, 0, 1);
  const codec = new AccessTokenCodec(settings, () => now);
  const iat = () => Math.floor(now / 1000);
  const good = () => ({
    ...claims,
    iss: ISSUER,
    aud: ACCESS_TOKEN_AUDIENCE,
    iat: iat(),
    exp: iat() + 900,
  });
  const header = { alg: 'HS256', typ: 'at+jwt', kid: keyIdOf(SECRET) };

  afterEach(() => {
    now = Date.UTC(2025, 0, 1);
  });

  it('round-trips the claims as a JWT with kid, issuer and audience', async () => {
    const { token, expiresAt } = await codec.issue(claims);
    await expect(codec.verify(token)).resolves.toEqual({ ...claims, iat: iat(), exp: iat() + 900 });
    expect(expiresAt.getTime()).toBe(now + 900_000);
    const [h, p] = token
      .split('.')
      .slice(0, 2)
      .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()));
    expect(h).toEqual(header);
    expect(p).toMatchObject({ iss: ISSUER, aud: ACCESS_TOKEN_AUDIENCE, sub: 'user-1' });
  });

  it('accepts a hand-made token with everything right (the control for the tests below)', async () => {
    await expect(codec.verify(handMade(header, good()))).resolves.toMatchObject(claims);
  });

  it('refuses a token for another issuer or another audience', async () => {
    await expect(
      codec.verify(handMade(header, { ...good(), iss: 'https://evil.example' })),
    ).rejects.toEqual(invalid);
    await expect(codec.verify(handMade(header, { ...good(), iss: undefined }))).rejects.toEqual(
      invalid,
    );
    await expect(codec.verify(handMade(header, { ...good(), aud: 'another-api' }))).rejects.toEqual(
      invalid,
    );
    const other = new AccessTokenCodec({ ...settings, issuer: 'https://other.example' }, () => now);
    await expect(codec.verify((await other.issue(claims)).token)).rejects.toEqual(invalid);
  });

  it('refuses alg none and any algorithm but HS256', async () => {
    const unsigned = `${b64({ ...header, alg: 'none' })}.${b64(good())}.`;
    await expect(codec.verify(unsigned)).rejects.toEqual(invalid);
    const hs512 = `${b64({ ...header, alg: 'HS512' })}.${b64(good())}`;
    const sig = createHmac('sha512', SECRET).update(hs512).digest('base64url');
    await expect(codec.verify(`${hs512}.${sig}`)).rejects.toEqual(invalid);
    const hs384 = await new SignJWT(good())
      .setProtectedHeader({ ...header, alg: 'HS384' })
      .sign(Buffer.from(SECRET));
    await expect(codec.verify(hs384)).rejects.toEqual(invalid);
    const { privateKey } = await generateKeyPair('RS256');
    const rs256 = await new SignJWT(good())
      .setProtectedHeader({ ...header, alg: 'RS256' })
      .sign(privateKey);
    await expect(codec.verify(rs256)).rejects.toEqual(invalid);
  });

  it('refuses a token signed with another secret, or whose payload was altered', async () => {
    const other = new AccessTokenCodec({ ...settings, secret: 't'.repeat(40) }, () => now);
    await expect(codec.verify((await other.issue(claims)).token)).rejects.toEqual(invalid);
    // Same kid, wrong key: the signature decides.
    await expect(codec.verify(handMade(header, good(), 't'.repeat(40)))).rejects.toEqual(invalid);

    const [h, , s] = (await codec.issue(claims)).token.split('.');
    const forged = b64({ ...good(), pa: true, exp: 9e9 });
    await expect(codec.verify(`${h}.${forged}.${s}`)).rejects.toEqual(invalid);
  });

  it('refuses garbage, a missing or unknown kid, another token type and missing claims', async () => {
    await expect(codec.verify('not-a-token')).rejects.toEqual(invalid);
    await expect(codec.verify(handMade({ alg: 'HS256', typ: 'at+jwt' }, good()))).rejects.toEqual(
      invalid,
    );
    await expect(codec.verify(handMade({ ...header, kid: 'retired-key' }, good()))).rejects.toEqual(
      invalid,
    );
    await expect(codec.verify(handMade({ ...header, typ: 'JWT' }, good()))).rejects.toEqual(
      invalid,
    );
    await expect(codec.verify(handMade(header, { ...good(), sid: undefined }))).rejects.toEqual(
      invalid,
    );
    await expect(codec.verify(handMade(header, { ...good(), exp: undefined }))).rejects.toEqual(
      invalid,
    );
  });

  it('refuses an expired token with its own code', async () => {
    const { token } = await codec.issue(claims);
    now += 900_000;
    await expect(codec.verify(token)).rejects.toEqual(expired);
    await expect(codec.verify(handMade(header, { ...good(), exp: iat() - 1 }))).rejects.toEqual(
      expired,
    );
  });
});

describe('AccessTokenCodec: key rotation', () => {
  const now = Date.UTC(2025, 0, 1);
  const oldSecret = 'o'.repeat(40);
  const before = new AccessTokenCodec({ ...settings, secret: oldSecret }, () => now);
  const after = new AccessTokenCodec({ ...settings, previousSecret: oldSecret }, () => now);

  it('still accepts tokens the previous secret signed, and signs new ones with the current', async () => {
    const { token } = await before.issue(claims);
    await expect(after.verify(token)).resolves.toMatchObject(claims);
    const fresh = (await after.issue(claims)).token;
    expect(JSON.parse(Buffer.from(fresh.split('.')[0], 'base64url').toString()).kid).toBe(
      keyIdOf(SECRET),
    );
    await expect(before.verify(fresh)).rejects.toEqual(invalid);
  });

  it('refuses them once the previous secret is dropped', async () => {
    const { token } = await before.issue(claims);
    const later = new AccessTokenCodec(settings, () => now);
    await expect(later.verify(token)).rejects.toEqual(invalid);
  });

  it('refuses a previous-key token once it expires', async () => {
    let clock = now;
    const rotated = new AccessTokenCodec({ ...settings, previousSecret: oldSecret }, () => clock);
    const { token } = await before.issue(claims);
    await expect(rotated.verify(token)).resolves.toMatchObject(claims);
    clock += 900_000;
    await expect(rotated.verify(token)).rejects.toEqual(expired);
  });
});

describe('AccessTokenCodec: verified tokens are remembered', () => {
  it('still refuses a remembered token once it expires', async () => {
    let now = Date.UTC(2025, 0, 1);
    const codec = new AccessTokenCodec(settings, () => now);
    const { token } = await codec.issue(claims);
    expect((await codec.verify(token)).sub).toBe('user-1');
    expect((await codec.verify(token)).sub).toBe('user-1'); // from memory
    now += 900_000;
    await expect(codec.verify(token)).rejects.toEqual(expired);
  });

  it('does not let a token that differs in its signature borrow a remembered verdict', async () => {
    const now = Date.UTC(2025, 0, 1);
    const codec = new AccessTokenCodec(settings, () => now);
    const { token } = await codec.issue(claims);
    await codec.verify(token);
    const [h, b, sig] = token.split('.');
    const altered = `${h}.${b}.${sig.slice(0, -1)}${sig.endsWith('A') ? 'B' : 'A'}`;
    await expect(codec.verify(altered)).rejects.toEqual(invalid);
  });

  it('hands out claims nobody can change for the next request', async () => {
    const codec = new AccessTokenCodec(settings, () => Date.UTC(2025, 0, 1));
    const { token } = await codec.issue(claims);
    const first = await codec.verify(token);
    expect(() => {
      (first as { pa: boolean }).pa = true;
    }).toThrow(TypeError);
    expect((await codec.verify(token)).pa).toBe(false);
  });
});
