import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';
import { RequirePermission, WebPage } from '../../core/access/access.decorators';
import { PageReply } from '../../core/http/page-reply';
import { parseUsageMonth } from '../../core/usage/usage-month';
import { UsageReport } from '../../core/usage/usage-report';
import { PageContexts } from '../page-contexts';
import type { FieldError } from '../render/components';
import { page } from '../render/layout';
import type { PageContext } from '../render/page-context';
import { AgencyUsagePage, PlatformUsagePage } from './usage-views';

/** The month asked for, or this month; a malformed one is shown back with its error. */
function monthOf(ctx: PageContext, report: UsageReport, text: string | undefined) {
  const parsed = parseUsageMonth(text?.trim() || undefined);
  const errors: FieldError[] =
    text?.trim() && parsed === undefined
      ? [{ field: 'month', message: ctx.t('usage.monthInvalid') }]
      : [];
  return { month: report.monthOrCurrent(parsed), errors, text: errors.length ? text : undefined };
}

/**
 * The platform operator's usage report: every agency's counts for a month, its share of each
 * total and, with a cost model, of the bill. Counts only, never grant data (see UsageReport).
 */
@WebPage()
@Controller('platform/usage')
export class PlatformUsagePages {
  constructor(
    private readonly pages: PageContexts,
    private readonly report: UsageReport,
  ) {}

  @Get()
  @RequirePermission('platform.usage.read')
  async show(
    @Query('month') monthText: string | undefined,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<PageReply> {
    const ctx = this.pages.build(request, reply);
    const { month, errors, text } = monthOf(ctx, this.report, monthText);
    const report = await this.report.platform(month);
    return PageReply.html(
      page({
        ctx,
        title: ctx.t('usage.platformPageTitle', { month: ctx.formats.month(report.month) }),
        hasErrors: errors.length > 0,
        children: <PlatformUsagePage ctx={ctx} view={{ report, errors, monthText: text }} />,
      }),
      errors.length > 0 ? 400 : 200,
    );
  }

  /** The same report as CSV, for the page's download link (the cookie opens pages only). */
  @Get('export.csv')
  @RequirePermission('platform.usage.read')
  async csv(
    @Query('month') monthText: string | undefined,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<PageReply> {
    const ctx = this.pages.build(request, reply);
    const { month } = monthOf(ctx, this.report, monthText);
    const report = await this.report.platform(month);
    const body = Buffer.from(UsageReport.csv(report), 'utf8');
    return PageReply.download({
      stream: Readable.from([body]),
      contentType: 'text/csv; charset=utf-8',
      length: body.length,
      disposition: `attachment; filename="usage-${report.month}.csv"`,
    });
  }
}

/** An agency admin's own agency's usage (row-level security keeps every other agency out). */
@WebPage()
@Controller(':agencyCode/usage')
export class AgencyUsagePages {
  constructor(
    private readonly pages: PageContexts,
    private readonly report: UsageReport,
  ) {}

  @Get()
  @RequirePermission('agency.usage.read')
  async show(
    @Param('agencyCode') agencyCode: string,
    @Query('month') monthText: string | undefined,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<PageReply> {
    const ctx = this.pages.build(request, reply, agencyCode);
    const { month, errors, text } = monthOf(ctx, this.report, monthText);
    const own = await this.report.own(month);
    const agencyName = ctx.agency?.displayName ?? agencyCode;
    return PageReply.html(
      page({
        ctx,
        title: ctx.t('usage.agencyPageTitle', {
          month: ctx.formats.month(own.month),
          agency: agencyName,
        }),
        hasErrors: errors.length > 0,
        children: (
          <AgencyUsagePage
            ctx={ctx}
            view={{ agencyName, own, action: `/${agencyCode}/usage`, errors, monthText: text }}
          />
        ),
      }),
      errors.length > 0 ? 400 : 200,
    );
  }
}
