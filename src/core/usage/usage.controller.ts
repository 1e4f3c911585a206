import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { RequirePermission } from '../access/access.decorators';
import { ValidationFailedError } from '../errors/domain-error';
import { parseUsageMonth } from './usage-month';
import { OwnUsageView, UsageReport, UsageReportView } from './usage-report';
import { FileResponse } from '../openapi/openapi.decorators';

/** ?month=YYYY-MM, or the current month when absent; anything else is refused. */
function monthQuery(report: UsageReport, month: string | undefined): string {
  const parsed = parseUsageMonth(month);
  if (month !== undefined && parsed === undefined) {
    throw new ValidationFailedError([{ pointer: '/month', detail: 'must be YYYY-MM' }]);
  }
  return report.monthOrCurrent(parsed);
}

@ApiTags('platform')
@ApiBearerAuth()
@Controller('platform/usage')
@RequirePermission('platform.usage.read')
export class PlatformUsageController {
  constructor(private readonly report: UsageReport) {}

  @Get()
  @ApiQuery({ name: 'month', required: false, description: 'YYYY-MM (default: this month, UTC)' })
  @ApiOperation({
    operationId: 'platformUsage',
    summary: "Every agency's usage for a month, its share of each total and of the bill",
  })
  usage(@Query('month') month?: string): Promise<UsageReportView> {
    return this.report.platform(monthQuery(this.report, month));
  }

  @Get('export.csv')
  @ApiQuery({ name: 'month', required: false })
  @ApiOperation({ operationId: 'platformUsageCsv', summary: 'The same report as CSV' })
  @FileResponse(['text/csv'], 'The usage report as CSV')
  async csv(@Res() reply: FastifyReply, @Query('month') month?: string): Promise<void> {
    const report = await this.report.platform(monthQuery(this.report, month));
    await reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="usage-${report.month}.csv"`)
      .header('cache-control', 'no-store')
      .send(UsageReport.csv(report));
  }
}

@ApiTags('agencies')
@ApiBearerAuth()
@Controller('agencies/:agencyCode/usage')
@RequirePermission('agency.usage.read')
export class AgencyUsageController {
  constructor(private readonly report: UsageReport) {}

  @Get()
  @ApiQuery({ name: 'month', required: false, description: 'YYYY-MM (default: this month, UTC)' })
  @ApiOperation({ operationId: 'agencyUsage', summary: "This agency's own usage for a month" })
  usage(@Query('month') month?: string): Promise<OwnUsageView> {
    return this.report.own(monthQuery(this.report, month));
  }
}
