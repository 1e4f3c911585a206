import { MONEY, normalizeAmount, toCents } from '../../core/money/money';
import type { FormSection, LeafQuestion, Question } from '../../programs/forms/form-definition';

/** A form body as @fastify/formbody parses it (a repeated name becomes an array). */
export type FormBody = Record<string, string | string[] | undefined>;

export type AnswerProblem =
  | 'number'
  | 'integer'
  | 'money'
  | 'date'
  | 'tooSmall'
  | 'tooBig'
  | 'tooLong'
  | 'tooShort'
  | 'tooMany'
  | 'option';

export interface AnswerError {
  field: string;
  /** The question's label, so a message in the error summary says which answer it is about. */
  label: string;
  problem: AnswerProblem;
  limit?: string;
}

/** Field names: `key`, `group.key`, `group.2.key`; a date is three inputs `name.month|day|year`. */
export const fieldName = (key: string, group?: string, index?: number) =>
  group === undefined ? key : index === undefined ? `${group}.${key}` : `${group}.${index}.${key}`;

const text = (v: string | string[] | undefined): string =>
  (Array.isArray(v) ? v[v.length - 1] : (v ?? '')).trim();
const list = (v: string | string[] | undefined): string[] =>
  (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x) => x !== '');

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** How many items of a repeatable group the body holds (at least `minimum`). */
export function itemCount(body: FormBody, group: string, minimum: number): number {
  let highest = -1;
  const prefix = `${group}.`;
  for (const name of Object.keys(body)) {
    if (!name.startsWith(prefix)) continue;
    const index = Number(name.slice(prefix.length).split('.')[0]);
    if (Number.isInteger(index) && index > highest) highest = index;
  }
  return Math.max(highest + 1, minimum);
}

function readLeaf(q: LeafQuestion, name: string, body: FormBody, errors: AnswerError[]): unknown {
  switch (q.type) {
    case 'text': {
      const v = text(body[name]);
      if (v === '') return undefined;
      const max = q.maxLength ?? (q.multiline ? 20000 : 1000);
      if (v.length > max)
        errors.push({ field: name, label: q.label, problem: 'tooLong', limit: String(max) });
      if (q.minLength !== undefined && v.length < q.minLength)
        errors.push({
          field: name,
          label: q.label,
          problem: 'tooShort',
          limit: String(q.minLength),
        });
      return v;
    }
    case 'number': {
      const v = text(body[name]).replace(/,/g, '');
      if (v === '') return undefined;
      if (!/^-?\d+(\.\d+)?$/.test(v)) {
        errors.push({ field: name, label: q.label, problem: q.integer ? 'integer' : 'number' });
        return undefined;
      }
      const n = Number(v);
      if (q.integer && !Number.isInteger(n))
        errors.push({ field: name, label: q.label, problem: 'integer' });
      else if (q.minimum !== undefined && n < q.minimum)
        errors.push({ field: name, label: q.label, problem: 'tooSmall', limit: String(q.minimum) });
      else if (q.maximum !== undefined && n > q.maximum)
        errors.push({ field: name, label: q.label, problem: 'tooBig', limit: String(q.maximum) });
      return n;
    }
    case 'money': {
      const v = text(body[name]).replace(/[$,\s]/g, '');
      if (v === '') return undefined;
      if (!MONEY.test(v)) {
        errors.push({ field: name, label: q.label, problem: 'money' });
        return undefined;
      }
      const amount = normalizeAmount(v);
      if (q.minimum !== undefined && toCents(amount) < toCents(q.minimum))
        errors.push({ field: name, label: q.label, problem: 'tooSmall', limit: q.minimum });
      if (q.maximum !== undefined && toCents(amount) > toCents(q.maximum))
        errors.push({ field: name, label: q.label, problem: 'tooBig', limit: q.maximum });
      return amount;
    }
    case 'date': {
      const [y, m, d] = ['year', 'month', 'day'].map((p) => text(body[`${name}.${p}`]));
      if (y === '' && m === '' && d === '') return undefined;
      const iso = `${y.padStart(4, '0')}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`;
      const date = new Date(`${iso}T00:00:00Z`);
      if (!/^\d{4}$/.test(y) || !DATE.test(iso) || date.toISOString().slice(0, 10) !== iso) {
        errors.push({ field: name, label: q.label, problem: 'date' });
        return undefined;
      }
      return iso;
    }
    case 'choice': {
      const v = text(body[name]);
      if (v === '') return undefined;
      if (!q.options.some((o) => o.value === v))
        errors.push({ field: name, label: q.label, problem: 'option' });
      return v;
    }
    case 'multi-choice': {
      const values = [...new Set(list(body[name]))];
      if (values.length === 0) return undefined;
      if (values.some((v) => !q.options.some((o) => o.value === v)))
        errors.push({ field: name, label: q.label, problem: 'option' });
      if (q.maxSelected !== undefined && values.length > q.maxSelected)
        errors.push({
          field: name,
          label: q.label,
          problem: 'tooMany',
          limit: String(q.maxSelected),
        });
      return values;
    }
    case 'file': {
      const v = text(body[name]);
      return v === '' ? undefined : v;
    }
  }
}

