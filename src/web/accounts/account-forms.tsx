import type { ComponentChildren } from 'preact';
import { PASSWORD_RULES } from '../../identity/accounts/password-rules';
import type { AgencyBrands } from '../agency-brands';
import {
  Alert,
  CsrfField,
  ErrorSummary,
  errorFor,
  FieldError,
  TextField,
} from '../render/components';
import { page } from '../render/layout';
import type { AgencyBrand, PageContext } from '../render/page-context';
import { PageReply } from '../../core/http/page-reply';

/*
 * What the account pages share: the agency an anonymous form's emails come from, the password
 * field with its rule as a hint, the form frame, and the checks of typed values.
 */

/** `/{agency}` on an agency's portal, '' on the deployment's own pages. */
export const baseOf = (ctx: PageContext): string => (ctx.agency ? `/${ctx.agency.code}` : '');

/**
 * The agency whose sender emails this person: the portal's, the only one, or the one chosen in
 * the form (deployment-wide pages of a deployment with several agencies ask).
 */
export function chosenAgency(brands: AgencyBrands, code: string | undefined): string | undefined {
  if (code && brands.brandOf(code)) return code;
  const all = brands.all();
  return all.length === 1 ? all[0].code : undefined;
}

export function AgencyChoice({
  ctx,
  brands,
  chosen,
  error,
}: {
  ctx: PageContext;
  brands: AgencyBrand[];
  chosen?: string;
  error?: string;
}) {
  if (ctx.agency) return <input type="hidden" name="agency" value={ctx.agency.code} />;
  if (brands.length === 1) return <input type="hidden" name="agency" value={brands[0].code} />;
  return (
    <div class={`usa-form-group${error ? ' usa-form-group--error' : ''}`}>
      <fieldset
        class="usa-fieldset"
        aria-describedby={error ? 'agency-hint agency-error' : 'agency-hint'}
      >
        <legend class="usa-legend">{ctx.t('accounts.agencyLegend')}</legend>
        <div class="usa-hint" id="agency-hint">
          {ctx.t('accounts.agencyHint')}
        </div>
        {error && (
          <span class="usa-error-message" id="agency-error" role="alert">
            {error}
          </span>
        )}
        {brands.map((brand, index) => (
          <div class="usa-radio" key={brand.code}>
            <input
              class="usa-radio__input"
              id={index === 0 ? 'agency' : `agency-${brand.code}`}
              type="radio"
              name="agency"
              value={brand.code}
              checked={chosen === brand.code}
            />
            <label class="usa-radio__label" for={index === 0 ? 'agency' : `agency-${brand.code}`}>
              {brand.name}
            </label>
          </div>
        ))}
      </fieldset>
    </div>
  );
}

export function PasswordField({
  ctx,
  name,
  label,
  error,
  autocomplete,
  withHint = true,
}: {
  ctx: PageContext;
  name: string;
  label: string;
  error?: string;
  autocomplete: 'new-password' | 'current-password';
  withHint?: boolean;
}) {
  return (
    <TextField
      name={name}
      type="password"
      label={label}
      hint={
        withHint
          ? ctx.t('accounts.passwordHint', {
              min: PASSWORD_RULES.minLength,
              max: PASSWORD_RULES.maxLength,
            })
          : undefined
      }
      autocomplete={autocomplete}
      error={error}
      required
    />
  );
}

/** The one-column frame of an account form: errors first, a notice, the heading, the lead. */
export function AccountForm({
  ctx,
  title,
  lead,
  errors,
  notice,
  children,
}: {
  ctx: PageContext;
  title: string;
  lead?: string;
  errors?: FieldError[];
  notice?: string;
  children: ComponentChildren;
}) {
  return (
    <div class="grid-row">
      <div class="tablet:grid-col-8 desktop:grid-col-6">
        <ErrorSummary ctx={ctx} errors={errors} />
        {notice && <Alert kind="success">{notice}</Alert>}
        <h1>{title}</h1>
        {lead && <p class="usa-intro">{lead}</p>}
        {children}
      </div>
    </div>
  );
}

export function accountPage(
  ctx: PageContext,
  title: string,
  children: ComponentChildren,
  options: { errors?: FieldError[]; status?: number } = {},
): PageReply {
  return PageReply.html(
    page({ ctx, title, hasErrors: !!options.errors?.length, children }),
    options.status ?? (options.errors?.length ? 422 : 200),
  );
}

/** Problems with a typed email address, in the reader's language. */
export function emailError(ctx: PageContext, email: string): FieldError | undefined {
  if (!email) return { field: 'email', message: ctx.t('accounts.emailRequired') };
  if (email.length > 320 || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email))
    return { field: 'email', message: ctx.t('accounts.emailInvalid') };
  return undefined;
}

export function passwordError(
  ctx: PageContext,
  field: string,
  password: string,
): FieldError | undefined {
  const { minLength: min, maxLength: max } = PASSWORD_RULES;
  return password.length < min || password.length > max
    ? { field, message: ctx.t('accounts.passwordRules', { min, max }) }
    : undefined;
}

export { CsrfField, errorFor, TextField };
export type { FieldError };
