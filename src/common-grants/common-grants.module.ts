import { Module } from '@nestjs/common';
import { ClockModule } from '../core/clock/clock.module';
import { ProgramsModule } from '../programs/programs.module';
import {
  AgencyOpportunitiesController,
  DeploymentOpportunitiesController,
} from './common-grants.controller';
import { CommonGrantsOpportunities } from './common-grants.service';

/**
 * CommonGrants, the open protocol for grant data (HHS, @common-grants/core): published
 * programs as opportunities, per agency and across the deployment. Read-only, public.
 */
@Module({
  imports: [ClockModule, ProgramsModule],
  controllers: [AgencyOpportunitiesController, DeploymentOpportunitiesController],
  providers: [CommonGrantsOpportunities],
})
export class CommonGrantsModule {}
