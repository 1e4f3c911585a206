import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import type { IdpAccount, IdpSetup } from './oidc-idp';
import { REPO_ROOT } from './test-app';
import { TsProcess } from './ts-process';

/** Kansas's two providers in the tests, both at one identity provider with a client each. */
export const STAFF_PROVIDER = {
  id: 'ksde-staff',
  displayName: 'KSDE Staff Login',
  clientId: 'ksde-grants-staff',
  secretEnv: 'KSDE_STAFF_SSO_SECRET',
  secret: 'staff-client-secret-for-tests-0123456789',
};
export const PUBLIC_PROVIDER = {
  id: 'ks-public',
  displayName: 'Kansas Citizen Account',
  clientId: 'ksde-grants-public',
  secretEnv: 'KS_PUBLIC_SSO_SECRET',
  secret: 'public-client-secret-for-tests-9876543210',
};

/** The app's environment for these providers: the secrets in the variables the YAML names. */
export const SSO_SECRETS_ENV = {
  [STAFF_PROVIDER.secretEnv]: STAFF_PROVIDER.secret,
  [PUBLIC_PROVIDER.secretEnv]: PUBLIC_PROVIDER.secret,
};

/** A free loopback port (the app's PUBLIC_APP_URL must be known before the provider starts). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface TestIdp {
  issuer: string;
  stop(): Promise<unknown>;
}

/** Starts oidc-provider (test/support/oidc-idp.ts) with Kansas's two clients and these accounts. */
export async function startTestIdp(
  appUrl: string,
  accounts: Record<string, IdpAccount>,
): Promise<TestIdp> {
  const callback = (providerId: string) => `${appUrl}/ks-ksde/sign-in/${providerId}/callback`;
  const setup: IdpSetup = {
    clients: [STAFF_PROVIDER, PUBLIC_PROVIDER].map((p) => ({
      client_id: p.clientId,
      client_secret: p.secret,
      redirect_uris: [callback(p.id)],
    })),
    accounts,
  };
  const child = new TsProcess('test/support/oidc-idp.ts', { OIDC_IDP: JSON.stringify(setup) });
  const line = await child.output(/OIDC provider at \S+/);
  return { issuer: line.slice('OIDC provider at '.length), stop: () => child.stop() };
}

/**
 * The shipped agency modules, with Kansas's `sso` section pointing at the test provider: a
 * staff provider for the agency's own domain and an applicants provider for anyone, whose word on
 * a second factor (amr) the agency trusts.
 */
export function ssoAgencyConfigDir(issuer: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'gc-agencies-sso-'));
  cpSync(join(REPO_ROOT, 'config', 'agencies'), dir, { recursive: true });
  const file = join(dir, 'ks-ksde.yaml');
  const ks = parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  ks.sso = {
    providers: [
      {
        id: STAFF_PROVIDER.id,
        displayName: STAFF_PROVIDER.displayName,
        issuer,
        clientId: STAFF_PROVIDER.clientId,
        clientSecretEnv: STAFF_PROVIDER.secretEnv,
        audience: 'staff',
        allowedEmailDomains: ['ksde.org'],
      },
      {
        id: PUBLIC_PROVIDER.id,
        displayName: PUBLIC_PROVIDER.displayName,
        issuer,
        clientId: PUBLIC_PROVIDER.clientId,
        clientSecretEnv: PUBLIC_PROVIDER.secretEnv,
        audience: 'applicants',
        trustAmr: true,
      },
    ],
  };
  writeFileSync(file, stringify(ks));
  return dir;
}

/**
 * A person at the identity provider, without a browser: follows its redirects with its cookies,
 * signs in as `login` on its development login page, and returns the URL the provider sends
 * the browser back to (the app's callback, with code and state).
 */
export async function throughIdp(authorizationUrl: string, login: string): Promise<string> {
  const idp = new URL(authorizationUrl).origin;
  const jar = new Map<string, string>();
  const remember = (res: Response) => {
    for (const cookie of res.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const at = pair.indexOf('=');
      jar.set(pair.slice(0, at), pair.slice(at + 1));
    }
  };
  const cookies = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  let url = authorizationUrl;
  let body: URLSearchParams | undefined;
  for (let hop = 0; hop < 10; hop++) {
    const res = await fetch(url, {
      method: body ? 'POST' : 'GET',
      headers: {
        cookie: cookies(),
        ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      body,
      redirect: 'manual',
    });
    remember(res);
    body = undefined;
    const location = res.headers.get('location');
    if (location) {
      const next = new URL(location, url).href;
      if (!next.startsWith(idp)) return next;
      url = next;
      continue;
    }
    const html = await res.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(html);
    if (res.status !== 200 || !action) {
      throw new Error(`the provider answered ${res.status}: ${html.slice(0, 500)}`);
    }
    url = new URL(action[1], url).href;
    body = new URLSearchParams({ prompt: 'login', login, password: 'any' });
  }
  throw new Error('the provider never sent the browser back');
}
