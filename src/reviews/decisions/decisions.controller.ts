import { Body, Controller, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '../../core/access/access.decorators';
import { DecideDto } from '../dto/decision.dto';
import { DecisionRelease } from './decision-release.service';
import { FundingDecisions } from './funding-decisions.service';

/** Program officers decide funding: recommendation, overrides with justification, release. */
@ApiTags('funding decisions')
@Controller('agencies/:agencyCode/programs/:programId/decisions')
export class DecisionsController {
  constructor(
    private readonly decisions: FundingDecisions,
    private readonly release: DecisionRelease,
  ) {}

  @Get()
  @RequirePermission('decision.read')
  list(@Param('programId') programId: string) {
    return this.decisions.list(programId);
  }

  /** Funds down the ranked list of applications in the final decision stage. */
  @Post('recommend')
  @HttpCode(200)
  @RequirePermission('decision.manage')
  recommend(@Param('programId') programId: string) {
    return this.decisions.recommend(programId);
  }

  @Put(':applicationId')
  @RequirePermission('decision.manage')
  decide(
    @Param('programId') programId: string,
    @Param('applicationId') applicationId: string,
    @Body() dto: DecideDto,
  ) {
    return this.decisions.decide(programId, applicationId, dto);
  }

  /** Releases every decision of the program to applicants at once, and notifies them. */
  @Post('release')
  @HttpCode(200)
  @RequirePermission('decision.manage')
  releaseAll(@Param('programId') programId: string) {
    return this.release.release(programId);
  }
}
