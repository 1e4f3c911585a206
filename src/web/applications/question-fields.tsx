import type { ComponentChildren } from 'preact';
import type {
  FormSection,
  GroupQuestion,
  LeafQuestion,
} from '../../programs/forms/form-definition';
import type { PageContext } from '../render/page-context';
import { fieldName, FormBody, itemCount } from './answer-form';

export interface FieldsView {
  body: FormBody;
  errors: Map<string, string>;
  /** The application's current attachments, offered to file questions. */
  attachments: Array<{ id: string; filename: string }>;
  attachmentsHref: string;
  /** Items of repeatable groups to show beyond what the body holds ("Add another"). */
  extraItems?: Record<string, number>;
}

const one = (v: string | string[] | undefined): string =>
  Array.isArray(v) ? (v[v.length - 1] ?? '') : (v ?? '');
const many = (v: string | string[] | undefined): string[] =>
  Array.isArray(v) ? v : v === undefined ? [] : [v];

function describedBy(name: string, hint: boolean, error: boolean): string | undefined {
  const ids = [hint && `${name}-hint`, error && `${name}-error`].filter(Boolean).join(' ');
  return ids || undefined;
}

function Hint({ name, text }: { name: string; text?: string }) {
  return text ? (
    <div class="usa-hint" id={`${name}-hint`}>
      {text}
    </div>
  ) : null;
}

function ErrorText({ name, error }: { name: string; error?: string }) {
  return error ? (
    <span class="usa-error-message" id={`${name}-error`}>
      {error}
    </span>
  ) : null;
}

function Group({ error, children }: { error?: string; children: ComponentChildren }) {
  return <div class={`usa-form-group${error ? ' usa-form-group--error' : ''}`}>{children}</div>;
}

function labelOf(ctx: PageContext, q: { label: string; required?: boolean }) {
  return q.required ? q.label : ctx.t('applications.optional', { label: q.label });
}

/** One question of the definition as USWDS form controls; labels above, hint, then the error. */
function Leaf({
  ctx,
  q,
  name,
  view,
}: {
  ctx: PageContext;
  q: LeafQuestion;
  name: string;
  view: FieldsView;
}) {
  const error = view.errors.get(name);
  const hint = q.help;
  const aria = describedBy(name, !!hint, !!error);
  const invalid = error ? 'true' : undefined;
  const label = labelOf(ctx, q);
  const value = one(view.body[name]);
  if (q.type === 'choice' || q.type === 'multi-choice') {
    const chosen = many(view.body[name]);
    const multi = q.type === 'multi-choice';
    return (
      <Group error={error}>
        <fieldset class="usa-fieldset" aria-describedby={aria}>
          <legend class={`usa-legend${error ? ' usa-label--error' : ''}`}>{label}</legend>
          <Hint name={name} text={hint ?? (multi ? ctx.t('applications.selectAll') : undefined)} />
          <ErrorText name={name} error={error} />
          {q.options.map((o, i) => {
            const id = i === 0 ? name : `${name}-${i}`;
            return (
              <div class={multi ? 'usa-checkbox' : 'usa-radio'} key={o.value}>
                <input
                  class={multi ? 'usa-checkbox__input' : 'usa-radio__input'}
                  id={id}
                  type={multi ? 'checkbox' : 'radio'}
                  name={name}
                  value={o.value}
                  checked={chosen.includes(o.value)}
                />
                <label class={multi ? 'usa-checkbox__label' : 'usa-radio__label'} for={id}>
                  {o.label}
                </label>
              </div>
            );
          })}
        </fieldset>
      </Group>
    );
  }
  if (q.type === 'date') {
    const part = (p: 'month' | 'day' | 'year', id: string, size: number) => (
      <div class={`usa-form-group usa-form-group--${p}`}>
        <label class="usa-label" for={id}>
          {ctx.t(`applications.date.${p}`)}
        </label>
        <input
          class={`usa-input${error ? ' usa-input--error' : ''}`}
          id={id}
          name={`${name}.${p}`}
          inputMode="numeric"
          maxLength={size}
          value={one(view.body[`${name}.${p}`])}
          aria-invalid={invalid}
        />
      </div>
    );
    return (
      <Group error={error}>
        <fieldset class="usa-fieldset" aria-describedby={describedBy(name, true, !!error)}>
          <legend class={`usa-legend${error ? ' usa-label--error' : ''}`}>{label}</legend>
          <Hint name={name} text={hint ?? ctx.t('applications.date.hint')} />
          <ErrorText name={name} error={error} />
          <div class="usa-memorable-date">
            {part('month', name, 2)}
            {part('day', `${name}.day`, 2)}
            {part('year', `${name}.year`, 4)}
          </div>
        </fieldset>
      </Group>
    );
  }
  const labelEl = (
    <label class={`usa-label${error ? ' usa-label--error' : ''}`} for={name}>
      {label}
    </label>
  );
  if (q.type === 'file') {
    return (
      <Group error={error}>
        {labelEl}
        <Hint name={name} text={hint} />
        <ErrorText name={name} error={error} />
        <select
          class="usa-select"
          id={name}
          name={name}
          aria-describedby={aria}
          aria-invalid={invalid}
        >
          <option value="">{ctx.t('applications.file.none')}</option>
          {view.attachments.map((a) => (
            <option value={a.id} selected={a.id === value} key={a.id}>
              {a.filename}
            </option>
          ))}
        </select>
        <p class="usa-hint">
          <a class="usa-link" href={view.attachmentsHref}>
            {ctx.t('applications.file.upload')}
          </a>
        </p>
      </Group>
    );
  }
  if (q.type === 'text' && q.multiline) {
    return (
      <Group error={error}>
        {labelEl}
        <Hint name={name} text={hint} />
        <ErrorText name={name} error={error} />
        <textarea
          class={`usa-textarea${error ? ' usa-input--error' : ''}`}
          id={name}
          name={name}
          rows={8}
          aria-describedby={aria}
          aria-invalid={invalid}
        >
          {value}
        </textarea>
      </Group>
    );
  }
  const numeric = q.type === 'number' || q.type === 'money';
  return (
    <Group error={error}>
      {labelEl}
      <Hint
        name={name}
        text={hint ?? (q.type === 'money' ? ctx.t('applications.moneyHint') : undefined)}
      />
      <ErrorText name={name} error={error} />
      {q.type === 'money' ? (
        <div class="usa-input-group usa-input-group--md">
          <div class="usa-input-prefix" aria-hidden="true">
            $
          </div>
          <input
            class="usa-input"
            id={name}
            name={name}
            inputMode="decimal"
            value={value}
            aria-describedby={aria}
            aria-invalid={invalid}
          />
        </div>
      ) : (
        <input
          class={`usa-input${numeric ? ' usa-input--md' : ''}${error ? ' usa-input--error' : ''}`}
          id={name}
          name={name}
          inputMode={
            numeric ? (q.type === 'number' && q.integer ? 'numeric' : 'decimal') : undefined
          }
          value={value}
          aria-describedby={aria}
          aria-invalid={invalid}
        />
      )}
    </Group>
  );
}

