import { isAmount, normalizeAmount, toCents, fromCents } from '../../core/money/money';
import type { PaymentRequests } from '../../payments/requests/payment-requests.service';
import { CsrfField, ErrorSummary, errorFor, FieldError, TextField } from '../render/components';
import type { PageContext } from '../render/page-context';
import { BackLink, day, lineName, WhatHappens } from './award-parts';

export type LineBalance = Awaited<ReturnType<PaymentRequests['lineBalances']>>[number];

/** What the person typed, kept between the form, the confirmation and an error. */
export interface PaymentForm {
  type: string;
  periodStart: string;
  periodEnd: string;
  description: string;
  /** Keyed by amountField(line). */
  amounts: Record<string, string>;
}

export const amountField = (line: { functionCode: string; objectCode: string }) =>
  `amount_${line.functionCode}_${line.objectCode}`;

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function readPaymentForm(body: Record<string, string>, lines: LineBalance[]): PaymentForm {
  const amounts: Record<string, string> = {};
  for (const line of lines) amounts[amountField(line)] = (body[amountField(line)] ?? '').trim();
  return {
    type: body.type ?? '',
    periodStart: (body.periodStart ?? '').trim(),
    periodEnd: (body.periodEnd ?? '').trim(),
    description: (body.description ?? '').trim().slice(0, 2000),
    amounts,
  };
}

/** Format checks only; the payments service decides the rules (balances, period, tolerance). */
export function checkPaymentForm(
  ctx: PageContext,
  form: PaymentForm,
  lines: LineBalance[],
  allowedTypes: string[],
): FieldError[] {
  const errors: FieldError[] = [];
  if (!allowedTypes.includes(form.type)) {
    errors.push({
      field: `type-${allowedTypes[0]}`,
      message: ctx.t('awards.payment.typeRequired'),
    });
  }
  if (!DATE.test(form.periodStart)) {
    errors.push({ field: 'periodStart', message: ctx.t('awards.payment.dateInvalid') });
  }
  if (!DATE.test(form.periodEnd)) {
    errors.push({ field: 'periodEnd', message: ctx.t('awards.payment.dateInvalid') });
  }
  let any = false;
  for (const line of lines) {
    const value = form.amounts[amountField(line)];
    if (!value) continue;
    if (!isAmount(value)) {
      errors.push({ field: amountField(line), message: ctx.t('awards.payment.amountInvalid') });
    } else if (toCents(value) > 0n) any = true;
  }
  if (!any && !errors.some((e) => e.field.startsWith('amount_'))) {
    errors.push({ field: amountField(lines[0]), message: ctx.t('awards.payment.amountRequired') });
  }
  return errors;
}

/** The lines with a positive amount, as the payments service takes them. */
export function requestedLines(form: PaymentForm, lines: LineBalance[]) {
  return lines
    .map((line) => ({ line, value: form.amounts[amountField(line)] }))
    .filter(({ value }) => value && isAmount(value) && toCents(value) > 0n)
    .map(({ line, value }) => ({
      functionCode: line.functionCode,
      objectCode: line.objectCode,
      amount: normalizeAmount(value),
    }));
}

export const totalOf = (lines: Array<{ amount: string }>) =>
  fromCents(lines.reduce((sum, l) => sum + toCents(l.amount), 0n));

function Hidden({ form }: { form: PaymentForm }) {
  return (
    <>
      <input type="hidden" name="type" value={form.type} />
      <input type="hidden" name="periodStart" value={form.periodStart} />
      <input type="hidden" name="periodEnd" value={form.periodEnd} />
      <input type="hidden" name="description" value={form.description} />
      {Object.entries(form.amounts).map(([name, value]) => (
        <input type="hidden" name={name} value={value} key={name} />
      ))}
    </>
  );
}

export interface PaymentFormView {
  reference: string;
  awardUrl: string;
  lines: LineBalance[];
  allowedTypes: string[];
  form: PaymentForm;
  errors?: FieldError[];
}

