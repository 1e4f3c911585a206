import { DynamicModule, Module, Type } from '@nestjs/common';
import { RouterModule } from '@nestjs/core';
import { AppConfig } from './core/config/env';
import { CoreModule } from './core/core.module';
import { AuditModule } from './core/audit/audit.module';
import { AgenciesModule } from './agencies/agencies.module';
import { JobsModule } from './core/jobs/jobs.module';
import { MetricsModule } from './core/metrics/metrics.module';
import { UsageModule } from './core/usage/usage.module';
import { NotificationsModule } from './notifications/notifications.module';
import { IdentityModule } from './identity/identity.module';
import { OrganizationsModule } from './organizations/organizations.module';
import { OrganizationDocumentsModule } from './organizations/documents/documents.module';
import { ProgramsModule } from './programs/programs.module';
import { ApplicationsModule } from './applications/applications.module';
import { ReviewsModule } from './reviews/reviews.module';
import { AllocationsModule } from './allocations/allocations.module';
import { AwardsModule } from './awards/awards.module';
import { PaymentsModule } from './payments/payments.module';
import { CloseoutModule } from './closeout/closeout.module';
import { WebModule } from './web/web.module';
import { WebhooksModule } from './webhooks/webhooks.module';
import { CommonGrantsModule } from './common-grants/common-grants.module';

/** The modules whose controllers are the JSON API, served under /api/v1. */
const API_MODULES: Type[] = [
  AuditModule,
  AgenciesModule,
  JobsModule,
  UsageModule,
  NotificationsModule,
  IdentityModule,
  ProgramsModule,
  OrganizationsModule,
  ApplicationsModule,
  OrganizationDocumentsModule,
  ReviewsModule,
  AllocationsModule,
  AwardsModule,
  PaymentsModule,
  CloseoutModule,
  WebhooksModule,
  CommonGrantsModule,
];

/** Where the API modules are mounted (also read by scripts/openapi, which builds in preview). */
export const API_ROUTES = API_MODULES.map((module) => ({ path: 'api/v1', module }));

/**
 * The monolith: the kernel plus one module per business capability, and the web pages. The API
 * prefix is given per module (RouterModule) rather than globally, so the pages and the health
 * probes are served at the root without a list of exclusions.
 */
@Module({})
export class AppModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.register(config),
        MetricsModule,
        ...API_MODULES,
        RouterModule.register(API_ROUTES),
        WebModule,
      ],
    };
  }
}
