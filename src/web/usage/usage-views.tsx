import type { UsageFigures } from '../../core/usage/usage-bill';
import {
  AgencyUsageLine,
  OwnUsageView,
  USAGE_FIELDS,
  UsageReportView,
} from '../../core/usage/usage-report';
import { ErrorSummary, FieldError, TextField } from '../render/components';
import type { PageContext } from '../render/page-context';

const STORAGE_UNITS = ['usage.kib', 'usage.mib', 'usage.gib', 'usage.tib'] as const;

/**
 * Bytes as a person reads them: under 1 KiB in bytes, else in the largest binary unit (the cost
 * model prices GiB) with one decimal, rounded half up in BigInt ("1.5 GiB", not "1,610,612,736
 * bytes"). The CSV keeps the exact bytes.
 */
function storage(ctx: PageContext, bytes: string): string {
  let unit = -1;
  let divisor = 1n;
  while (unit < STORAGE_UNITS.length - 1 && BigInt(bytes) >= divisor * 1024n) {
    divisor *= 1024n;
    unit += 1;
  }
  if (unit < 0) return ctx.t('usage.bytes', { count: ctx.formats.count(bytes) });
  const tenths = (BigInt(bytes) * 20n + divisor) / (2n * divisor);
  const count = ctx.formats.count(`${tenths / 10n}.${tenths % 10n}`);
  return ctx.t(STORAGE_UNITS[unit], { count });
}

function amount(ctx: PageContext, field: keyof UsageFigures, value: string): string {
  return field === 'storageBytesHeld' ? storage(ctx, value) : ctx.formats.count(value);
}

/** A share under its figure, small and muted: the figure is what the eye looks for first. */
function Share({ ctx, text }: { ctx: PageContext; text: string }) {
  return (
    <>
      <br />
      <span class="font-body-3xs text-base-dark">
        <span class="usa-sr-only">{ctx.t('usage.shareSr')} </span>
        {text}
      </span>
    </>
  );
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
          {amount(ctx, f, line.usage[f])}
          <Share ctx={ctx} text={ctx.t('usage.share', { share: line.share[f] })} />
        </td>
      ))}
      {priced && (
        <td data-label={ctx.t('usage.colCharge')} class="text-tabular">
          {ctx.formats.money(line.charge ?? '0.00')}
          <Share
            ctx={ctx}
            text={ctx.t('usage.chargeShare', { share: line.chargeShare ?? '0.0' })}
          />
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
      <p>{ctx.t('usage.roundingNote')}</p>
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
