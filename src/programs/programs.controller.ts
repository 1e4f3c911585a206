import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Param,
  Patch,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public, RequirePermission } from '../core/access/access.decorators';
import { etagOf, parseIfMatch } from '../core/idempotency/etag';
import { CreateProgramDto, ProgramListQuery, UpdateProgramDto } from './dto/program.dto';
import { ProgramCatalog } from './program-catalog';
import { ProgramFormVersions } from './program-form-versions.service';
import { ProgramLifecycle } from './program-lifecycle.service';
import { ProgramsService } from './programs.service';
import { ProgramView } from './program.view';

const withEtag = (reply: FastifyReply, view: ProgramView): ProgramView => {
  void reply.header('etag', etagOf(view.version));
  return view;
};

@ApiTags('programs')
@Controller('agencies/:agencyCode/programs')
export class ProgramsController {
  constructor(
    private readonly programs: ProgramsService,
    private readonly lifecycle: ProgramLifecycle,
    private readonly catalog: ProgramCatalog,
    private readonly formVersions: ProgramFormVersions,
  ) {}

  /** Published programs of the agency: anyone may look, no login. */
  @Get('published')
  @Public()
  listPublished(@Query() query: ProgramListQuery) {
    return this.catalog.listPublished(query);
  }

  @Get('published/:programId')
  @Public()
  getPublished(@Param('programId') programId: string) {
    return this.catalog.getPublished(programId);
  }

  @Post()
  @RequirePermission('program.manage')
  async create(@Body() dto: CreateProgramDto, @Res({ passthrough: true }) reply: FastifyReply) {
    return withEtag(reply, await this.programs.create(dto));
  }

  @Get()
  @RequirePermission('program.read')
  list(@Query() query: ProgramListQuery) {
    return this.programs.list(query);
  }

  @Get(':programId')
  @RequirePermission('program.read')
  async get(
    @Param('programId') programId: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return withEtag(reply, await this.programs.get(programId));
  }

  /** Edit with If-Match (the ETag you read); a published form change makes a new form version. */
  @Patch(':programId')
  @RequirePermission('program.manage')
  async update(
    @Param('programId') programId: string,
    @Body() dto: UpdateProgramDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return withEtag(reply, await this.programs.update(programId, dto, parseIfMatch(ifMatch)));
  }

  @Post(':programId/publish')
  @HttpCode(200)
  @RequirePermission('program.manage')
  async publish(
    @Param('programId') programId: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return withEtag(reply, await this.lifecycle.publish(programId));
  }

  @Post(':programId/close')
  @HttpCode(200)
  @RequirePermission('program.manage')
  async close(
    @Param('programId') programId: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return withEtag(reply, await this.lifecycle.close(programId));
  }

  @Post(':programId/archive')
  @HttpCode(200)
  @RequirePermission('program.manage')
  async archive(
    @Param('programId') programId: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return withEtag(reply, await this.lifecycle.archive(programId));
  }

  @Get(':programId/form-versions')
  @RequirePermission('program.read')
  async formVersionList(@Param('programId') programId: string) {
    await this.programs.find(programId);
    return { items: await this.formVersions.list(programId) };
  }

  @Get(':programId/form-versions/:version')
  @RequirePermission('program.read')
  async formVersion(@Param('programId') programId: string, @Param('version') version: string) {
    await this.programs.find(programId);
    return {
      version: Number(version),
      definition: await this.catalog.form(programId, Number(version) || 0),
    };
  }
}
