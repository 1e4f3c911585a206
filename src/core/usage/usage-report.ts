import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module';
import { AppConfig } from '../config/env';
import { Clock } from '../clock/clock';
import { csvRow } from '../csv/csv';
import { ReadReplica } from '../context/read-replica';
import { TenantDb } from '../context/tenant-db';
import { RequestContext } from '../context/request-context';
import { toCents } from '../money/money';
import { sql, sqlRows } from '../database/sql-statement';
import { shareOf, usageBill, UsageFigures, UsagePrices } from './usage-bill';
import { usageMonthOf } from './usage-month';

export const USAGE_FIELDS = [
  'apiRequests',
  'applicationsSubmitted',
  'storageBytesHeld',
  'emailsSent',
  'jobsRun',
  'activeUsers',
] as const satisfies ReadonlyArray<keyof UsageFigures>;

type UsageRow = UsageFigures & { agencyCode: string; agencyName: string };

const FIGURES = `api_requests::text AS "apiRequests",
       applications_submitted::text AS "applicationsSubmitted",
       storage_bytes_held::text AS "storageBytesHeld", emails_sent::text AS "emailsSent",
       jobs_run::text AS "jobsRun", active_users::text AS "activeUsers"`;

/** Every active agency's month (platform admins): through the SECURITY DEFINER function. */
const ALL_AGENCIES = sql<UsageRow>(
  'core.usage-report-all',
  `SELECT agency_code AS "agencyCode", agency_name AS "agencyName", ${FIGURES}
     FROM agency_usage_report($1)`,
);

/** The current agency's month, under its row-level security (agency admins). */
const ONE_AGENCY = sql<UsageFigures>(
  'core.usage-report-own',
  `SELECT ${FIGURES} FROM (
     SELECT COALESCE((SELECT sum(api_requests) FROM agency_usage WHERE agency_id = $1 AND month = $2), 0) AS api_requests,
            COALESCE((SELECT sum(applications_submitted) FROM agency_usage WHERE agency_id = $1 AND month = $2), 0) AS applications_submitted,
            COALESCE((SELECT sum(storage_bytes_added) FROM agency_usage WHERE agency_id = $1 AND month <= $2), 0) AS storage_bytes_held,
            COALESCE((SELECT sum(emails_sent) FROM agency_usage WHERE agency_id = $1 AND month = $2), 0) AS emails_sent,
            COALESCE((SELECT sum(jobs_run) FROM agency_usage WHERE agency_id = $1 AND month = $2), 0) AS jobs_run,
            (SELECT count(*) FROM agency_active_users WHERE agency_id = $1 AND month = $2) AS active_users
   ) f`,
);

export interface AgencyUsageLine {
  agencyCode: string;
  agencyName: string;
  usage: UsageFigures;
  /** This agency's percentage of each total, one decimal ("33.3"). */
  share: Record<keyof UsageFigures, string>;
  /** With a cost model: the agency's charge ("12.34") and its share of the bill. */
  charge?: string;
  chargeShare?: string;
}

export interface UsageReportView {
  month: string;
  agencies: AgencyUsageLine[];
  totals: UsageFigures;
  /** The cost model's prices and the bill's total, when USAGE_PRICES is set. */
  bill?: { prices: UsagePrices; total: string };
}

export interface OwnUsageView {
  month: string;
  agencyCode: string;
  usage: UsageFigures;
  charge?: string;
  prices?: UsagePrices;
}

/**
 * The usage report. The platform's (every agency, each one's share of each total and of the
 * bill) reads counts only, never an agency's grant data, through one SECURITY DEFINER function
 * (migration 1790001050000), as the dead letters do. An agency admin's reads their own agency
 * in its tenant transaction, so row-level security alone keeps other agencies out.
 */
@Injectable()
export class UsageReport {
  constructor(
    private readonly db: TenantDb,
    private readonly clock: Clock,
    private readonly context: RequestContext,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly replica: ReadReplica,
  ) {}

  /** '2026-12-01' for the month asked (validated by the caller), else the current one. */
  monthOrCurrent(month: string | undefined): string {
    return month ?? usageMonthOf(this.clock.now());
  }

  private get prices(): UsagePrices | undefined {
    const prices = this.config.usage.prices;
    return Object.keys(prices).length > 0 ? prices : undefined;
  }

  async platform(month: string): Promise<UsageReportView> {
    // Counters flushed every few seconds anyway: a replica's lag changes nothing here.
    const rows = await this.replica.lagTolerant((manager) =>
      sqlRows(manager, ALL_AGENCIES, [month]),
    );
    const totals = Object.fromEntries(
      USAGE_FIELDS.map((f) => [f, String(rows.reduce((sum, r) => sum + BigInt(r[f]), 0n))]),
    ) as unknown as UsageFigures;
    const prices = this.prices;
    const bill = prices ? usageBill(rows, prices) : undefined;
    const billTotal = bill ? toCents(bill.total) : 0n;
    return {
      month: month.slice(0, 7),
      agencies: rows.map(({ agencyCode, agencyName, ...usage }, i) => ({
        agencyCode,
        agencyName,
        usage,
        share: Object.fromEntries(
          USAGE_FIELDS.map((f) => [f, shareOf(BigInt(usage[f]), BigInt(totals[f]))]),
        ) as Record<keyof UsageFigures, string>,
        ...(bill
          ? {
              charge: bill.charges[i],
              chargeShare: shareOf(toCents(bill.charges[i]), billTotal),
            }
          : {}),
      })),
      totals,
      ...(bill && prices ? { bill: { prices, total: bill.total } } : {}),
    };
  }

  async own(month: string): Promise<OwnUsageView> {
    const [usage] = await this.replica.lagTolerant(() =>
      this.db.rows(ONE_AGENCY, [this.db.agencyId, month]),
    );
    const prices = this.prices;
    return {
      month: month.slice(0, 7),
      agencyCode: this.context.requireTenant().agencyCode,
      usage,
      ...(prices ? { charge: usageBill([usage], prices).charges[0], prices } : {}),
    };
  }

  /** The platform report as CSV (one line per agency, then the totals). */
  static csv(report: UsageReportView): string {
    const header = ['month', 'agency_code', 'agency_name', ...USAGE_FIELDS.map(snake)];
    const priced = report.bill !== undefined;
    if (priced) header.push('charge', 'charge_share_percent');
    let text = `\ufeff${csvRow(header)}`;
    for (const line of report.agencies) {
      text += csvRow([
        report.month,
        line.agencyCode,
        line.agencyName,
        ...USAGE_FIELDS.map((f) => line.usage[f]),
        ...(priced ? [line.charge, line.chargeShare] : []),
      ]);
    }
    text += csvRow([
      report.month,
      'total',
      '',
      ...USAGE_FIELDS.map((f) => report.totals[f]),
      ...(priced ? [report.bill!.total, '100.0'] : []),
    ]);
    return text;
  }
}

function snake(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}
