import { FieldProblem } from '../../core/errors/domain-error';
import { createFormAjv, toFieldProblems } from './form-ajv';
import { FORM_DEFINITION_SCHEMA, FormDefinition, LeafQuestion, Question } from './form-definition';
import { MONEY_PATTERN, toCents } from '../../core/money/money';

export type JsonSchema = Record<string, unknown>;

const ajv = createFormAjv();
const validateDefinitionShape = ajv.compile(FORM_DEFINITION_SCHEMA);

function leafSchema(q: LeafQuestion): JsonSchema {
  switch (q.type) {
    case 'text':
      return {
        type: 'string',
        maxLength: q.maxLength ?? (q.multiline ? 20000 : 1000),
        ...(q.minLength !== undefined ? { minLength: q.minLength } : {}),
      };
    case 'number':
      return {
        type: q.integer ? 'integer' : 'number',
        ...(q.minimum !== undefined ? { minimum: q.minimum } : {}),
        ...(q.maximum !== undefined ? { maximum: q.maximum } : {}),
      };
    case 'money':
      return {
        type: 'string',
        pattern: MONEY_PATTERN,
        ...(q.minimum !== undefined ? { moneyMinimum: q.minimum } : {}),
        ...(q.maximum !== undefined ? { moneyMaximum: q.maximum } : {}),
      };
    case 'date':
      return { type: 'string', format: 'date' };
    case 'choice':
      return { type: 'string', enum: q.options.map((o) => o.value) };
    case 'multi-choice':
      return {
        type: 'array',
        uniqueItems: true,
        items: { type: 'string', enum: q.options.map((o) => o.value) },
        ...(q.minSelected !== undefined ? { minItems: q.minSelected } : {}),
        ...(q.maxSelected !== undefined ? { maxItems: q.maxSelected } : {}),
      };
    case 'file':
      return { type: 'string', format: 'uuid' };
  }
}

function objectOf(questions: Question[]): JsonSchema {
  const required = questions.filter((q) => q.required).map((q) => q.key);
  return {
    type: 'object',
    additionalProperties: false,
    properties: Object.fromEntries(questions.map((q) => [q.key, questionSchema(q)])),
    ...(required.length > 0 ? { required } : {}),
  };
}

function questionSchema(q: Question): JsonSchema {
  if (q.type !== 'group') return leafSchema(q);
  const item = objectOf(q.questions);
  if (!q.repeatable) return item;
  return {
    type: 'array',
    items: item,
    ...(q.minItems !== undefined ? { minItems: q.minItems } : q.required ? { minItems: 1 } : {}),
    ...(q.maxItems !== undefined ? { maxItems: q.maxItems } : {}),
  };
}

/**
 * The JSON Schema of complete answers. Drafts are checked against the same schema with
 * "missing" problems (required, minItems, minLength) ignored: see AnswerValidator.
 */
export function compileFormSchema(definition: FormDefinition): JsonSchema {
  const sectionsWithRequired = definition.sections
    .filter((s) => s.questions.some((q) => q.required))
    .map((s) => s.key);
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    type: 'object',
    additionalProperties: false,
    properties: Object.fromEntries(definition.sections.map((s) => [s.key, objectOf(s.questions)])),
    ...(sectionsWithRequired.length > 0 ? { required: sectionsWithRequired } : {}),
  };
}

function duplicates(keys: string[]): Set<number> {
  const seen = new Map<string, number>();
  const dup = new Set<number>();
  keys.forEach((k, i) => {
    if (seen.has(k)) dup.add(i);
    else seen.set(k, i);
  });
  return dup;
}

function checkQuestions(questions: Question[], at: string, problems: FieldProblem[]): void {
  for (const i of duplicates(questions.map((q) => q.key))) {
    problems.push({ pointer: `${at}/${i}/key`, detail: 'repeats the key of an earlier question' });
  }
  questions.forEach((q, i) => {
    const here = `${at}/${i}`;
    if (q.type === 'choice' || q.type === 'multi-choice') {
      for (const j of duplicates(q.options.map((o) => o.value))) {
        problems.push({
          pointer: `${here}/options/${j}/value`,
          detail: 'repeats an earlier option',
        });
      }
    }
    const bounds: Array<[unknown, unknown, string]> = [];
    if (q.type === 'text') bounds.push([q.minLength, q.maxLength, 'maxLength']);
    if (q.type === 'number') bounds.push([q.minimum, q.maximum, 'maximum']);
    if (q.type === 'multi-choice') {
      bounds.push([q.minSelected, q.maxSelected, 'maxSelected']);
      if (q.maxSelected !== undefined && q.maxSelected > q.options.length) {
        problems.push({ pointer: `${here}/maxSelected`, detail: 'exceeds the number of options' });
      }
    }
    if (q.type === 'group') {
      bounds.push([q.minItems, q.maxItems, 'maxItems']);
      if (!q.repeatable && (q.minItems !== undefined || q.maxItems !== undefined)) {
        problems.push({
          pointer: here,
          detail: 'minItems and maxItems apply only to repeatable groups',
        });
      }
      checkQuestions(q.questions, `${here}/questions`, problems);
    }
    for (const [low, high, field] of bounds) {
      if (typeof low === 'number' && typeof high === 'number' && low > high) {
        problems.push({ pointer: `${here}/${field}`, detail: 'is less than the lower bound' });
      }
    }
    if (q.type === 'money' && q.minimum !== undefined && q.maximum !== undefined) {
      if (toCents(q.minimum) > toCents(q.maximum)) {
        problems.push({ pointer: `${here}/maximum`, detail: 'is less than the minimum' });
      }
    }
  });
}

/**
 * Checks a form definition before a program is saved: its shape (the format's own schema),
 * unique keys and options, sane bounds, and that the JSON Schema it compiles to is valid.
 * Problems point into the request body under `prefix` (e.g. "/form").
 */
export function checkFormDefinition(definition: unknown, prefix = '/form'): FieldProblem[] {
  if (!validateDefinitionShape(definition)) {
    return toFieldProblems(validateDefinitionShape.errors, prefix);
  }
  const form: FormDefinition = definition;
  const problems: FieldProblem[] = [];
  for (const i of duplicates(form.sections.map((s) => s.key))) {
    problems.push({
      pointer: `${prefix}/sections/${i}/key`,
      detail: 'repeats the key of an earlier section',
    });
  }
  form.sections.forEach((s, i) =>
    checkQuestions(s.questions, `${prefix}/sections/${i}/questions`, problems),
  );
  if (problems.length === 0) {
    try {
      ajv.compile(compileFormSchema(form));
    } catch (error) {
      problems.push({ pointer: prefix, detail: `does not compile: ${(error as Error).message}` });
    }
  }
  return problems;
}
