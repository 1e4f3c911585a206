import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { validateAgencyConfig } from './agency-config.validation';

const shipped = () =>
  parse(readFileSync(join(__dirname, '..', '..', 'config', 'agencies', 'ks-ksde.yaml'), 'utf8'));

const provider = (overrides: Record<string, unknown> = {}) => ({
  id: 'ksde-staff',
  displayName: 'KSDE staff',
  issuer: 'https://idp.ksde.example',
  clientId: 'grants',
  clientSecretEnv: 'KSDE_STAFF_SSO_SECRET',
  audience: 'staff',
  ...overrides,
});

function check(providers: unknown[]) {
  const config = shipped();
  config.sso = { providers };
  return validateAgencyConfig(config, 'config/agencies/ks-ksde.yaml', 'ks-ksde');
}

describe('an agency’s single sign-on providers (YAML)', () => {
  it('fills in the defaults', () => {
    const { config, problems } = check([provider()]);
    expect(problems).toEqual([]);
    expect(config!.sso.providers[0]).toMatchObject({
      enabled: true,
      scopes: ['openid', 'email', 'profile'],
      emailClaim: 'email',
      requireVerifiedEmail: true,
      allowedEmailDomains: [],
      trustAmr: false,
      idTokenSigningAlg: 'RS256',
    });
  });

  it('is empty when the file says nothing', () => {
    const config = shipped();
    delete config.sso;
    expect(validateAgencyConfig(config, 'ks-ksde.yaml', 'ks-ksde').config!.sso).toEqual({
      providers: [],
    });
  });

  it('names each problem by file and field', () => {
    const at = 'config/agencies/ks-ksde.yaml: sso.providers';
    expect(
      check([
        provider({ clientSecretEnv: 'hunter2-the-secret-itself', audience: 'everyone' }),
        provider({ id: 'b', scopes: ['email'], idTokenSigningAlg: 'HS256', issuer: 'ldap://x' }),
      ]).problems,
    ).toEqual(
      expect.arrayContaining([
        `${at}[0].clientSecretEnv: must be an environment variable name like "KSDE_SSO_SECRET"`,
        `${at}[0].audience: must be one of staff, applicants, both`,
        `${at}[1].scopes: must be a list of scopes that includes "openid"`,
        `${at}[1].idTokenSigningAlg: must be one of RS256, PS256, ES256, RS384, ES384, EdDSA`,
        `${at}[1].issuer: must be an http(s) URL (https in production)`,
      ]),
    );
  });

  it('refuses two providers with one id, and unverified emails without the agency’s domains', () => {
    expect(
      check([provider(), provider({ requireVerifiedEmail: false, displayName: 'Other' })]).problems,
    ).toEqual([
      'config/agencies/ks-ksde.yaml: sso.providers[1].id: repeats "ksde-staff"',
      'config/agencies/ks-ksde.yaml: sso.providers[1].allowedEmailDomains: must name the agency’s domains when requireVerifiedEmail is false',
    ]);
  });
});
