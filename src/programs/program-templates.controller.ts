import { Body, Controller, Get, Param, Post, Query, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { RequirePermission } from '../core/access/access.decorators';
import { etagOf } from '../core/idempotency/etag';
import { CloneTemplateDto, ProgramListQuery } from './dto/program.dto';
import { ProgramTemplates, templateView } from './program-templates.service';
import { ProgramsService } from './programs.service';

/** Shareable programs of all agencies, and cloning one into this agency as a draft. */
@ApiTags('program templates')
@Controller('agencies/:agencyCode/program-templates')
export class ProgramTemplatesController {
  constructor(
    private readonly templates: ProgramTemplates,
    private readonly programs: ProgramsService,
  ) {}

  @Get()
  @RequirePermission('program.template.read')
  list(@Query() query: ProgramListQuery) {
    return this.templates.list(query);
  }

  @Get(':templateId')
  @RequirePermission('program.template.read')
  async get(@Param('templateId') templateId: string) {
    return templateView(await this.templates.get(templateId));
  }

  @Post(':templateId/clone')
  @RequirePermission('program.manage')
  async clone(
    @Param('templateId') templateId: string,
    @Body() dto: CloneTemplateDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { programId, adjustments } = await this.templates.clone(templateId, dto.code, dto.title);
    const program = await this.programs.get(programId);
    void reply.header('etag', etagOf(program.version));
    return { program, adjustments };
  }
}
