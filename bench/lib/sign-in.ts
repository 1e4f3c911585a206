import { totpCodeAt } from '../../src/identity/mfa/totp';

/** POSTs JSON to the API and gives back the status and the parsed body. */
export type PostJson = (
  url: string,
  body: Record<string, unknown>,
) => Promise<{ status: number; body: unknown }>;

/** TOTP secrets of bench staff enrolled by this process (finance officers, agency admins). */
const secrets = new Map<string, { secret: string; step: number }>();

/** A code for a time step not used yet (each code is accepted once), within the drift window. */
function nextCode(email: string): string {
  const entry = secrets.get(email)!;
  const now = Math.floor(Date.now() / 30_000);
  entry.step = Math.max(now - 1, entry.step + 1);
  return totpCodeAt(entry.secret, entry.step * 30_000);
}

/**
 * Signs a bench user in through the API. Roles the agency protects with a second factor enrol
 * at their first sign-in (as a person would), with a secret this process keeps for later codes;
 * a person enrolled by an earlier process cannot sign in here (reseed the bench database).
 */
export async function benchSignIn(
  post: PostJson,
  email: string,
  password: string,
): Promise<string> {
  const first = await post('/api/v1/auth/login', { email, password });
  const body = first.body as { accessToken?: string; code?: string; challengeToken?: string };
  if (first.status === 200 && body.accessToken) return body.accessToken;
  const challengeToken = body.challengeToken ?? '';
  if (body.code === 'auth.mfa_enrolment_required') {
    const started = await post('/api/v1/auth/mfa/enrolment', { challengeToken });
    const secret = (started.body as { secret?: string }).secret;
    if (!secret) throw new Error(`enrolment of ${email}: ${started.status}`);
    secrets.set(email, { secret, step: 0 });
  } else if (body.code !== 'auth.mfa_required' || !secrets.has(email)) {
    throw new Error(`login ${email}: ${first.status} ${JSON.stringify(body)}`);
  }
  const url =
    body.code === 'auth.mfa_required'
      ? '/api/v1/auth/mfa/verify'
      : '/api/v1/auth/mfa/enrolment/confirm';
  const done = await post(url, { challengeToken, code: nextCode(email) });
  const tokens = done.body as { accessToken?: string };
  if (done.status !== 200 || !tokens.accessToken)
    throw new Error(`second factor of ${email}: ${done.status} ${JSON.stringify(done.body)}`);
  return tokens.accessToken;
}
