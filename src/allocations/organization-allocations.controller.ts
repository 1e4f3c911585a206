import { Controller, Get, Param } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '../core/access/access.decorators';
import { AllocationRuns } from './allocation-runs.service';

/** An applicant organization reads its own published (preliminary or final) allocations. */
@ApiTags('formula allocations')
@Controller('agencies/:agencyCode/organizations/:organizationId/allocations')
export class OrganizationAllocationsController {
  constructor(private readonly runs: AllocationRuns) {}

  @Get()
  @RequirePermission('decision.read')
  list(@Param('organizationId') organizationId: string) {
    return this.runs.forOrganization(organizationId);
  }
}
