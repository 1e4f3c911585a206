import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Param,
  Post,
  Put,
  Res,
  StreamableFile,
} from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { RequirePermission } from '../core/access/access.decorators';
import { etagOf, parseIfMatch } from '../core/idempotency/etag';
import { ReviewAssignments } from './assignments/review-assignments.service';
import { DeclarationDto, SaveScoresDto } from './dto/review.dto';
import { ReviewScoring } from './scoring/review-scoring.service';
import { FileResponse } from '../core/openapi/openapi.decorators';

/**
 * A reviewer's own work: their assignments, the conflict declaration that must come first, the
 * application's content, scoring and submission, and (after submitting) the panel's scores.
 */
@ApiTags('review (reviewers)')
@Controller('agencies/:agencyCode/reviews/assignments')
export class ReviewerController {
  constructor(
    private readonly assignments: ReviewAssignments,
    private readonly scoring: ReviewScoring,
  ) {}

  @Get()
  @RequirePermission('review.score')
  list() {
    return this.assignments.listMine();
  }

  @Post(':assignmentId/declaration')
  @HttpCode(200)
  @RequirePermission('review.score')
  declare(@Param('assignmentId') assignmentId: string, @Body() dto: DeclarationDto) {
    return this.assignments.declare(assignmentId, dto);
  }

  /** 409 `review.declaration_required` until declared; 403 `review.recused` after a conflict. */
  @Get(':assignmentId/application')
  @RequirePermission('review.score')
  content(@Param('assignmentId') assignmentId: string) {
    return this.scoring.content(assignmentId);
  }

  /**
   * A file of the submitted application, granted through the assignment (a reviewer holds no
   * `application.read`): after declaring no conflict, never when recused or not assigned.
   */
  @Get(':assignmentId/attachments/:attachmentId')
  @RequirePermission('review.score')
  @FileResponse(['*/*'], 'The attachment, in its own media type')
  async attachment(
    @Param('assignmentId') assignmentId: string,
    @Param('attachmentId') attachmentId: string,
  ) {
    const file = await this.scoring.attachment(assignmentId, attachmentId);
    return new StreamableFile(file.stream, {
      type: file.contentType,
      length: file.sizeBytes,
      disposition: file.disposition,
    });
  }

  @Get(':assignmentId/review')
  @RequirePermission('review.score')
  async get(
    @Param('assignmentId') assignmentId: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const view = await this.scoring.get(assignmentId);
    void reply.header('etag', etagOf(view.version));
    return view;
  }

  /** Saves some criteria; answers with the running weighted total. If-Match honoured when sent. */
  @Put(':assignmentId/review')
  @RequirePermission('review.score')
  async save(
    @Param('assignmentId') assignmentId: string,
    @Body() dto: SaveScoresDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const view = await this.scoring.save(assignmentId, dto.scores, parseIfMatch(ifMatch));
    void reply.header('etag', etagOf(view.version));
    return view;
  }

  @Post(':assignmentId/review/submit')
  @HttpCode(200)
  @RequirePermission('review.score')
  submit(@Param('assignmentId') assignmentId: string) {
    return this.scoring.submit(assignmentId);
  }

  /** Other reviewers' scores: 409 `review.own_review_not_submitted` until yours is submitted. */
  @Get(':assignmentId/panel')
  @RequirePermission('review.score')
  panel(@Param('assignmentId') assignmentId: string) {
    return this.scoring.panel(assignmentId);
  }
}
