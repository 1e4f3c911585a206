import type { ComponentChildren } from 'preact';
import type { PageContext } from './page-context';

/** A field's problem, shown in the error summary and beside the field (WEB.md). */
export interface FieldError {
  field: string;
  message: string;
}

export const errorFor = (errors: FieldError[] | undefined, field: string): string | undefined =>
  errors?.find((e) => e.field === field)?.message;

/** The hidden input every state-changing form carries. */
export function CsrfField({ ctx }: { ctx: PageContext }) {
  return <input type="hidden" name="_csrf" value={ctx.csrfToken} />;
}

/** USWDS error summary: focusable, at the top, linking to each field. */
export function ErrorSummary({ ctx, errors }: { ctx: PageContext; errors?: FieldError[] }) {
  if (!errors || errors.length === 0) return null;
  return (
    <div
      class="usa-alert usa-alert--error usa-alert--validation"
      role="alert"
      tabIndex={-1}
      id="error-summary"
    >
      <div class="usa-alert__body">
        <h2 class="usa-alert__heading">{ctx.t('common.thereIsAProblem')}</h2>
        <ul class="usa-list usa-list--unstyled">
          {errors.map((e) => (
            <li key={e.field}>
              <a href={`#${e.field}`}>{e.message}</a>
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}

export function Alert({
  kind,
  heading,
  children,
}: {
  kind: 'info' | 'success' | 'warning' | 'error';
  heading?: string;
  children: ComponentChildren;
}) {
  return (
    <div class={`usa-alert usa-alert--${kind}${heading ? '' : ' usa-alert--slim'}`}>
      <div class="usa-alert__body">
        {heading && <h2 class="usa-alert__heading">{heading}</h2>}
        <p class="usa-alert__text">{children}</p>
      </div>
    </div>
  );
}

interface TextFieldProps {
  name: string;
  label: string;
  hint?: string;
  value?: string;
  error?: string;
  type?: 'text' | 'email' | 'password' | 'tel' | 'url' | 'date';
  autocomplete?: string;
  required?: boolean;
  inputMode?: 'decimal' | 'numeric' | 'email' | 'text';
  width?: 'md' | 'lg' | 'xl';
}

/** Label above, hint under it, the error beside the field, the typed value kept (WEB.md). */
export function TextField(p: TextFieldProps) {
  const described = [p.hint && `${p.name}-hint`, p.error && `${p.name}-error`]
    .filter(Boolean)
    .join(' ');
  return (
    <div class={`usa-form-group${p.error ? ' usa-form-group--error' : ''}`}>
      <label class={`usa-label${p.error ? ' usa-label--error' : ''}`} for={p.name}>
        {p.label}
      </label>
      {p.hint && (
        <div class="usa-hint" id={`${p.name}-hint`}>
          {p.hint}
        </div>
      )}
      {p.error && (
        <span class="usa-error-message" id={`${p.name}-error`} role="alert">
          {p.error}
        </span>
      )}
      <input
        class={`usa-input${p.width ? ` usa-input--${p.width}` : ''}${p.error ? ' usa-input--error' : ''}`}
        id={p.name}
        name={p.name}
        type={p.type ?? 'text'}
        value={p.value ?? ''}
        autocomplete={p.autocomplete}
        required={p.required}
        inputMode={p.inputMode}
        aria-describedby={described || undefined}
        aria-invalid={p.error ? 'true' : undefined}
      />
    </div>
  );
}

/** Status as a USWDS tag with words, never colour alone. */
export function StatusTag({ label, tone }: { label: string; tone?: 'neutral' | 'good' | 'bad' }) {
  const style = tone === 'good' ? ' bg-green' : tone === 'bad' ? ' bg-secondary-dark' : '';
  return <span class={`usa-tag${style}`}>{label}</span>;
}
