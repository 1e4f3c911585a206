import type { AgencyDirectory } from '../../agencies/agency-directory';
import type { AppConfig } from '../../core/config/env';
import { SsoProviders } from './sso-providers';

const provider = (id: string, overrides: Record<string, unknown> = {}) => ({
  id,
  displayName: id,
  enabled: true,
  issuer: 'https://idp.ksde.example',
  clientId: 'grants',
  clientSecretEnv: `${id.toUpperCase().replace(/-/g, '_')}_SECRET`,
  audience: 'staff',
  ...overrides,
});

function providersOf(nodeEnv: AppConfig['nodeEnv'], secrets: Record<string, string>) {
  const ks = {
    sso: {
      providers: [
        provider('ksde-staff'),
        provider('old-idp', { enabled: false }),
        provider('ks-public', { issuer: 'http://idp.ks.example' }),
      ],
    },
  };
  const directory = {
    list: () => [{ agencyId: 'a1', code: 'ks-ksde' }],
    configOf: () => ks,
    findByCode: (code: string) => (code === 'ks-ksde' ? { agencyId: 'a1' } : undefined),
  } as unknown as AgencyDirectory;
  const config = {
    nodeEnv,
    publicAppUrl: 'https://grants.example',
    namedSecret: (name: string) => secrets[name],
  } as AppConfig;
  return new SsoProviders(config, directory);
}

describe('the agencies’ providers at start', () => {
  it('stops a production start that lacks a secret or uses plain http, naming each', () => {
    const providers = providersOf('production', { KSDE_STAFF_SECRET: 's' });
    expect(() => providers.onApplicationBootstrap()).toThrow(
      [
        'Single sign-on is misconfigured:',
        '  - ks-ksde: sso.providers[2] (ks-public): the environment variable KS_PUBLIC_SECRET (its client secret) is not set',
        '  - ks-ksde: sso.providers[2] (ks-public): issuer must be an https URL in production',
      ].join('\n'),
    );
  });

  it('outside production leaves a provider without its secret out, and never a disabled one in', () => {
    const providers = providersOf('development', { KSDE_STAFF_SECRET: 's', OLD_IDP_SECRET: 's' });
    providers.onApplicationBootstrap();
    expect(providers.summariesForCode('ks-ksde').map((p) => p.id)).toEqual(['ksde-staff']);
    expect(providers.redirectUri('ks-ksde', 'ksde-staff')).toBe(
      'https://grants.example/ks-ksde/sign-in/ksde-staff/callback',
    );
  });
});
