import {
  SchemaOptions,
  Static,
  TOptional,
  TSchema,
  TString,
  TUnsafe,
  Type,
} from '@sinclair/typebox';

/**
 * The words agency configuration is written in: TypeBox schemas (plain JSON Schema, so Ajv checks
 * them at boot and editors read the same text) carrying the operator-facing message in
 * `errorMessage` (the keyword VS Code's and yaml-language-server's validators show, too).
 */

/** Text that is not blank; `expectation` completes "must be …" when the pattern fails. */
export function text(pattern?: RegExp, expectation?: string, options: SchemaOptions = {}): TString {
  return Type.String({
    minLength: 1,
    // Not blank; an anchored pattern of the field's own replaces this.
    pattern: pattern ? pattern.source : '\\S',
    ...(expectation ? { errorMessage: `must be ${expectation}` } : {}),
    ...options,
  });
}

export function integer(minimum: number, maximum: number, options: SchemaOptions = {}) {
  return Type.Integer({
    minimum,
    maximum,
    errorMessage: `must be a whole number from ${minimum} to ${maximum}`,
    ...options,
  });
}

/** One of a fixed list of names, typed as their union. */
export function oneOf<const T extends readonly string[]>(
  values: T,
  options: SchemaOptions = {},
): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({
    type: 'string',
    enum: [...values],
    errorMessage: `must be one of ${values.join(', ')}`,
    ...options,
  });
}

/** A list with no repeated entries. */
export function list<T extends TSchema>(item: T, options: { nonEmpty?: boolean } & SchemaOptions) {
  const { nonEmpty, ...rest } = options;
  return Type.Array(item, { uniqueItems: true, ...(nonEmpty ? { minItems: 1 } : {}), ...rest });
}

/** A mapping whose keys are fixed; any other key is a problem (a typo must not pass silently). */
export function fields<P extends Parameters<typeof Type.Object>[0]>(
  properties: P,
  options: SchemaOptions = {},
) {
  return Type.Object(properties, { additionalProperties: false, ...options });
}

/**
 * A field the file may leave out: the loader fills in `value`. Typed as present (readers see the
 * value after defaults); `publishable` drops it from `required` so the file may omit it.
 */
export function defaulted<T extends TSchema>(schema: T, value: Static<T>): T {
  return { ...schema, default: value };
}

/**
 * The schema as published and checked: every defaulted property taken out of its object's
 * `required` (TypeBox lists it there, since the type after defaults has it). Returns a copy.
 */
export function publishable<T extends TSchema>(schema: T): T {
  const copy = JSON.parse(JSON.stringify(schema)) as Record<string, unknown>;
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (node === null || typeof node !== 'object') return;
    const object = node as Record<string, unknown>;
    const properties = object.properties as Record<string, { default?: unknown }> | undefined;
    if (properties && Array.isArray(object.required)) {
      const required = (object.required as string[]).filter(
        (key) => properties[key]?.default === undefined,
      );
      if (required.length > 0) object.required = required;
      else delete object.required;
    }
    Object.values(object).forEach(visit);
  };
  visit(copy);
  return copy as T;
}

/**
 * What one strategy name brings to an agency's file. `options`: the field (beside the field that
 * chooses the strategy) holding its settings, required when it is chosen, checked by its schema
 * piece; `formats`: the string formats that piece uses (Ajv `format` checks).
 */
export interface StrategyDeclaration {
  options?: { field: string; schema: TSchema };
  formats?: Record<string, (value: string) => boolean>;
}

/** Optional fields `field: schema` for the options of each strategy a choosing field may name. */
type OptionFields<D> = {
  [
    K in keyof D as D[K] extends { options: { field: infer F extends string } } ? F : never
  ]: D[K] extends {
    options: { schema: infer S extends TSchema };
  }
    ? TOptional<S>
    : never;
};

/**
 * The field choosing a strategy of `kind` by name, and the fields holding each strategy's own
 * options (required when that strategy is chosen, checked by the strategy's schema piece).
 */
export function strategyChoice<D extends Record<string, StrategyDeclaration>>(
  kind: string,
  choosingField: string,
  declared: D,
  description: string,
) {
  const names = Object.keys(declared).sort();
  const optionFields: Record<string, TSchema> = {};
  const requirements: object[] = [];
  for (const [name, { options }] of Object.entries(declared)) {
    if (!options) continue;
    optionFields[options.field] = Type.Optional(options.schema);
    requirements.push({
      if: { properties: { [choosingField]: { const: name } }, required: [choosingField] },
      then: {
        required: [options.field],
        errorMessage: `is required when ${choosingField} is ${name}`,
      },
    });
  }
  return {
    choice: Type.String({
      enum: names,
      errorMessage: `must name a known ${kind} strategy (${names.join(', ')})`,
      description,
    }),
    optionFields: optionFields as OptionFields<D>,
    requirements,
  };
}
