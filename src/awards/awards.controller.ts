import { Body, Controller, Get, HttpCode, Param, Post, Put, Query, Req, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RequirePermission } from '../core/access/access.decorators';
import { etagOf } from '../core/idempotency/etag';
import { Idempotent } from '../core/idempotency/idempotent-responses';
import { AwardAmendments } from './award-amendments.service';
import { AwardsService } from './awards.service';
import { AwardBudget } from './budget/award-budget.service';
import {
  AmendmentDto,
  AwardListQuery,
  CreateAwardDto,
  OptionalReasonDto,
  ProgramAwardTermsDto,
  ReasonDto,
} from './dto/award.dto';
import { whenReady } from '../core/http/pending-artefact';
import { AwardNoticeFiles, noticeFile } from './notice/award-notice-files';
import { ProgramAwardTermsService } from './program-award-terms.service';
import { FileResponse } from '../core/openapi/openapi.decorators';

/** Agency staff: making, amending and reading awards; approving budget revisions. */
@ApiTags('awards')
@Controller('agencies/:agencyCode/awards')
export class AwardsController {
  constructor(
    private readonly awards: AwardsService,
    private readonly amendments: AwardAmendments,
    private readonly budget: AwardBudget,
    private readonly files: AwardNoticeFiles,
  ) {}

  /** An award from a released decision or a final allocation. Requires an Idempotency-Key. */
  @Post()
  @RequirePermission('award.manage')
  @Idempotent()
  create(@Body() dto: CreateAwardDto) {
    return this.awards.createFromFunding(dto);
  }

  @Get()
  @RequirePermission('award.read')
  list(@Query() query: AwardListQuery) {
    return this.awards.list({}, query);
  }

  @Get(':awardId')
  @RequirePermission('award.read')
  get(@Param('awardId') awardId: string) {
    return this.awards.get({}, awardId);
  }

  @Get(':awardId/versions')
  @RequirePermission('award.read')
  versions(@Param('awardId') awardId: string) {
    return this.files.versions({}, awardId);
  }

  @Get(':awardId/notice')
  @RequirePermission('award.read')
  @FileResponse(['application/pdf'], 'The award notice (PDF)', { pending: true })
  async notice(
    @Param('awardId') awardId: string,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    // 202 with Retry-After and Location while the notice job has not written the PDF.
    return whenReady(request, reply, async () => noticeFile(await this.files.open({}, awardId)));
  }

  @Get(':awardId/budget')
  @RequirePermission('award.read')
  async getBudget(
    @Param('awardId') awardId: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const view = await this.budget.view({}, awardId);
    void reply.header('etag', etagOf(view.budgetVersion));
    return view;
  }

  @Get(':awardId/budget/revisions')
  @RequirePermission('award.read')
  revisions(@Param('awardId') awardId: string) {
    return this.budget.revisions({}, awardId);
  }

  @Post(':awardId/budget/revisions/:revisionId/approve')
  @HttpCode(200)
  @RequirePermission('budget.approve')
  approveRevision(
    @Param('awardId') awardId: string,
    @Param('revisionId') revisionId: string,
    @Body() dto: OptionalReasonDto,
  ) {
    return this.budget.decide(awardId, revisionId, 'approved', dto.reason);
  }

  @Post(':awardId/budget/revisions/:revisionId/reject')
  @HttpCode(200)
  @RequirePermission('budget.approve')
  rejectRevision(
    @Param('awardId') awardId: string,
    @Param('revisionId') revisionId: string,
    @Body() dto: ReasonDto,
  ) {
    return this.budget.decide(awardId, revisionId, 'rejected', dto.reason);
  }

  @Get(':awardId/amendments')
  @RequirePermission('award.read')
  listAmendments(@Param('awardId') awardId: string) {
    return this.amendments.list(awardId);
  }

  @Post(':awardId/amendments')
  @RequirePermission('award.manage')
  propose(@Param('awardId') awardId: string, @Body() dto: AmendmentDto) {
    return this.amendments.propose(awardId, dto);
  }

  /** A different person than the proposer approves; the award gets its next version. */
  @Post(':awardId/amendments/:amendmentId/approve')
  @HttpCode(200)
  @RequirePermission('award.manage')
  @Idempotent()
  approveAmendment(
    @Param('awardId') awardId: string,
    @Param('amendmentId') amendmentId: string,
    @Body() dto: OptionalReasonDto,
  ) {
    return this.amendments.approve(awardId, amendmentId, dto.reason);
  }

  @Post(':awardId/amendments/:amendmentId/reject')
  @HttpCode(200)
  @RequirePermission('award.manage')
  rejectAmendment(
    @Param('awardId') awardId: string,
    @Param('amendmentId') amendmentId: string,
    @Body() dto: ReasonDto,
  ) {
    return this.amendments.reject(awardId, amendmentId, dto.reason);
  }
}

/** A program's award terms (carryover). */
@ApiTags('awards')
@Controller('agencies/:agencyCode/programs/:programId/award-terms')
export class ProgramAwardTermsController {
  constructor(private readonly terms: ProgramAwardTermsService) {}

  @Get()
  @RequirePermission('award.read')
  get(@Param('programId') programId: string) {
    return this.terms.get(programId);
  }

  @Put()
  @RequirePermission('award.manage')
  put(@Param('programId') programId: string, @Body() dto: ProgramAwardTermsDto) {
    return this.terms.put(programId, {
      carryoverAllowed: dto.carryoverAllowed,
      carryoverCapPercent: dto.carryoverCapPercent ?? null,
    });
  }
}
