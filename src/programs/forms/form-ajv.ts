import Ajv, { ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import { FieldProblem } from '../../core/errors/domain-error';
import { toCents } from '../../core/money/money';

/**
 * The Ajv set-up for application forms: JSON Schema 2020-ish draft 7 core, `date` and `uuid`
 * formats, and two keywords of our own for money held as decimal strings (JSON Schema's
 * minimum/maximum only compare numbers, and money never travels as a number).
 */
export function createFormAjv(): Ajv {
  const ajv = new Ajv({
    allErrors: true,
    strict: true,
    strictRequired: false,
    verbose: true,
    discriminator: true,
  });
  addFormats(ajv, ['date', 'uuid']);
  for (const [keyword, holds] of [
    ['moneyMinimum', (value: bigint, bound: bigint) => value >= bound],
    ['moneyMaximum', (value: bigint, bound: bigint) => value <= bound],
  ] as const) {
    ajv.addKeyword({
      keyword,
      type: 'string',
      schemaType: 'string',
      errors: false,
      validate: (bound: string, value: string) => {
        try {
          return holds(toCents(value), toCents(bound));
        } catch {
          return true; // the pattern reports malformed amounts
        }
      },
    });
  }
  return ajv;
}

const escapePointer = (segment: string) => segment.replace(/~/g, '~0').replace(/\//g, '~1');

function detailOf(error: ErrorObject): string {
  switch (error.keyword) {
    case 'required':
      return 'is required';
    case 'additionalProperties':
      return 'is not a question of this form';
    case 'moneyMinimum':
      return `must be at least ${String(error.schema)}`;
    case 'moneyMaximum':
      return `must be at most ${String(error.schema)}`;
    case 'pattern':
      return error.parentSchema &&
        (error.parentSchema as { pattern?: string }).pattern?.includes('\\.[0-9]{1,2}')
        ? 'must be an amount like "1250.00"'
        : `must match ${String(error.schema)}`;
    case 'discriminator':
      return 'is not a known type';
    case 'enum':
      return `must be one of: ${(error.schema as unknown[]).map(String).join(', ')}`;
    default:
      return error.message ?? 'is not valid';
  }
}

/** Ajv errors as JSON Pointers under `prefix`, pointing at the offending (or missing) member. */
export function toFieldProblems(
  errors: ErrorObject[] | null | undefined,
  prefix: string,
): FieldProblem[] {
  const seen = new Set<string>();
  const problems: FieldProblem[] = [];
  for (const error of errors ?? []) {
    // oneOf/discriminator umbrella errors repeat what the branch already said.
    if (error.keyword === 'oneOf' || error.keyword === 'if') continue;
    let pointer = `${prefix}${error.instancePath}`;
    if (error.keyword === 'required') {
      pointer += `/${escapePointer(String((error.params as { missingProperty: string }).missingProperty))}`;
    } else if (error.keyword === 'discriminator') {
      pointer += `/${escapePointer(String((error.params as { tag: string }).tag))}`;
    } else if (error.keyword === 'additionalProperties') {
      pointer += `/${escapePointer(String((error.params as { additionalProperty: string }).additionalProperty))}`;
    }
    const problem = { pointer, detail: detailOf(error) };
    const id = `${problem.pointer} ${problem.detail}`;
    if (!seen.has(id)) {
      seen.add(id);
      problems.push(problem);
    }
  }
  return problems;
}
