import type { PageContext } from '../render/page-context';
import { BudgetGrid, cellName } from './budget-form';

/**
 * The budget as a real table (WEB.md): function codes as row headers, object codes as column
 * headers, each input labelled by both, row and column totals computed on the server (and kept
 * live by public/app.js through data-gc-total-for), totals in <tfoot>.
 */
export function BudgetMatrix({
  ctx,
  grid,
  errors,
}: {
  ctx: PageContext;
  grid: BudgetGrid;
  errors: Map<string, string>;
}) {
  const money = (v: string) => ctx.formats.money(v);
  return (
    // USWDS's scrollable table: wide budgets (many object codes) scroll inside this region, which
    // a keyboard can focus (and scroll with the arrow keys) and a screen reader names by the caption.
    <div
      class="usa-table-container--scrollable gc-budget-scroll"
      role="region"
      tabIndex={0}
      aria-labelledby="budget-caption"
    >
      <table class="usa-table usa-table--borderless gc-budget">
        <caption id="budget-caption">{ctx.t('applications.budget.caption')}</caption>
        <thead>
          <tr>
            <th scope="col" id="fh">
              {ctx.t('applications.budget.function')}
            </th>
            {grid.objectCodes.map((o) => (
              <th scope="col" id={`oh-${o}`} key={o} class="gc-money">
                {o}
              </th>
            ))}
            <th scope="col" id="th-total" class="gc-money">
              {ctx.t('applications.budget.total')}
            </th>
          </tr>
        </thead>
        <tbody>
          {grid.functionCodes.map((f) => (
            <tr key={f}>
              <th scope="row" id={`fh-${f}`}>
                {f}
              </th>
              {grid.objectCodes.map((o) => {
                const name = cellName(f, o);
                const error = errors.get(name);
                return (
                  <td key={o} class={error ? 'usa-form-group--error' : undefined}>
                    <input
                      class={`usa-input gc-cell gc-f-${f} gc-o-${o}${error ? ' usa-input--error' : ''}`}
                      id={name}
                      name={name}
                      inputMode="decimal"
                      value={grid.cells.get(name) ?? ''}
                      aria-labelledby={`fh-${f} oh-${o}`}
                      aria-describedby={error ? `${name}-error` : undefined}
                      aria-invalid={error ? 'true' : undefined}
                    />
                    {error && (
                      <span class="usa-error-message font-body-3xs" id={`${name}-error`}>
                        {error}
                      </span>
                    )}
                  </td>
                );
              })}
              <td class="gc-money">
                <output data-gc-total-for={`.gc-f-${f}`} aria-labelledby={`fh-${f} th-total`}>
                  {money(grid.rowTotals.get(f) ?? '0.00')}
                </output>
              </td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row" id="total-row">
              {ctx.t('applications.budget.total')}
            </th>
            {grid.objectCodes.map((o) => (
              <td class="gc-money" key={o}>
                <output data-gc-total-for={`.gc-o-${o}`} aria-labelledby={`total-row oh-${o}`}>
                  {money(grid.columnTotals.get(o) ?? '0.00')}
                </output>
              </td>
            ))}
            <td class="gc-money text-bold">
              <output
                data-gc-total-for=".gc-cell"
                id="budget-total"
                aria-label={ctx.t('applications.budget.grandTotal')}
              >
                {money(grid.total)}
              </output>
            </td>
          </tr>
        </tfoot>
      </table>
    </div>
  );
}
