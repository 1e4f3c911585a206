import type { ValidateFunction } from 'ajv';
import { FieldProblem } from '../../core/errors/domain-error';
import { createFormAjv, toFieldProblems } from './form-ajv';
import { FormDefinition, Question } from './form-definition';
import type { JsonSchema } from './form-compiler';

export type AnswerMode = 'draft' | 'complete';

/** Problems a draft may still have: things not yet filled in. */
const MISSING = new Set(['required', 'minItems', 'minLength']);

/**
 * Validates answers against a published form version. Compiled validators are cached per form
 * version (immutable, so the cache never goes stale); the cache is bounded.
 */
export class AnswerValidator {
  private readonly ajv = createFormAjv();
  private readonly cache = new Map<string, ValidateFunction>();

  constructor(private readonly capacity = 500) {}

  validate(
    cacheKey: string,
    schema: JsonSchema,
    answers: unknown,
    mode: AnswerMode,
  ): FieldProblem[] {
    let validate = this.cache.get(cacheKey);
    if (!validate) {
      validate = this.ajv.compile(schema);
      if (this.cache.size >= this.capacity) {
        this.cache.delete(this.cache.keys().next().value as string);
      }
      this.cache.set(cacheKey, validate);
    }
    if (validate(answers)) return [];
    const errors =
      mode === 'draft' ? validate.errors?.filter((e) => !MISSING.has(e.keyword)) : validate.errors;
    return toFieldProblems(errors, '/answers');
  }
}

/** JSON Pointers (under /answers) of every file answer, with the attachment id it names. */
export function fileAnswers(
  definition: FormDefinition,
  answers: unknown,
): Array<{ pointer: string; id: string }> {
  const found: Array<{ pointer: string; id: string }> = [];
  const visit = (questions: Question[], value: unknown, at: string) => {
    if (!value || typeof value !== 'object') return;
    const record = value as Record<string, unknown>;
    for (const q of questions) {
      const v = record[q.key];
      if (v === undefined || v === null) continue;
      if (q.type === 'file' && typeof v === 'string')
        found.push({ pointer: `${at}/${q.key}`, id: v });
      if (q.type === 'group') {
        if (Array.isArray(v))
          v.forEach((item, i) => visit(q.questions, item, `${at}/${q.key}/${i}`));
        else visit(q.questions, v, `${at}/${q.key}`);
      }
    }
  };
  const all = (answers ?? {}) as Record<string, unknown>;
  for (const s of definition.sections) visit(s.questions, all[s.key], `/answers/${s.key}`);
  return found;
}
