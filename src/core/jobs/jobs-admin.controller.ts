import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '../access/access.decorators';
import { DeadLetters } from './dead-letters.service';
import { DeadLetterPage, DeadLettersQuery, RetriedJobView } from './dto/dead-letters.dto';

@ApiTags('platform')
@ApiBearerAuth()
@Controller('platform/jobs')
@RequirePermission('platform.jobs.manage')
export class JobsAdminController {
  constructor(private readonly deadLetters: DeadLetters) {}

  @Get('dead-letters')
  @ApiOperation({
    operationId: 'listDeadLetterJobs',
    summary: 'Jobs that ran out of attempts, newest first',
  })
  list(@Query() query: DeadLettersQuery): Promise<DeadLetterPage> {
    return this.deadLetters.list(query.limit ?? 50, query.cursor);
  }

  @Post(':id/retry')
  @HttpCode(202)
  @ApiOperation({
    operationId: 'retryDeadLetterJob',
    summary: 'Put a dead-lettered job back in the outbox',
  })
  retry(@Param('id') id: string): Promise<RetriedJobView> {
    return this.deadLetters.retry(id);
  }
}
