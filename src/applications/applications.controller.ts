import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Param,
  Patch,
  Post,
  Put,
  Query,
  Req,
  Res,
  StreamableFile,
} from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type {} from '@fastify/multipart';
import { RequirePermission } from '../core/access/access.decorators';
import { SendsEmail } from '../core/http/rate-limits';
import { etagOf, parseIfMatch } from '../core/idempotency/etag';
import { Idempotent } from '../core/idempotency/idempotent-responses';
import { ApplicationsService } from './applications.service';
import { AttachmentMissingError } from './applications.errors';
import { ApplicationAttachments } from './attachments/application-attachments.service';
import { contentDisposition } from './attachments/content-sniffer';
import { ApplicationBudget } from './budget/application-budget.service';
import {
  ApplicationListQuery,
  BudgetDto,
  CopyBudgetDto,
  DiffQuery,
  StartApplicationDto,
  SubmitDto,
  UpdateApplicationDto,
  UploadQuery,
  WithdrawDto,
} from './dto/application.dto';
import { ApplicationSubmissions } from './submission/application-submission.service';
import { ApplicationVersions } from './submission/application-versions.service';
import { FileResponse, MultipartFileBody } from '../core/openapi/openapi.decorators';

const etag = (reply: FastifyReply, version: number) => void reply.header('etag', etagOf(version));

/**
 * The applicant's side, always under the organization: organization roles count only here.
 * Edits carry If-Match; submission carries an Idempotency-Key.
 */
@ApiTags('applications')
@Controller('agencies/:agencyCode/organizations/:organizationId/applications')
export class ApplicationsController {
  constructor(
    private readonly applications: ApplicationsService,
    private readonly budget: ApplicationBudget,
    private readonly attachments: ApplicationAttachments,
    private readonly submissions: ApplicationSubmissions,
    private readonly versions: ApplicationVersions,
  ) {}

  @Post()
  @RequirePermission('application.edit')
  async start(
    @Param('organizationId') organizationId: string,
    @Body() dto: StartApplicationDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const detail = await this.applications.start(organizationId, dto);
    etag(reply, detail.version);
    return detail;
  }

  @Get()
  @RequirePermission('application.read')
  list(@Param('organizationId') organizationId: string, @Query() query: ApplicationListQuery) {
    return this.applications.listForOrganization(organizationId, query);
  }

  @Get(':applicationId')
  @RequirePermission('application.read')
  async get(
    @Param('organizationId') organizationId: string,
    @Param('applicationId') applicationId: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const detail = await this.applications.detail({ organizationId }, applicationId);
    etag(reply, detail.version);
    return detail;
  }

  /** Saves answers, project title and amount requested. If-Match required (428 without, 412 stale). */
  @Patch(':applicationId')
  @RequirePermission('application.edit')
  async update(
    @Param('organizationId') organizationId: string,
    @Param('applicationId') applicationId: string,
    @Body() dto: UpdateApplicationDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const view = await this.applications.update(
      { organizationId },
      applicationId,
      dto,
      parseIfMatch(ifMatch),
    );
    etag(reply, view.version);
    return view;
  }

  @Get(':applicationId/budget')
  @RequirePermission('application.read')
  async getBudget(
    @Param('organizationId') organizationId: string,
    @Param('applicationId') applicationId: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const detail = await this.applications.detail({ organizationId }, applicationId);
    etag(reply, detail.version);
    return detail.budget;
  }

  /** Replaces the budget lines (and optionally the amount requested) as one edit. */
  @Put(':applicationId/budget')
  @RequirePermission('application.edit')
  async putBudget(
    @Param('organizationId') organizationId: string,
    @Param('applicationId') applicationId: string,
    @Body() dto: BudgetDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { application, budget } = await this.budget.replace(
      { organizationId },
      applicationId,
      dto,
      parseIfMatch(ifMatch),
    );
    etag(reply, application.version);
    return budget;
  }

