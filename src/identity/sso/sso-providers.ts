import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
// openid-client 5 (CommonJS), not 6: version 6 is ESM-only, and Jest's CommonJS sandbox, where
// the integration tests boot this app, cannot require it. 5.x is maintained for security fixes
// and does the same checks: discovery, JWKS with rotation, PKCE, state, nonce, ID token
// issuer/audience/expiry/signature with the algorithm pinned per client.
import { BaseClient, custom, Issuer } from 'openid-client';
import { AgencyDirectory } from '../../agencies/agency-directory';
import type { SsoProviderConfig } from '../../agencies/sso-config';
import { APP_CONFIG } from '../../core/config/config.module';
import { AppConfig } from '../../core/config/env';
import { SsoProviderUnavailableError } from './sso.errors';

/** Calls to a provider (discovery, JWKS, token endpoint) give up after this long. */
const PROVIDER_TIMEOUT_MS = 5000;
custom.setHttpOptionsDefaults({ timeout: PROVIDER_TIMEOUT_MS });

/** What the sign-in page shows of a provider. */
export interface SsoProviderSummary {
  id: string;
  displayName: string;
}

/**
 * The agencies' OpenID Connect providers (the `sso` section of each YAML) and their clients.
 * At start, every enabled provider's client secret must be in its environment variable in
 * production (a clear startup error names the agency, the provider and the variable); outside
 * production such a provider is left out with a warning. Discovery happens at the first
 * sign-in, not at start, so an identity provider that is down does not stop the service;
 * a failed discovery is retried at the next sign-in.
 */
@Injectable()
export class SsoProviders implements OnApplicationBootstrap {
  private readonly logger = new Logger('SingleSignOn');
  private readonly clients = new Map<string, Promise<BaseClient>>();
  private readonly unusable = new Set<string>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly agencies: AgencyDirectory,
  ) {}

  onApplicationBootstrap(): void {
    const problems: string[] = [];
    const production = this.config.nodeEnv === 'production';
    for (const agency of this.agencies.list()) {
      const providers = this.agencies.configOf(agency.agencyId).sso.providers;
      providers.forEach((provider, index) => {
        if (!provider.enabled) return;
        const at = `${agency.code}: sso.providers[${index}] (${provider.id})`;
        const secret = this.config.namedSecret(provider.clientSecretEnv);
        if (!secret) {
          const message = `${at}: the environment variable ${provider.clientSecretEnv} (its client secret) is not set`;
          if (production) problems.push(message);
          else this.logger.warn(`${message}; the provider is not offered`);
          this.unusable.add(key(agency.agencyId, provider.id));
        }
        if (production && !provider.issuer.startsWith('https://')) {
          problems.push(`${at}: issuer must be an https URL in production`);
        }
      });
    }
    if (problems.length > 0) {
      throw new Error(`Single sign-on is misconfigured:\n  - ${problems.join('\n  - ')}`);
    }
  }

  /** The agency's providers that can be used now (enabled, secret present). */
  offeredBy(agencyId: string): SsoProviderConfig[] {
    return this.agencies
      .configOf(agencyId)
      .sso.providers.filter((p) => p.enabled && !this.unusable.has(key(agencyId, p.id)));
  }

  summariesFor(agencyId: string): SsoProviderSummary[] {
    return this.offeredBy(agencyId).map((p) => ({ id: p.id, displayName: p.displayName }));
  }

  /** The agency's offered providers by its code (none for an unknown agency). */
  summariesForCode(agencyCode: string): SsoProviderSummary[] {
    const agency = this.agencies.findByCode(agencyCode);
    return agency ? this.summariesFor(agency.agencyId) : [];
  }

  find(agencyId: string, providerId: string): SsoProviderConfig | undefined {
    return this.offeredBy(agencyId).find((p) => p.id === providerId);
  }

  /** The display name of a provider, enabled or not (the account page names old links). */
  displayNameOf(agencyId: string, providerId: string): string {
    const config = this.agencies.findById(agencyId) && this.agencies.configOf(agencyId);
    return config?.sso.providers.find((p) => p.id === providerId)?.displayName ?? providerId;
  }

  /** Where the provider sends the browser back: fixed per provider, registered with it. */
  redirectUri(agencyCode: string, providerId: string): string {
    return `${this.config.publicAppUrl}/${agencyCode}/sign-in/${providerId}/callback`;
  }

  /** The provider's client, after discovery (cached; a failure is not). */
  client(agencyId: string, provider: SsoProviderConfig): Promise<BaseClient> {
    const cacheKey = key(agencyId, provider.id);
    let client = this.clients.get(cacheKey);
    if (!client) {
      client = this.discover(provider).catch((error: unknown) => {
        this.clients.delete(cacheKey);
        this.logger.warn({ provider: provider.id, err: error }, 'provider discovery failed');
        throw new SsoProviderUnavailableError();
      });
      this.clients.set(cacheKey, client);
    }
    return client;
  }

  private async discover(provider: SsoProviderConfig): Promise<BaseClient> {
    const issuer = await Issuer.discover(provider.issuer);
    // The document must be the issuer's own (a mix-up or a typo in the YAML stops here).
    if (trimSlash(String(issuer.metadata.issuer)) !== trimSlash(provider.issuer)) {
      throw new Error(`discovery names issuer ${String(issuer.metadata.issuer)}`);
    }
    const algorithms = issuer.metadata.id_token_signing_alg_values_supported;
    if (Array.isArray(algorithms) && !algorithms.includes(provider.idTokenSigningAlg)) {
      throw new Error(`the provider does not sign ID tokens with ${provider.idTokenSigningAlg}`);
    }
    return new issuer.Client({
      client_id: provider.clientId,
      client_secret: this.config.namedSecret(provider.clientSecretEnv),
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      // Pinned: an ID token signed with any other algorithm (none, HS256 with the secret) fails.
      id_token_signed_response_alg: provider.idTokenSigningAlg,
    });
  }
}

const key = (agencyId: string, providerId: string) => `${agencyId}/${providerId}`;
const trimSlash = (url: string) => url.replace(/\/+$/, '');
