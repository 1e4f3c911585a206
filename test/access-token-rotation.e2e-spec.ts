import { AccessTokenCodec, keyIdOf } from '../src/identity/auth/access-token';
import { createUser, login } from './factories/identity';
import { useTestApp } from './support/use-test-app';

const OLD_SECRET = 'old-secret-old-secret-old-secret-0123456789';
const NEW_SECRET = 'new-secret-new-secret-new-secret-0123456789';

/** A server in the middle of a key rotation: AUTH_TOKEN_SECRET new, the old one PREVIOUS. */
describe('access tokens during a key rotation', () => {
  const t = useTestApp({
    env: {
      AUTH_TOKEN_SECRET: NEW_SECRET,
      AUTH_TOKEN_SECRET_PREVIOUS: OLD_SECRET,
    },
  });
  const me = (token: string) => t.request({ method: 'GET', url: '/api/v1/me', token });
  const headerOf = (token: string) =>
    JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString()) as Record<string, unknown>;

  /** A token for the user's live session, as the server before the rotation signed it. */
  async function signedBefore(secret: string) {
    const user = await createUser(t);
    const tokens = await login(t, user.email, user.password);
    const claims = JSON.parse(
      Buffer.from(tokens.accessToken.split('.')[1], 'base64url').toString(),
    ) as { sub: string; sid: string; email: string };
    const codec = new AccessTokenCodec({ secret, issuer: t.config.publicAppUrl, ttlSeconds: 900 });
    const { token } = await codec.issue({ ...claims, pa: false });
    return { tokens, token, user };
  }

  it('signs new tokens with the new key, and still accepts tokens the old key signed', async () => {
    const { tokens, token, user } = await signedBefore(OLD_SECRET);
    expect(headerOf(tokens.accessToken)).toEqual({
      alg: 'HS256',
      typ: 'at+jwt',
      kid: keyIdOf(NEW_SECRET),
    });
    expect(headerOf(token).kid).toBe(keyIdOf(OLD_SECRET));
    const res = await me(token);
    expect(res.status).toBe(200);
    expect(res.json().user).toMatchObject({ id: user.id, email: user.email });
  });

  it('refuses a token signed by a key it does not know', async () => {
    const { token } = await signedBefore('retired-secret-retired-secret-0123456789');
    expect((await me(token)).json().code).toBe('auth.token_invalid');
  });

  it('still ends an old-key token with its session (revocation stays in the database)', async () => {
    const { tokens, token } = await signedBefore(OLD_SECRET);
    expect((await me(token)).status).toBe(200); // now remembered as verified
    const logout = await t.request({
      method: 'POST',
      url: '/api/v1/auth/logout',
      payload: { refreshToken: tokens.refreshToken },
    });
    expect(logout.status).toBe(204);
    expect((await me(token)).json().code).toBe('auth.session_ended');
  });
});
