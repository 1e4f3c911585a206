import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Param,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RequirePermission } from '../core/access/access.decorators';
import { etagOf, parseIfMatch } from '../core/idempotency/etag';
import { AwardsService } from './awards.service';
import { AwardBudget } from './budget/award-budget.service';
import { AcceptAwardDto, AwardListQuery, BudgetRevisionDto, ReasonDto } from './dto/award.dto';
import { whenReady } from '../core/http/pending-artefact';
import { AwardNoticeFiles, noticeFile } from './notice/award-notice-files';
import { FileResponse } from '../core/openapi/openapi.decorators';

/** The organization's side: its awards, acceptance, and budget revisions (If-Match). */
@ApiTags('awards')
@Controller('agencies/:agencyCode/organizations/:organizationId/awards')
export class OrganizationAwardsController {
  constructor(
    private readonly awards: AwardsService,
    private readonly budget: AwardBudget,
    private readonly files: AwardNoticeFiles,
  ) {}

  @Get()
  @RequirePermission('award.read')
  list(@Param('organizationId') organizationId: string, @Query() query: AwardListQuery) {
    return this.awards.list({ organizationId }, query);
  }

  @Get(':awardId')
  @RequirePermission('award.read')
  get(@Param('organizationId') organizationId: string, @Param('awardId') awardId: string) {
    return this.awards.get({ organizationId }, awardId);
  }

  @Get(':awardId/versions')
  @RequirePermission('award.read')
  versions(@Param('organizationId') organizationId: string, @Param('awardId') awardId: string) {
    return this.files.versions({ organizationId }, awardId);
  }

  @Get(':awardId/notice')
  @RequirePermission('award.read')
  @FileResponse(['application/pdf'], 'The award notice (PDF)', { pending: true })
  async notice(
    @Param('organizationId') organizationId: string,
    @Param('awardId') awardId: string,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    // 202 with Retry-After and Location while the notice job has not written the PDF.
    return whenReady(request, reply, async () =>
      noticeFile(await this.files.open({ organizationId }, awardId)),
    );
  }

  /** The authorized representative accepts: the award becomes active. */
  @Post(':awardId/accept')
  @HttpCode(200)
  @RequirePermission('award.accept')
  accept(
    @Param('organizationId') organizationId: string,
    @Param('awardId') awardId: string,
    @Body() dto: AcceptAwardDto,
  ) {
    return this.awards.accept(organizationId, awardId, { name: dto.name, title: dto.title });
  }

  @Post(':awardId/decline')
  @HttpCode(200)
  @RequirePermission('award.accept')
  decline(
    @Param('organizationId') organizationId: string,
    @Param('awardId') awardId: string,
    @Body() dto: ReasonDto,
  ) {
    return this.awards.decline(organizationId, awardId, dto.reason);
  }

  @Get(':awardId/budget')
  @RequirePermission('award.read')
  async getBudget(
    @Param('organizationId') organizationId: string,
    @Param('awardId') awardId: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const view = await this.budget.view({ organizationId }, awardId);
    void reply.header('etag', etagOf(view.budgetVersion));
    return view;
  }

  @Get(':awardId/budget/revisions')
  @RequirePermission('award.read')
  revisions(@Param('organizationId') organizationId: string, @Param('awardId') awardId: string) {
    return this.budget.revisions({ organizationId }, awardId);
  }

  /** Proposes the whole budget; within tolerance it applies at once. If-Match required. */
  @Post(':awardId/budget/revisions')
  @RequirePermission('budget.revise')
  async revise(
    @Param('organizationId') organizationId: string,
    @Param('awardId') awardId: string,
    @Body() dto: BudgetRevisionDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const result = await this.budget.propose(organizationId, awardId, dto, parseIfMatch(ifMatch));
    void reply.header('etag', etagOf(result.budget.budgetVersion));
    return result;
  }
}
