import { Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { resolve } from 'node:path';
import { APP_CONFIG } from '../core/config/config.module';
import { AppConfig } from '../core/config/env';
import { AgenciesModule } from '../agencies/agencies.module';
import { HTTP_EXTENSION } from '../core/http/http-extension';
import { AccountsPagesModule } from './accounts/accounts-pages.module';
import { ApplicationPagesModule } from './applications/applications-pages.module';
import { AwardPagesModule } from './awards/awards-pages.module';
import { DocumentPagesModule } from './documents/documents-pages.module';
import { FundingPagesModule } from './funding/funding-pages.module';
import { HomePagesModule } from './home/home-pages.module';
import { OrganizationPagesModule } from './organizations/organizations-pages.module';
import { UsagePagesModule } from './usage/usage-pages.module';
import { AgencyBrands } from './agency-brands';
import { AssetServer } from './assets/asset-server';
import { ErrorPages } from './errors/error-pages';
import { PageContexts } from './page-contexts';
import { FormTokens } from './session/form-tokens';
import { PortalController } from './portal/portal.controller';
import { MfaChallengeCookie } from './security/mfa-challenge-cookie';
import { SecurityPagesModule } from './security/security-pages.module';
import { FinancePagesModule } from './finance/finance-pages.module';
import { WebServer } from './web-server';

/**
 * The web pages: server-rendered HTML (Preact components rendered to strings, USWDS), one
 * portal per agency at /{agencyCode}. Pages call the domain modules' services, own no tables
 * and hold no rules. Global only to hand the kernel its HTTP_EXTENSION (error pages, plugins).
 */
@Global()
@Module({
  imports: [
    DiscoveryModule,
    AgenciesModule,
    // Each area of pages is a module of its own (its controllers, its strings in messages.ts).
    AccountsPagesModule,
    FundingPagesModule,
    OrganizationPagesModule,
    ApplicationPagesModule,
    AwardPagesModule,
    HomePagesModule,
    DocumentPagesModule,
    SecurityPagesModule,
    FinancePagesModule,
    UsagePagesModule,
  ],
  controllers: [PortalController],
  providers: [
    { provide: AssetServer, useFactory: () => new AssetServer(resolve('public')) },
    {
      provide: FormTokens,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) =>
        new FormTokens(config.nodeEnv === 'production' || config.publicAppUrl.startsWith('https:')),
    },
    {
      provide: MfaChallengeCookie,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) =>
        new MfaChallengeCookie(
          config.nodeEnv === 'production' || config.publicAppUrl.startsWith('https:'),
        ),
    },
    AgencyBrands,
    PageContexts,
    ErrorPages,
    WebServer,
    { provide: HTTP_EXTENSION, useExisting: WebServer },
  ],
  exports: [HTTP_EXTENSION, PageContexts, AgencyBrands, FormTokens, MfaChallengeCookie],
})
export class WebModule {}
