import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from './core/config/env';
import { CoreModule } from './core/core.module';
import { AuditModule } from './core/audit/audit.module';
import { AgenciesModule } from './agencies/agencies.module';
import { JobsModule } from './core/jobs/jobs.module';
import { NotificationsModule } from './notifications/notifications.module';
import { IdentityModule } from './identity/identity.module';
import { OrganizationsModule } from './organizations/organizations.module';
import { ProgramsModule } from './programs/programs.module';
import { ApplicationsModule } from './applications/applications.module';
import { ReviewsModule } from './reviews/reviews.module';
import { AllocationsModule } from './allocations/allocations.module';
import { AwardsModule } from './awards/awards.module';
import { PaymentsModule } from './payments/payments.module';
import { CloseoutModule } from './closeout/closeout.module';

/** The monolith: the kernel plus one module per business capability. */
@Module({})
export class AppModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.register(config),
        AuditModule,
        AgenciesModule,
        JobsModule,
        NotificationsModule,
        IdentityModule,
        ProgramsModule,
        OrganizationsModule,
        ApplicationsModule,
        ReviewsModule,
        AllocationsModule,
        AwardsModule,
        PaymentsModule,
        CloseoutModule,
      ],
    };
  }
}
