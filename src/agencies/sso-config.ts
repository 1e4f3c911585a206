import { Static, Type } from '@sinclair/typebox';
import { defaulted, fields, list, oneOf, text } from './config-schema';

/**
 * An agency's single sign-on (OpenID Connect) providers, the `sso` section of its YAML: staff
 * through the agency's own identity provider (Entra ID, Okta, a state IdP), the public through
 * Login.gov or a state citizen account. The client secret never appears in the file: only the
 * name of the environment variable that holds it.
 */

export const SSO_AUDIENCES = ['staff', 'applicants', 'both'] as const;
export type SsoAudience = (typeof SSO_AUDIENCES)[number];

/** ID token signature algorithms a provider may be pinned to (never `none`, never HMAC). */
export const ID_TOKEN_ALGORITHMS = ['RS256', 'PS256', 'ES256', 'RS384', 'ES384', 'EdDSA'] as const;

const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

export const SsoProviderShape = fields({
  id: text(/^[a-z][a-z0-9-]{0,39}$/, 'lowercase letters, digits and hyphens, like "ksde-staff"', {
    description: 'Unique within the agency; part of the sign-in and callback URLs.',
  }),
  displayName: text(undefined, undefined, {
    description: 'Shown on the sign-in button ("Sign in with <displayName>").',
  }),
  enabled: defaulted(
    Type.Boolean({ description: 'false: kept in the file but not offered (no secret needed).' }),
    true,
  ),
  issuer: text(/^https?:\/\/[^\s]+$/, 'an http(s) URL (https in production)', {
    description: 'The issuer URL; discovery reads <issuer>/.well-known/openid-configuration.',
  }),
  clientId: text(),
  clientSecretEnv: text(
    /^[A-Z][A-Z0-9_]*$/,
    'an environment variable name like "KSDE_SSO_SECRET"',
    {
      description:
        'The NAME of the environment variable holding the client secret, never the secret.',
    },
  ),
  scopes: defaulted(
    Type.Array(text(/^[\x21\x23-\x5B\x5D-\x7E]+$/, 'an OAuth scope'), {
      uniqueItems: true,
      contains: Type.Literal('openid'),
      errorMessage: 'must be a list of scopes that includes "openid"',
    }),
    ['openid', 'email', 'profile'],
  ),
  emailClaim: defaulted(
    text(undefined, undefined, { description: 'The ID token or userinfo claim with the email.' }),
    'email',
  ),
  requireVerifiedEmail: defaulted(
    Type.Boolean({
      description:
        'true: the email_verified claim must be true. false: the provider is trusted for its emails, allowed only with allowedEmailDomains.',
    }),
    true,
  ),
  allowedEmailDomains: defaulted(
    list(text(DOMAIN, 'a lowercase domain like "ksde.org"'), {
      description: 'Only emails at these domains (exactly, no subdomains) may sign in; empty: any.',
    }),
    [],
  ),
  audience: oneOf(SSO_AUDIENCES, {
    description:
      'staff: never creates accounts or roles, only invited staff enter; applicants: may create an account just in time; both.',
  }),
  trustAmr: defaulted(
    Type.Boolean({
      description:
        "true: an ID token whose amr says 'mfa' (or whose acr is one of mfaAcrValues) counts as a second factor.",
    }),
    false,
  ),
  mfaAcrValues: defaulted(
    list(text(), { description: 'acr values that mean multi-factor (with trustAmr).' }),
    [],
  ),
  idTokenSigningAlg: defaulted(
    oneOf(ID_TOKEN_ALGORITHMS, {
      description: 'The one algorithm ID tokens must be signed with; discovery must advertise it.',
    }),
    'RS256',
  ),
});

export type SsoProviderConfig = Static<typeof SsoProviderShape>;

export const SsoShape = fields(
  {
    providers: defaulted(list(SsoProviderShape, {}), []),
  },
  { description: 'Sign-in through the agency\u2019s OpenID Connect providers.' },
);

export const SSO_DEFAULT: Static<typeof SsoShape> = { providers: [] };

/**
 * What the schema cannot say: ids unique within the agency, and an email the provider does not
 * vouch for (requireVerifiedEmail: false) trusted only inside domains the agency names.
 */
export function ssoProblems(sso: Static<typeof SsoShape> | undefined): [string, string][] {
  const problems: [string, string][] = [];
  const seen = new Set<string>();
  (sso?.providers ?? []).forEach((provider, index) => {
    const at = `sso.providers[${index}]`;
    if (seen.has(provider.id)) problems.push([`${at}.id`, `repeats "${provider.id}"`]);
    seen.add(provider.id);
    if (provider.requireVerifiedEmail === false && provider.allowedEmailDomains.length === 0) {
      problems.push([
        `${at}.allowedEmailDomains`,
        'must name the agency\u2019s domains when requireVerifiedEmail is false',
      ]);
    }
  });
  return problems;
}
