import type { TestApp } from '../support/test-app';
import { freshTotpCode, rememberTotpSecret, totpSecretOf, type TestUser } from './identity';

type Headers = Record<string, string | string[] | number | undefined>;

/** The name=value of each cookie a response sets (cleared ones left out). */
const setCookies = (headers: Headers): string[] => {
  const raw = headers['set-cookie'];
  const lines = Array.isArray(raw) ? raw : raw !== undefined ? [String(raw)] : [];
  return lines.map((l) => l.split(';')[0]).filter((c) => !c.endsWith('='));
};

const formTokenOf = (html: string): string => /name="_csrf" value="([^"]+)"/.exec(html)![1];

/**
 * Signs in through the pages as a browser would, without a browser: the form token, the
 * password form and, for a person whose role needs a second factor, the code page or the
 * enrolment page (the secret read from the page, codes computed from it). Returns the cookies
 * (CSRF secret and session) and a form token for later POSTs.
 */
export async function signInByPage(
  t: TestApp,
  user: TestUser,
): Promise<{ cookie: string; token: string }> {
  const form = await t.request({ method: 'GET', url: '/sign-in' });
  const csrfCookie = setCookies(form.headers).join('; ');
  const token = formTokenOf(form.body);
  const post = (url: string, cookie: string, fields: Record<string, string>) =>
    t.request({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
      payload: new URLSearchParams({ _csrf: token, ...fields }).toString(),
    });
  const signedIn = await post('/sign-in', csrfCookie, {
    email: user.email,
    password: user.password,
  });
  if (signedIn.status !== 303) throw new Error(`sign-in page: ${signedIn.status}`);
  let session = setCookies(signedIn.headers).find((c) => c.startsWith('gc_session='));
  const location = String(signedIn.headers.location ?? '');
  if (!session && /^\/sign-in\/(code|enrol)/.test(location)) {
    const challenge = setCookies(signedIn.headers).find((c) => c.startsWith('gc_mfa='))!;
    const cookie = `${csrfCookie}; ${challenge}`;
    const path = location.split('?')[0];
    if (path === '/sign-in/enrol') {
      const page = await t.request({ method: 'GET', url: location, headers: { cookie } });
      const secret = /data-testid="totp-secret">([A-Z2-7]+)</.exec(page.body)![1];
      rememberTotpSecret(user.email, secret);
    } else if (!totpSecretOf(user.email)) {
      throw new Error(`${user.email} has a second factor this test does not know`);
    }
    const done = await post(location, cookie, { code: freshTotpCode(user.email) });
    session = setCookies(done.headers).find((c) => c.startsWith('gc_session='));
  }
  if (!session) throw new Error(`no session cookie for ${user.email}`);
  return { cookie: `${csrfCookie}; ${session}`, token };
}
