import { Module } from '@nestjs/common';
import { ClockModule } from '../core/clock/clock.module';
import { OrganizationDirectory } from './organization-directory';
import { OrganizationMembersService } from './organization-members.service';
import { OrganizationsController } from './organizations.controller';
import { OrganizationsService } from './organizations.service';

/** Applicant organizations and their members. Public surface: OrganizationDirectory. */
@Module({
  imports: [ClockModule],
  controllers: [OrganizationsController],
  providers: [OrganizationsService, OrganizationMembersService, OrganizationDirectory],
  exports: [OrganizationDirectory],
})
export class OrganizationsModule {}
