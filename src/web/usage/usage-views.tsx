import type { UsageFigures } from '../../core/usage/usage-bill';
import {
  AgencyUsageLine,
  OwnUsageView,
  USAGE_FIELDS,
  UsageReportView,
} from '../../core/usage/usage-report';
import { ErrorSummary, FieldError, TextField } from '../render/components';
import type { PageContext } from '../render/page-context';

function amount(ctx: PageContext, field: keyof UsageFigures, value: string): string {
  const count = ctx.formats.count(value);
  return field === 'storageBytesHeld' ? ctx.t('usage.bytes', { count }) : count;
}

/** The month chooser: a GET form, so every month's report has its own URL (WEB.md). */
function MonthForm({
  ctx,
  action,
  month,
  errors,
}: {
  ctx: PageContext;
  action: string;
  month: string;
  errors?: FieldError[];
}) {
  return (
    <form class="usa-form margin-bottom-3" method="get" action={action}>
      <TextField
        name="month"
        label={ctx.t('usage.monthLabel')}
        hint={ctx.t('usage.monthHint')}
        value={month}
        error={errors?.find((e) => e.field === 'month')?.message}
        width="md"
      />
      <button class="usa-button" type="submit">
        {ctx.t('usage.show')}
      </button>
    </form>
  );
}

export interface PlatformUsagePageView {
  report: UsageReportView;
  monthText?: string;
  errors?: FieldError[];
}

function Row({ ctx, line, priced }: { ctx: PageContext; line: AgencyUsageLine; priced: boolean }) {
  return (
    <tr>
      <th scope="row">
        {line.agencyName} <span class="text-base">({line.agencyCode})</span>
      </th>
      {USAGE_FIELDS.map((f) => (
        <td data-label={ctx.t(`usage.measures.${f}`)} class="text-tabular">
          {ctx.t('usage.share', { value: amount(ctx, f, line.usage[f]), share: line.share[f] })}
        </td>
      ))}
      {priced && (
        <td data-label={ctx.t('usage.colCharge')} class="text-tabular">
          {ctx.t('usage.chargeShare', {
            charge: ctx.formats.money(line.charge ?? '0.00'),
            share: line.chargeShare ?? '0.0',
          })}
        </td>
      )}
    </tr>
  );
}

export function PlatformUsagePage({
  ctx,
  view,
}: {
  ctx: PageContext;
  view: PlatformUsagePageView;
}) {
  const { report } = view;
  const monthName = ctx.formats.month(report.month);
  const priced = report.bill !== undefined;
  return (
    <>
      <ErrorSummary ctx={ctx} errors={view.errors} />
      <div class="usa-prose">
        <h1>{ctx.t('usage.platformTitle')}</h1>
        <p class="usa-intro">{ctx.t('usage.platformLead', { month: monthName })}</p>
      </div>
      <MonthForm
        ctx={ctx}
        action="/platform/usage"
        month={view.monthText ?? report.month}
        errors={view.errors}
      />
      <p>
        <a class="usa-link" href={`/platform/usage/export.csv?month=${report.month}`} download>
          {ctx.t('usage.download')}
        </a>
      </p>
      <table class="usa-table usa-table--stacked usa-table--borderless width-full">
        <caption>{ctx.t('usage.caption', { month: monthName })}</caption>
        <thead>
          <tr>
            <th scope="col">{ctx.t('usage.colAgency')}</th>
            {USAGE_FIELDS.map((f) => (
              <th scope="col">{ctx.t(`usage.measures.${f}`)}</th>
            ))}
            {priced && <th scope="col">{ctx.t('usage.colCharge')}</th>}
          </tr>
        </thead>
        <tbody>
          {report.agencies.map((line) => (
            <Row ctx={ctx} line={line} priced={priced} />
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">{ctx.t('usage.total')}</th>
            {USAGE_FIELDS.map((f) => (
              <td data-label={ctx.t(`usage.measures.${f}`)} class="text-tabular">
                {amount(ctx, f, report.totals[f])}
              </td>
            ))}
            {priced && (
              <td data-label={ctx.t('usage.colCharge')} class="text-tabular">
                {ctx.formats.money(report.bill!.total)}
              </td>
            )}
          </tr>
        </tfoot>
      </table>
      <p>
        {report.bill
          ? ctx.t('usage.billTotal', { total: ctx.formats.money(report.bill.total) })
          : ctx.t('usage.noPrices')}
      </p>
    </>
  );
}

export interface AgencyUsagePageView {
  agencyName: string;
  own: OwnUsageView;
  action: string;
  monthText?: string;
  errors?: FieldError[];
}

export function AgencyUsagePage({ ctx, view }: { ctx: PageContext; view: AgencyUsagePageView }) {
  const { own } = view;
  const monthName = ctx.formats.month(own.month);
  return (
    <>
      <ErrorSummary ctx={ctx} errors={view.errors} />
      <div class="usa-prose">
        <h1>{ctx.t('usage.agencyTitle')}</h1>
        <p class="usa-intro">
          {ctx.t('usage.agencyLead', { agency: view.agencyName, month: monthName })}
        </p>
      </div>
      <MonthForm
        ctx={ctx}
        action={view.action}
        month={view.monthText ?? own.month}
        errors={view.errors}
      />
      <table class="usa-table usa-table--borderless">
        <caption>
          {ctx.t('usage.ownCaption', { agency: view.agencyName, month: monthName })}
        </caption>
        <thead>
          <tr>
            <th scope="col">{ctx.t('usage.colMeasure')}</th>
            <th scope="col">{ctx.t('usage.colAmount')}</th>
          </tr>
        </thead>
        <tbody>
          {USAGE_FIELDS.map((f) => (
            <tr>
              <th scope="row">{ctx.t(`usage.measures.${f}`)}</th>
              <td class="text-tabular">{amount(ctx, f, own.usage[f])}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>
        {own.charge !== undefined
          ? ctx.t('usage.ownCharge', { charge: ctx.formats.money(own.charge) })
          : ctx.t('usage.noPrices')}
      </p>
    </>
  );
}
