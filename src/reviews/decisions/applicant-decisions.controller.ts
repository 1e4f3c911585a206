import { Controller, Get, Param } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '../../core/access/access.decorators';
import { DecisionRelease } from './decision-release.service';

/** An applicant organization reads its own application's decision, once released. */
@ApiTags('funding decisions')
@Controller(
  'agencies/:agencyCode/organizations/:organizationId/applications/:applicationId/decision',
)
export class ApplicantDecisionsController {
  constructor(private readonly release: DecisionRelease) {}

  /** 404 `decision.not_found` before release (and for any other organization's application). */
  @Get()
  @RequirePermission('decision.read')
  get(
    @Param('organizationId') organizationId: string,
    @Param('applicationId') applicationId: string,
  ) {
    return this.release.forApplicant(organizationId, applicationId);
  }
}
