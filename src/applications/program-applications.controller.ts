import {
  Body,
  Controller,
  Get,
  HttpCode,
  Logger,
  Param,
  Post,
  Query,
  Res,
  StreamableFile,
} from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { PassThrough } from 'node:stream';
import { RequirePermission } from '../core/access/access.decorators';
import {
  RecheckedTransaction,
  RecheckedTransactions,
} from '../core/context/rechecked-transactions';
import { etagOf } from '../core/idempotency/etag';
import { ApplicationLists } from './application-lists.service';
import { ApplicationsService } from './applications.service';
import { ApplicationAttachments } from './attachments/application-attachments.service';
import { contentDisposition } from './attachments/content-sniffer';
import { ApplicationListQuery, DiffQuery, ReturnDto } from './dto/application.dto';
import { ApplicationSubmissions } from './submission/application-submission.service';
import { ApplicationVersions } from './submission/application-versions.service';
import { FileResponse } from '../core/openapi/openapi.decorators';

/** Program officers' side: every application to a program, lists, export, return for revision. */
@ApiTags('applications (agency staff)')
@Controller('agencies/:agencyCode/programs/:programId/applications')
export class ProgramApplicationsController {
  private readonly logger = new Logger('ApplicationExport');

  constructor(
    private readonly lists: ApplicationLists,
    private readonly applications: ApplicationsService,
    private readonly attachments: ApplicationAttachments,
    private readonly submissions: ApplicationSubmissions,
    private readonly versions: ApplicationVersions,
    private readonly rechecked: RecheckedTransactions,
  ) {}

  @Get()
  @RequirePermission('application.read')
  list(@Param('programId') programId: string, @Query() query: ApplicationListQuery) {
    return this.lists.listForProgram(programId, query);
  }

  /**
   * CSV of the filtered list, streamed. The request's own transaction checks access and the
   * filters and ends when this handler returns; the pages are then read each in a short
   * transaction of its own (access checked again) and written as the client reads
   * (backpressure): memory stays flat whatever the size, and a slow client holds no transaction.
   */
  @Get('export.csv')
  @RequirePermission('application.export')
  @FileResponse(['text/csv'], 'The filtered applications as CSV, streamed')
  async export(
    @Param('programId') programId: string,
    @Query() query: ApplicationListQuery,
    @Res() reply: FastifyReply,
  ) {
    const { filename } = await this.lists.prepareExport(programId, query);
    const inTransaction = this.rechecked.forRequest(
      'application.export',
      reply.request.params as Record<string, string>,
    );
    const out = new PassThrough();
    void reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', contentDisposition(filename))
      .header('cache-control', 'no-store')
      .send(out);
    void this.stream(programId, query, out, inTransaction);
  }

  private async stream(
    programId: string,
    query: ApplicationListQuery,
    out: PassThrough,
    inTransaction: RecheckedTransaction,
  ): Promise<void> {
    try {
      await this.lists.exportCsv(
        programId,
        query,
        async (chunk) => {
          if (out.destroyed) throw new Error('the client went away');
          if (!out.write(chunk)) await drainedOrClosed(out);
        },
        inTransaction,
      );
      out.end();
    } catch (error) {
      // The status line is already sent: cut the stream so the client sees it incomplete.
      this.logger.error({ err: error, programId }, 'application export failed mid-stream');
      out.destroy(error as Error);
    }
  }

  @Get(':applicationId')
  @RequirePermission('application.read')
  async get(
    @Param('programId') programId: string,
    @Param('applicationId') applicationId: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const detail = await this.applications.detail({ programId }, applicationId);
    void reply.header('etag', etagOf(detail.version));
    return detail;
  }

  /** Returns a submission for revision with comments; the applicant resubmits a new version. */
  @Post(':applicationId/return')
  @HttpCode(200)
  @RequirePermission('application.return')
  returnForRevision(
    @Param('programId') programId: string,
    @Param('applicationId') applicationId: string,
    @Body() dto: ReturnDto,
  ) {
    return this.submissions.return(programId, applicationId, dto);
  }

  @Get(':applicationId/versions')
  @RequirePermission('application.read')
  listVersions(
    @Param('programId') programId: string,
    @Param('applicationId') applicationId: string,
  ) {
    return this.versions.list({ programId }, applicationId);
  }

  @Get(':applicationId/versions/:number')
  @RequirePermission('application.read')
  getVersion(
    @Param('programId') programId: string,
    @Param('applicationId') applicationId: string,
    @Param('number') number: string,
  ) {
    return this.versions.get({ programId }, applicationId, Number(number));
  }

  @Get(':applicationId/diff')
  @RequirePermission('application.read')
  diff(
    @Param('programId') programId: string,
    @Param('applicationId') applicationId: string,
    @Query() query: DiffQuery,
  ) {
    return this.versions.diff({ programId }, applicationId, Number(query.from), Number(query.to));
  }

  @Get(':applicationId/attachments/:attachmentId')
  @RequirePermission('application.read')
  @FileResponse(['*/*'], 'The attachment, in its own media type')
  async download(
    @Param('programId') programId: string,
    @Param('applicationId') applicationId: string,
    @Param('attachmentId') attachmentId: string,
  ) {
    const file = await this.attachments.download({ programId }, applicationId, attachmentId);
    return new StreamableFile(file.stream, {
      type: file.contentType,
      length: file.sizeBytes,
      disposition: contentDisposition(file.filename),
    });
  }
}

/** Resolves when the stream can take more, or is closed (the next write then stops the export). */
function drainedOrClosed(out: PassThrough): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      out.off('drain', done);
      out.off('close', done);
      resolve();
    };
    out.on('drain', done);
    out.on('close', done);
  });
}
