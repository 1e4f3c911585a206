import { createServer, IncomingMessage, ServerResponse } from 'node:http';

/**
 * A real OpenID Connect provider for the tests: the `oidc-provider` package on a loopback port,
 * in a child process of its own (TsProcess), because oidc-provider 9 is ESM-only and Jest's
 * CommonJS sandbox cannot load it (swc leaves this file's `import()` native: ignoreDynamic).
 * Its configuration comes as JSON in OIDC_IDP (clients, accounts by login name); it prints
 * "OIDC provider at <issuer>" when ready. The development interaction pages sign in any login
 * name the accounts list knows (no password is checked: this is the IdP's side, not ours).
 */
export interface IdpAccount {
  email?: string;
  email_verified?: boolean;
  name?: string;
  /** How the provider says the person authenticated (RFC 8176), e.g. ["pwd", "mfa"]. */
  amr?: string[];
}
export interface IdpSetup {
  clients: Array<{ client_id: string; client_secret: string; redirect_uris: string[] }>;
  accounts: Record<string, IdpAccount>;
}

interface ProviderLike {
  callback(): (req: IncomingMessage, res: ServerResponse) => void;
  interactionFinished(
    req: IncomingMessage,
    res: ServerResponse,
    result: object,
    options: object,
  ): Promise<void>;
}

/**
 * The development login form's answer, finished here instead of by oidc-provider's own page
 * handler so that the account's `amr` reaches the ID token (the development handler sets none).
 */
async function finishLogin(
  provider: ProviderLike,
  accounts: Record<string, IdpAccount>,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  let body = '';
  for await (const chunk of req) body += String(chunk);
  const login = new URLSearchParams(body).get('login') ?? '';
  const amr = accounts[login]?.amr;
  await provider.interactionFinished(
    req,
    res,
    { login: { accountId: login, ...(amr ? { amr } : {}) } },
    { mergeWithLastSubmission: false },
  );
}

async function main(): Promise<void> {
  const setup = JSON.parse(process.env.OIDC_IDP ?? '{}') as IdpSetup;
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  const issuer = `http://127.0.0.1:${port}`;
  // By a name in a variable: the package ships no types, and the tests need only this much.
  const packageName = 'oidc-provider';
  const { default: Provider } = (await import(packageName)) as {
    default: new (issuer: string, config: unknown) => ProviderLike;
  };
  const provider = new Provider(issuer, {
    clients: setup.clients.map((client) => ({
      ...client,
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    })),
    // amr and auth_time supported, so an ID token has them when the client's claims request asks.
    claims: {
      amr: null,
      auth_time: null,
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name'],
    },
    // The ID token carries the claims itself (we read no userinfo).
    conformIdTokenClaims: false,
    findAccount: (_ctx: unknown, id: string) => {
      const account = setup.accounts[id];
      if (!account) return undefined;
      const { amr: _amr, ...claims } = account;
      return { accountId: id, claims: () => ({ sub: id, ...claims }) };
    },
    // Consent is the IdP's business: grant what the client asked for.
    loadExistingGrant: async (ctx: {
      oidc: {
        client: { clientId: string };
        session: { accountId: string };
        params: { scope: string };
        provider: { Grant: new (init: object) => GrantLike };
      };
    }) => {
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client.clientId,
        accountId: ctx.oidc.session.accountId,
      });
      grant.addOIDCScope(ctx.oidc.params.scope);
      grant.addOIDCClaims(['email', 'email_verified', 'name']);
      await grant.save();
      return grant;
    },
    pkce: { required: () => true },
    features: { devInteractions: { enabled: true }, claimsParameter: { enabled: true } },
    cookies: { keys: ['grant-commons-test-idp'] },
  });
  const handle = provider.callback();
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (req.method === 'POST' && /^\/interaction\/[^/?]+(\/login)?$/.test(req.url ?? '')) {
      finishLogin(provider, setup.accounts, req, res).catch((error: unknown) => {
        res.statusCode = 500;
        res.end(String(error));
      });
      return;
    }
    handle(req, res);
  });
  process.stdout.write(`OIDC provider at ${issuer}\n`);
}

interface GrantLike {
  addOIDCScope(scope: string): void;
  addOIDCClaims(claims: string[]): void;
  save(): Promise<string>;
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