function readObject(
  questions: LeafQuestion[],
  body: FormBody,
  errors: AnswerError[],
  group?: string,
  index?: number,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const q of questions) {
    const v = readLeaf(q, fieldName(q.key, group, index), body, errors);
    if (v !== undefined) out[q.key] = v;
  }
  return out;
}

/**
 * A section's answers from its posted form, in the form definition's value types, with what a
 * person must fix before it can be saved (malformed or out-of-range values). Missing answers are
 * not errors here: a draft may be incomplete (the review page lists what is still missing).
 * An item of a repeatable group left entirely blank is dropped (that is how an item is removed).
 */
export function readSection(
  section: FormSection,
  body: FormBody,
): { answers: Record<string, unknown>; errors: AnswerError[] } {
  const errors: AnswerError[] = [];
  const answers: Record<string, unknown> = {};
  for (const q of section.questions) {
    if (q.type !== 'group') {
      const v = readLeaf(q, q.key, body, errors);
      if (v !== undefined) answers[q.key] = v;
    } else if (!q.repeatable) {
      const item = readObject(q.questions, body, errors, q.key);
      if (Object.keys(item).length > 0) answers[q.key] = item;
    } else {
      const items: Array<Record<string, unknown>> = [];
      for (let i = 0; i < itemCount(body, q.key, 0); i++) {
        const item = readObject(q.questions, body, errors, q.key, i);
        if (Object.keys(item).length > 0) items.push(item);
      }
      if (items.length > 0) answers[q.key] = items;
    }
  }
  return { answers, errors };
}

function leafToBody(q: LeafQuestion, name: string, value: unknown, body: FormBody): void {
  if (value === undefined || value === null) return;
  if (q.type === 'date' && typeof value === 'string') {
    const m = DATE.exec(value);
    if (m)
      Object.assign(body, {
        [`${name}.year`]: m[1],
        [`${name}.month`]: m[2],
        [`${name}.day`]: m[3],
      });
  } else if (q.type === 'multi-choice' && Array.isArray(value)) {
    body[name] = value.map(String);
  } else {
    body[name] = typeof value === 'string' || typeof value === 'number' ? String(value) : '';
  }
}

/** The saved answers of a section as the form body that shows them (the inverse of readSection). */
export function sectionToBody(section: FormSection, answers: unknown): FormBody {
  const body: FormBody = {};
  const saved = (answers ?? {}) as Record<string, unknown>;
  for (const q of section.questions) {
    const value = saved[q.key];
    if (q.type !== 'group') leafToBody(q, q.key, value, body);
    else if (!q.repeatable) {
      const item = (value ?? {}) as Record<string, unknown>;
      for (const sub of q.questions)
        leafToBody(sub, fieldName(sub.key, q.key), item[sub.key], body);
    } else if (Array.isArray(value)) {
      value.forEach((item: Record<string, unknown>, i) => {
        for (const sub of q.questions)
          leafToBody(sub, fieldName(sub.key, q.key, i), item?.[sub.key], body);
      });
    }
  }
  return body;
}

/** The questions of a section whose answers differ between two versions (for the conflict page). */
export function changedQuestions(section: FormSection, a: unknown, b: unknown): Question[] {
  const left = (a ?? {}) as Record<string, unknown>;
  const right = (b ?? {}) as Record<string, unknown>;
  return section.questions.filter(
    (q) => JSON.stringify(left[q.key] ?? null) !== JSON.stringify(right[q.key] ?? null),
  );
}
