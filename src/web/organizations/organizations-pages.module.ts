import { ApplicationsModule } from '../../applications/applications.module';
import { Module } from '@nestjs/common';
import { OrganizationsModule } from '../../organizations/organizations.module';
import { PaymentsModule } from '../../payments/payments.module';
import { ProgramsModule } from '../../programs/programs.module';
import { MembersController } from './members.controller';
import { OverviewController } from './overview.controller';
import { PayeeController } from './payee.controller';
import { RegistrationController } from './registration.controller';

/** The district's organization: registration, members and roles, payee details, document library. */
@Module({
  imports: [OrganizationsModule, PaymentsModule, ApplicationsModule, ProgramsModule],
  // RegistrationController first: its static `new` route is declared before `:organizationId`.
  controllers: [RegistrationController, OverviewController, MembersController, PayeeController],
  providers: [],
})
export class OrganizationPagesModule {}
