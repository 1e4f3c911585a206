import { Module } from '@nestjs/common';
import { ClockModule } from '../core/clock/clock.module';
import { OrganizationDirectory } from './organization-directory';
import { OrganizationMembersService } from './organization-members.service';
import { OrganizationsController } from './organizations.controller';
import { OrganizationsService } from './organizations.service';

/**
 * Applicant organizations and their members. Public surface: OrganizationDirectory; the web
 * pages register, show and manage members through the services the API controller uses.
 */
@Module({
  imports: [ClockModule],
  controllers: [OrganizationsController],
  providers: [OrganizationsService, OrganizationMembersService, OrganizationDirectory],
  exports: [OrganizationDirectory, OrganizationsService, OrganizationMembersService],
})
export class OrganizationsModule {}