export function PaymentRequestFormPage({ ctx, view }: { ctx: PageContext; view: PaymentFormView }) {
  const typeError = view.errors?.find((e) => e.field.startsWith('type-'))?.message;
  return (
    <div class="grid-row">
      <div class="tablet:grid-col-10 desktop:grid-col-8">
        <ErrorSummary ctx={ctx} errors={view.errors} />
        <BackLink href={view.awardUrl}>{ctx.t('awards.payment.backToAward')}</BackLink>
        <h1>{ctx.t('awards.payment.newTitle', { reference: view.reference })}</h1>
        <p class="usa-intro">{ctx.t('awards.payment.lead')}</p>
        <form
          class="usa-form usa-form--large"
          method="post"
          action={`${view.awardUrl}/payment-requests/new`}
          novalidate
        >
          <CsrfField ctx={ctx} />
          <fieldset
            class={`usa-fieldset usa-form-group${typeError ? ' usa-form-group--error' : ''}`}
          >
            <legend class="usa-legend">{ctx.t('awards.payment.type')}</legend>
            <span class="usa-hint" id="type-hint">
              {ctx.t('awards.payment.typeHint')}
            </span>
            {typeError && (
              <span class="usa-error-message" role="alert">
                {typeError}
              </span>
            )}
            {view.allowedTypes.map((type) => (
              <div class="usa-radio" key={type}>
                <input
                  class="usa-radio__input"
                  id={`type-${type}`}
                  type="radio"
                  name="type"
                  value={type}
                  checked={view.form.type === type || view.allowedTypes.length === 1}
                  aria-describedby="type-hint"
                />
                <label class="usa-radio__label" for={`type-${type}`}>
                  {ctx.t(`awards.paymentType.${type as 'advance'}`)}
                </label>
              </div>
            ))}
          </fieldset>
          <TextField
            name="periodStart"
            type="date"
            label={ctx.t('awards.payment.periodStart')}
            hint={ctx.t('awards.payment.dateHint')}
            value={view.form.periodStart}
            error={errorFor(view.errors, 'periodStart')}
            required
          />
          <TextField
            name="periodEnd"
            type="date"
            label={ctx.t('awards.payment.periodEnd')}
            hint={ctx.t('awards.payment.dateHint')}
            value={view.form.periodEnd}
            error={errorFor(view.errors, 'periodEnd')}
            required
          />
          <TextField
            name="description"
            label={ctx.t('awards.payment.description')}
            value={view.form.description}
            error={errorFor(view.errors, 'description')}
          />
          {view.lines.map((line) => (
            <TextField
              key={amountField(line)}
              name={amountField(line)}
              label={ctx.t('awards.payment.amountFor', {
                line: `${lineName(line)}${line.description ? ` ${line.description}` : ''}`,
              })}
              hint={ctx.t('awards.payment.leftOnLine', {
                amount: ctx.formats.money(line.remaining),
              })}
              value={view.form.amounts[amountField(line)]}
              error={errorFor(view.errors, amountField(line))}
              inputMode="decimal"
              width="md"
            />
          ))}
          <button class="usa-button" type="submit">
            {ctx.t('awards.payment.continue')}
          </button>
        </form>
      </div>
    </div>
  );
}

export interface PaymentConfirmView {
  reference: string;
  awardUrl: string;
  form: PaymentForm;
  lines: Array<{ functionCode: string; objectCode: string; amount: string }>;
  approvalsNeeded: number;
  /** One per confirmation page: a second press of "Send" (or a resend) files nothing new. */
  idempotencyKey: string;
}

/** Says exactly what sending the request will do (WEB.md: money actions confirm on a page). */
export function PaymentConfirmPage({ ctx, view }: { ctx: PageContext; view: PaymentConfirmView }) {
  const total = totalOf(view.lines);
  return (
    <div class="grid-row">
      <div class="tablet:grid-col-10 desktop:grid-col-8">
        <h1>{ctx.t('awards.payment.confirmTitle', { reference: view.reference })}</h1>
        <WhatHappens
          heading={ctx.t('awards.payment.whatHappens')}
          items={[
            ctx.t('awards.payment.happens1', {
              amount: ctx.formats.money(total),
              type: ctx.t(`awards.paymentType.${view.form.type as 'advance'}`).toLowerCase(),
              reference: view.reference,
              start: day(ctx, view.form.periodStart),
              end: day(ctx, view.form.periodEnd),
            }),
            ctx.t('awards.payment.approvals', { count: view.approvalsNeeded }),
            ctx.t('awards.payment.happens3'),
          ]}
        />
        <table class="usa-table usa-table--borderless">
          <caption>{ctx.t('awards.payment.lines')}</caption>
          <thead>
            <tr>
              <th scope="col">{ctx.t('awards.award.line')}</th>
              <th scope="col">{ctx.t('awards.award.amountCol')}</th>
            </tr>
          </thead>
          <tbody>
            {view.lines.map((l) => (
              <tr key={lineName(l)}>
                <th scope="row">{lineName(l)}</th>
                <td class="text-tabular">{ctx.formats.money(l.amount)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">{ctx.t('awards.award.total')}</th>
              <td class="text-tabular text-bold">{ctx.formats.money(total)}</td>
            </tr>
          </tfoot>
        </table>
        <form method="post" action={`${view.awardUrl}/payment-requests`} class="margin-bottom-2">
          <CsrfField ctx={ctx} />
          <input type="hidden" name="idempotencyKey" value={view.idempotencyKey} />
          <Hidden form={view.form} />
          <button class="usa-button" type="submit">
            {ctx.t('awards.payment.submit')}
          </button>
        </form>
        <form method="post" action={`${view.awardUrl}/payment-requests/new`}>
          <CsrfField ctx={ctx} />
          <Hidden form={view.form} />
          <input type="hidden" name="_edit" value="1" />
          <button class="usa-button usa-button--outline" type="submit">
            {ctx.t('awards.payment.change')}
          </button>
        </form>
      </div>
    </div>
  );
}
