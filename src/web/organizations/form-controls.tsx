import type { ComponentChildren } from 'preact';

/** Form controls the organization pages need beyond the shared TextField (USWDS markup). */

export interface Choice {
  value: string;
  label: string;
  hint?: string;
}

function ErrorMessage({ id, error }: { id: string; error?: string }) {
  if (!error) return null;
  return (
    <span class="usa-error-message" id={`${id}-error`} role="alert">
      {error}
    </span>
  );
}

export function SelectField(p: {
  name: string;
  label: string;
  choices: Choice[];
  empty: string;
  value?: string;
  error?: string;
}) {
  return (
    <div class={`usa-form-group${p.error ? ' usa-form-group--error' : ''}`}>
      <label class={`usa-label${p.error ? ' usa-label--error' : ''}`} for={p.name}>
        {p.label}
      </label>
      <ErrorMessage id={p.name} error={p.error} />
      <select
        class={`usa-select${p.error ? ' usa-input--error' : ''}`}
        id={p.name}
        name={p.name}
        aria-describedby={p.error ? `${p.name}-error` : undefined}
        aria-invalid={p.error ? 'true' : undefined}
      >
        <option value="">{p.empty}</option>
        {p.choices.map((c) => (
          <option key={c.value} value={c.value} selected={c.value === p.value}>
            {c.label}
          </option>
        ))}
      </select>
    </div>
  );
}

/**
 * Checkboxes or radio buttons in a fieldset whose legend names them. The first input carries
 * the group's id, so the error summary's link lands on it.
 */
export function ChoiceGroup(p: {
  name: string;
  /** The id of the group's first input (the error summary links here); defaults to name. */
  id?: string;
  legend: string;
  hint?: string;
  type: 'checkbox' | 'radio';
  choices: Choice[];
  checked: string[];
  error?: string;
}) {
  const id = p.id ?? p.name;
  const described = [p.hint && `${id}-hint`, p.error && `${id}-error`].filter(Boolean).join(' ');
  return (
    <div class={`usa-form-group${p.error ? ' usa-form-group--error' : ''}`}>
      <fieldset class="usa-fieldset" aria-describedby={described || undefined}>
        <legend class={`usa-legend${p.error ? ' usa-label--error' : ''}`}>{p.legend}</legend>
        {p.hint && (
          <span class="usa-hint" id={`${id}-hint`}>
            {p.hint}
          </span>
        )}
        <ErrorMessage id={id} error={p.error} />
        {p.choices.map((c, i) => {
          const inputId = i === 0 ? id : `${id}-${c.value}`;
          return (
            <div class={`usa-${p.type}`} key={c.value}>
              <input
                class={`usa-${p.type}__input`}
                id={inputId}
                type={p.type}
                name={p.name}
                value={c.value}
                checked={p.checked.includes(c.value)}
              />
              <label class={`usa-${p.type}__label`} for={inputId}>
                {c.label}
                {c.hint && <span class={`usa-${p.type}__label-description`}>{c.hint}</span>}
              </label>
            </div>
          );
        })}
      </fieldset>
    </div>
  );
}

export function Fieldset({
  legend,
  hint,
  hintId,
  children,
}: {
  legend: string;
  hint?: string;
  hintId?: string;
  children: ComponentChildren;
}) {
  return (
    <fieldset class="usa-fieldset margin-top-3" aria-describedby={hint ? hintId : undefined}>
      <legend class="usa-legend usa-legend--large">{legend}</legend>
      {hint && (
        <span class="usa-hint" id={hintId}>
          {hint}
        </span>
      )}
      {children}
    </fieldset>
  );
}

/** A form body field as the browser sent it: one value, several (checkboxes), or none. */
export function valuesOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return typeof value === 'string' && value !== '' ? [value] : [];
}

export const textOf = (value: unknown): string => (typeof value === 'string' ? value.trim() : '');
