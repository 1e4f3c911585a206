import Ajv, { ErrorObject } from 'ajv';
import { AGENCY_CONFIG_FORMATS, AgencyConfig, AgencyConfigSchema } from './agency-config';
import { ssoProblems } from './sso-config';

/**
 * Checks one parsed agency file against AgencyConfigSchema (agency-config.ts) with Ajv and turns
 * Ajv's findings into operator messages: `<file>: <field path>: <problem>`. Every problem is
 * reported (not just the first), so an operator fixes a file in one pass. Unknown fields are
 * problems too: a misspelt key would otherwise silently fall back to nothing.
 */

const ajv = new Ajv({
  allErrors: true,
  useDefaults: true,
  verbose: true,
  strict: true,
  strictRequired: false, // a strategy's `then: { required }` names a field declared beside it
});
// Annotations the messages come from (errorMessage is also what editors show).
ajv.addKeyword({ keyword: 'errorMessage', schemaType: 'string' });
ajv.addKeyword({ keyword: 'unknownFieldMessage', schemaType: 'string' });
for (const [name, validate] of Object.entries(AGENCY_CONFIG_FORMATS)) {
  ajv.addFormat(name, { type: 'string', validate });
}
const validate = ajv.compile<AgencyConfig>(AgencyConfigSchema);

interface NodeSchema {
  type?: string;
  errorMessage?: string;
  unknownFieldMessage?: string;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** "/finance/allowedFunctionCodes/1" → "finance.allowedFunctionCodes[1]". */
function fieldPath(pointer: string, child?: string | number): string {
  const segments = pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (child !== undefined) segments.push(String(child));
  return segments.reduce(
    (path, segment) =>
      /^\d+$/.test(segment) ? `${path}[${segment}]` : path ? `${path}.${segment}` : segment,
    '',
  );
}

/** What is wrong with the value at one field, from the schema's annotation or its type. */
function problemWithValue(schema: NodeSchema, data: unknown): string {
  if (typeof data === 'string' && data.trim() === '' && schema.type === 'string') {
    return 'must not be empty';
  }
  // YAML turns 1000 and 07 into numbers: say how to keep them as text.
  const hint = schema.type === 'string' && typeof data === 'number' ? ' (quote it in YAML)' : '';
  if (schema.errorMessage) return schema.errorMessage + hint;
  switch (schema.type) {
    case 'string':
      return `must be a string${hint}`;
    case 'boolean':
      return 'must be true or false';
    case 'array':
      return 'must be a list';
    case 'object':
      return 'must be a mapping of fields';
    default:
      return 'is not valid';
  }
}

/** One Ajv error as [field path, problem], or undefined for errors another one already explains. */
function describe(error: ErrorObject): [string, string] | undefined {
  const schema = (error.parentSchema ?? {}) as NodeSchema;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'if': // the `then` branch's own error says what is missing
      return undefined;
    case 'required':
      return [
        fieldPath(error.instancePath, params.missingProperty as string),
        schema.errorMessage ?? 'is required',
      ];
    case 'additionalProperties':
      return [
        fieldPath(error.instancePath, params.additionalProperty as string),
        schema.unknownFieldMessage ?? 'is not a known field',
      ];
    case 'uniqueItems': {
      const at = Math.max(params.i as number, params.j as number);
      const item = (error.data as unknown[])[at];
      return [fieldPath(error.instancePath, at), `repeats ${JSON.stringify(item)}`];
    }
    case 'minItems':
      return [fieldPath(error.instancePath), 'must not be empty'];
    default:
      return [fieldPath(error.instancePath), problemWithValue(schema, error.data)];
  }
}

/** YAML writes "absent" as an empty value (null): treat it as absent, as an operator means it. */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (!isPlainObject(value)) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== null)
      .map(([k, v]) => [k, withoutNulls(v)]),
  );
}

export interface AgencyConfigCheck {
  config?: AgencyConfig;
  problems: string[];
}

/**
 * Validates one parsed file and fills in defaults. `expectedCode` is the file's base name, which
 * must equal `code` so the file for an agency is always where an operator looks for it.
 */
export function validateAgencyConfig(
  raw: unknown,
  file: string,
  expectedCode: string,
): AgencyConfigCheck {
  const at = (path: string, problem: string) =>
    path ? `${file}: ${path}: ${problem}` : `${file}: ${problem}`;
  if (!isPlainObject(raw)) {
    return { problems: [at('', 'must be a YAML mapping of agency settings')] };
  }
  const config = withoutNulls(raw) as Record<string, unknown>;
  const problems: string[] = [];
  const seen = new Set<string>();
  if (!validate(config)) {
    for (const error of validate.errors ?? []) {
      const found = describe(error);
      if (!found || seen.has(found[0])) continue; // one problem per field is enough to fix it
      seen.add(found[0]);
      problems.push(at(...found));
    }
  }
  if (typeof config.code === 'string' && config.code !== expectedCode && !seen.has('code')) {
    problems.push(at('code', `must match the file name ("${expectedCode}"), got "${config.code}"`));
  }
  if (problems.length === 0) {
    for (const [path, problem] of ssoProblems((config as AgencyConfig).sso)) {
      problems.push(at(path, problem));
    }
  }
  if (problems.length > 0) return { problems };
  return { config: config as AgencyConfig, problems: [] };
}