function GroupFields({ ctx, q, view }: { ctx: PageContext; q: GroupQuestion; view: FieldsView }) {
  if (!q.repeatable) {
    return (
      <fieldset class="usa-fieldset gc-question-group">
        <legend class="usa-legend usa-legend--large">{labelOf(ctx, q)}</legend>
        <Hint name={q.key} text={q.help} />
        {q.questions.map((sub) => (
          <Leaf ctx={ctx} q={sub} name={fieldName(sub.key, q.key)} view={view} key={sub.key} />
        ))}
      </fieldset>
    );
  }
  const count =
    itemCount(view.body, q.key, Math.max(q.minItems ?? 0, 1)) + (view.extraItems?.[q.key] ?? 0);
  return (
    <div class="gc-question-group" id={q.key}>
      <h2>{labelOf(ctx, q)}</h2>
      <Hint name={q.key} text={q.help ?? ctx.t('applications.repeatHint')} />
      {view.errors.get(q.key) && <ErrorText name={q.key} error={view.errors.get(q.key)} />}
      {Array.from({ length: count }, (_, i) => (
        <fieldset class="usa-fieldset gc-repeat-item" key={i}>
          <legend class="usa-legend usa-legend--large">
            {ctx.t('applications.item', { label: q.label, number: i + 1 })}
          </legend>
          {q.questions.map((sub) => (
            <Leaf ctx={ctx} q={sub} name={fieldName(sub.key, q.key, i)} view={view} key={sub.key} />
          ))}
        </fieldset>
      ))}
      <button
        class="usa-button usa-button--outline"
        type="submit"
        name="action"
        value={`add:${q.key}`}
      >
        {ctx.t('applications.addAnother', { label: q.label })}
      </button>
    </div>
  );
}

/** Every question of a section, of every type the form definition supports. */
export function SectionFields({
  ctx,
  section,
  view,
}: {
  ctx: PageContext;
  section: FormSection;
  view: FieldsView;
}) {
  return (
    <>
      {section.questions.map((q) =>
        q.type === 'group' ? (
          <GroupFields ctx={ctx} q={q} view={view} key={q.key} />
        ) : (
          <Leaf ctx={ctx} q={q} name={q.key} view={view} key={q.key} />
        ),
      )}
    </>
  );
}