  /** Copies lines from the organization's earlier application to the same program (or Assistance Listing). */
  @Post(':applicationId/budget/copy')
  @HttpCode(200)
  @RequirePermission('application.edit')
  async copyBudget(
    @Param('organizationId') organizationId: string,
    @Param('applicationId') applicationId: string,
    @Body() dto: CopyBudgetDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const result = await this.budget.copyFrom(
      { organizationId },
      applicationId,
      dto.sourceApplicationId,
      dto.mode ?? 'replace',
      parseIfMatch(ifMatch),
    );
    etag(reply, result.application.version);
    return { budget: result.budget, copied: result.copied, skipped: result.skipped };
  }

  @Get(':applicationId/attachments')
  @RequirePermission('application.read')
  async listAttachments(
    @Param('organizationId') organizationId: string,
    @Param('applicationId') applicationId: string,
  ) {
    const detail = await this.applications.detail({ organizationId }, applicationId);
    return { items: detail.attachments };
  }

  /** multipart/form-data with one file part; streamed, type checked by content, size-limited. */
  @Post(':applicationId/attachments')
  @MultipartFileBody(
    "The file: one part named `file`; its type is checked by content against the agency's list",
  )
  @RequirePermission('application.edit')
  async upload(
    @Param('organizationId') organizationId: string,
    @Param('applicationId') applicationId: string,
    @Query() query: UploadQuery,
    @Req() request: FastifyRequest,
  ) {
    if (!request.isMultipart()) throw new AttachmentMissingError();
    const part = await request.file({
      limits: { fileSize: this.attachments.maxBytes() + 1, files: 1 },
    });
    if (!part) throw new AttachmentMissingError();
    return this.attachments.upload({ organizationId }, applicationId, {
      filename: part.filename,
      content: part.file,
      requirementKey: query.requirementKey,
    });
  }

  @Get(':applicationId/attachments/:attachmentId')
  @RequirePermission('application.read')
  @FileResponse(['*/*'], 'The attachment, in its own media type')
  async download(
    @Param('organizationId') organizationId: string,
    @Param('applicationId') applicationId: string,
    @Param('attachmentId') attachmentId: string,
  ) {
    const file = await this.attachments.download({ organizationId }, applicationId, attachmentId);
    return new StreamableFile(file.stream, {
      type: file.contentType,
      length: file.sizeBytes,
      disposition: contentDisposition(file.filename),
    });
  }

  @Delete(':applicationId/attachments/:attachmentId')
  @HttpCode(204)
  @RequirePermission('application.edit')
  async removeAttachment(
    @Param('organizationId') organizationId: string,
    @Param('applicationId') applicationId: string,
    @Param('attachmentId') attachmentId: string,
  ): Promise<void> {
    await this.attachments.remove({ organizationId }, applicationId, attachmentId);
  }

  /** Certify and submit (authorized representative). Requires an Idempotency-Key. */
  @Post(':applicationId/submit')
  @SendsEmail()
  @RequirePermission('application.submit')
  @Idempotent()
  submit(
    @Param('organizationId') organizationId: string,
    @Param('applicationId') applicationId: string,
    @Body() dto: SubmitDto,
  ) {
    return this.submissions.submit(organizationId, applicationId, dto.certification);
  }

  @Post(':applicationId/withdraw')
  @HttpCode(200)
  @RequirePermission('application.withdraw')
  withdraw(
    @Param('organizationId') organizationId: string,
    @Param('applicationId') applicationId: string,
    @Body() dto: WithdrawDto,
  ) {
    return this.submissions.withdraw(organizationId, applicationId, dto.reason);
  }

  @Get(':applicationId/versions')
  @RequirePermission('application.read')
  listVersions(
    @Param('organizationId') organizationId: string,
    @Param('applicationId') applicationId: string,
  ) {
    return this.versions.list({ organizationId }, applicationId);
  }

  @Get(':applicationId/versions/:number')
  @RequirePermission('application.read')
  getVersion(
    @Param('organizationId') organizationId: string,
    @Param('applicationId') applicationId: string,
    @Param('number') number: string,
  ) {
    return this.versions.get({ organizationId }, applicationId, Number(number));
  }

  @Get(':applicationId/diff')
  @RequirePermission('application.read')
  diff(
    @Param('organizationId') organizationId: string,
    @Param('applicationId') applicationId: string,
    @Query() query: DiffQuery,
  ) {
    return this.versions.diff(
      { organizationId },
      applicationId,
      Number(query.from),
      Number(query.to),
    );
  }
}
