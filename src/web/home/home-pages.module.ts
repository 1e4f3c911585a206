import { Module } from '@nestjs/common';
import { ApplicationsModule } from '../../applications/applications.module';
import { AwardsModule } from '../../awards/awards.module';
import { OrganizationsModule } from '../../organizations/organizations.module';
import { PaymentsModule } from '../../payments/payments.module';
import { ProgramsModule } from '../../programs/programs.module';
import { HomeController } from './home.controller';
import { HomeOverview } from './home-overview';

/** One front door across agencies: the signed-in person's tasks, applications and awards in every agency. */
@Module({
  imports: [ApplicationsModule, AwardsModule, PaymentsModule, OrganizationsModule, ProgramsModule],
  controllers: [HomeController],
  providers: [HomeOverview],
})
export class HomePagesModule {}
