import { Body, Controller, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '../core/access/access.decorators';
import { ReviewAssignments } from './assignments/review-assignments.service';
import {
  AssignReviewerDto,
  CaseListQuery,
  CloseDto,
  IntakeDto,
  MoveStageDto,
  RankingQuery,
  ReopenDto,
  UpdateReviewSettingsDto,
} from './dto/review.dto';
import { ReviewSettings } from './review-settings.service';
import { PanelRanking } from './scoring/panel-ranking.service';
import { ReviewScoring } from './scoring/review-scoring.service';
import { ReviewStages } from './stages/review-stages.service';

/** Program officers run a program's review: stages, panels, reopening, the ranked list. */
@ApiTags('review (program officers)')
@Controller('agencies/:agencyCode/programs/:programId/review')
export class ReviewManagementController {
  constructor(
    private readonly settings: ReviewSettings,
    private readonly stages: ReviewStages,
    private readonly assignments: ReviewAssignments,
    private readonly scoring: ReviewScoring,
    private readonly ranking: PanelRanking,
  ) {}

  @Get('settings')
  @RequirePermission('review.manage')
  getSettings(@Param('programId') programId: string) {
    return this.settings.view(programId);
  }

  @Put('settings')
  @RequirePermission('review.manage')
  putSettings(@Param('programId') programId: string, @Body() dto: UpdateReviewSettingsDto) {
    return this.settings.update(programId, dto);
  }

  /** Submitted applications enter eligibility screening (their status becomes under_review). */
  @Post('intake')
  @HttpCode(200)
  @RequirePermission('review.manage')
  intake(@Param('programId') programId: string, @Body() dto: IntakeDto) {
    return this.stages.intake(programId, dto.applicationIds);
  }

  @Post('stage')
  @HttpCode(200)
  @RequirePermission('review.manage')
  move(@Param('programId') programId: string, @Body() dto: MoveStageDto) {
    return this.stages.move(programId, dto.to, dto.applicationIds);
  }

  @Get('applications')
  @RequirePermission('review.manage')
  list(@Param('programId') programId: string, @Query() query: CaseListQuery) {
    return this.stages.list(programId, query.stage);
  }

  /** Fails eligibility screening: closed (denied) with a reason the applicant sees. */
  @Post('applications/:applicationId/close')
  @HttpCode(200)
  @RequirePermission('review.manage')
  close(
    @Param('programId') programId: string,
    @Param('applicationId') applicationId: string,
    @Body() dto: CloseDto,
  ) {
    return this.stages.close(programId, applicationId, dto.reason);
  }

  @Get('reviewers')
  @RequirePermission('review.manage')
  pool(@Param('programId') programId: string) {
    return this.assignments.poolView(programId);
  }

  /** Fills every application in merit review up to the program's reviewers per application. */
  @Post('assignments/auto')
  @HttpCode(200)
  @RequirePermission('review.manage')
  autoAssign(@Param('programId') programId: string) {
    return this.assignments.autoAssign(programId);
  }

  @Post('applications/:applicationId/assignments')
  @RequirePermission('review.manage')
  assign(
    @Param('programId') programId: string,
    @Param('applicationId') applicationId: string,
    @Body() dto: AssignReviewerDto,
  ) {
    return this.assignments.assign(programId, applicationId, dto.reviewerId);
  }

  @Post('reviews/:reviewId/reopen')
  @HttpCode(200)
  @RequirePermission('review.manage')
  reopen(
    @Param('programId') programId: string,
    @Param('reviewId') reviewId: string,
    @Body() dto: ReopenDto,
  ) {
    return this.scoring.reopen(programId, reviewId, dto.reason);
  }

  /** Aggregated, ranked and explained (method: the program's, or the one asked for). */
  @Get('ranking')
  @RequirePermission('review.manage')
  rank(@Param('programId') programId: string, @Query() query: RankingQuery) {
    return this.ranking.view(programId, query.method);
  }
}
