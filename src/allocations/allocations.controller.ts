import { Body, Controller, Get, HttpCode, Param, Post, Put, Req } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type {} from '@fastify/multipart';
import { RequirePermission } from '../core/access/access.decorators';
import { AllocationRuns } from './allocation-runs.service';
import { InputMissingError } from './allocations.errors';
import { ComputeRunDto, FormulaConfigDto, PublishRunDto } from './dto/allocation.dto';
import { FormulaConfigs } from './formula-configs.service';
import { FormulaInputs } from './formula-inputs.service';

const MAX_CSV_BYTES = 5 * 1024 * 1024;

/** Program officers run a formula program: configuration, CSV inputs, runs, publication. */
@ApiTags('formula allocations')
@Controller('agencies/:agencyCode/programs/:programId/allocations')
export class AllocationsController {
  constructor(
    private readonly configs: FormulaConfigs,
    private readonly inputs: FormulaInputs,
    private readonly runs: AllocationRuns,
  ) {}

  @Get('formula')
  @RequirePermission('decision.read')
  getFormula(@Param('programId') programId: string) {
    return this.configs.get(programId);
  }

  @Put('formula')
  @RequirePermission('decision.manage')
  putFormula(@Param('programId') programId: string, @Body() dto: FormulaConfigDto) {
    return this.configs.put(programId, dto);
  }

  @Get('inputs')
  @RequirePermission('decision.read')
  listInputs(@Param('programId') programId: string) {
    return this.inputs.list(programId);
  }

  /**
   * A CSV of inputs, as multipart/form-data (one file part) or JSON `{ "csv": "...",
   * "filename": "..." }`. 422 `allocation.input_invalid` lists every bad row by line.
   */
  @Post('inputs')
  @ApiConsumes('multipart/form-data', 'application/json')
  @ApiBody({
    schema: {
      type: 'object',
      properties: {
        file: { type: 'string', format: 'binary', description: 'multipart/form-data: the CSV' },
        csv: { type: 'string', description: 'JSON: the CSV text (at most 5 MB)' },
        filename: { type: 'string', maxLength: 255, description: 'JSON: its file name' },
      },
    },
  })
  @RequirePermission('decision.manage')
  async upload(@Param('programId') programId: string, @Req() request: FastifyRequest) {
    if (request.isMultipart()) {
      const part = await request.file({ limits: { fileSize: MAX_CSV_BYTES, files: 1 } });
      if (!part) throw new InputMissingError('Send the CSV in a file part.');
      const content = await part.toBuffer(); // throws past the limit (413 by the multipart plugin)
      return this.inputs.upload(programId, content.toString('utf8'), part.filename || null);
    }
    const body = request.body as { csv?: unknown; filename?: unknown } | undefined;
    if (typeof body?.csv !== 'string' || body.csv.length > MAX_CSV_BYTES)
      throw new InputMissingError(
        'Send the CSV as multipart/form-data or as JSON { "csv": "..." } (at most 5 MB).',
      );
    return this.inputs.upload(
      programId,
      body.csv,
      typeof body.filename === 'string' ? body.filename.slice(0, 255) : null,
    );
  }

  @Post('runs')
  @RequirePermission('decision.manage')
  compute(@Param('programId') programId: string, @Body() dto: ComputeRunDto) {
    return this.runs.compute(programId, dto.inputSetId);
  }

  @Get('runs')
  @RequirePermission('decision.read')
  listRuns(@Param('programId') programId: string) {
    return this.runs.list(programId);
  }

  @Get('runs/:runId')
  @RequirePermission('decision.read')
  getRun(@Param('programId') programId: string, @Param('runId') runId: string) {
    return this.runs.get(programId, runId);
  }

  /** Preliminary (revisable: a later run supersedes it) or final (once, the latest run). */
  @Post('runs/:runId/publish')
  @HttpCode(200)
  @RequirePermission('decision.manage')
  publish(
    @Param('programId') programId: string,
    @Param('runId') runId: string,
    @Body() dto: PublishRunDto,
  ) {
    return this.runs.publish(programId, runId, dto.stage);
  }
}
