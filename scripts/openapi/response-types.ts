/**
 * Reads the API's own TypeScript: what each controller method returns (its view type, as the
 * compiler infers it) and every coded DomainError, and writes them as data the OpenAPI document
 * is completed from at boot (src/core/openapi/api-types.generated.ts). The views stay the one
 * source of a response's shape: no DTO class to keep in step with them by hand.
 *
 * The conversion of a TypeScript type to JSON Schema is ts-json-schema-generator's; this file only
 * finds the controllers (by their decorators), names one type per operation, and turns the
 * draft-07 result into OpenAPI 3.0 schemas (nullable instead of a `null` type, no `const`).
 *
 * Run by `npm run openapi`; `test/openapi-document.e2e-spec.ts` fails when the file is stale.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as ts from 'typescript';
import { buildGenerator } from 'typescript-json-schema';
import { API_TYPES_PATH, repositoryRoot } from './paths';

const ROOT = repositoryRoot(__dirname);
const OUT = API_TYPES_PATH;
const HTTP_METHODS = new Set(['Get', 'Post', 'Put', 'Patch', 'Delete']);
/** Return types that are not JSON bodies: files, streams and empty answers are declared by hand. */
const NOT_JSON = /^(void|undefined|StreamableFile|never|unknown|any)$/;

export interface Operation {
  operationId: string;
  className: string;
  method: string;
  file: string;
  /** Takes `@Headers('if-match')`: an optimistic-concurrency write. */
  ifMatch: boolean;
  /** Sets an ETag on its answer. */
  etag: boolean;
  /** The handler's doc comment. */
  description?: string;
}

type Schema = Record<string, unknown>;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory())
      return name === 'web' && dir.endsWith('src') ? [] : sourceFiles(path);
    return /\.ts$/.test(name) && !/\.(spec|generated)\.ts$/.test(name) ? [path] : [];
  });
}

function decoratorsOf(node: ts.Node): Array<{ name: string; args: readonly ts.Expression[] }> {
  return (ts.canHaveDecorators(node) ? (ts.getDecorators(node) ?? []) : []).map((d) => {
    const call = ts.isCallExpression(d.expression) ? d.expression : undefined;
    const callee = call ? call.expression : d.expression;
    return { name: ts.isIdentifier(callee) ? callee.text : '', args: call?.arguments ?? [] };
  });
}

/** A declaration's /** ... *\/ comment as plain text (the handler's own words for the document). */
function docComment(node: ts.Node): string | undefined {
  const text = ts
    .getJSDocCommentsAndTags(node)
    .filter(ts.isJSDoc)
    .map((doc) => ts.getTextOfJSDocComment(doc.comment) ?? '')
    .join('\n')
    .trim();
  return text || undefined;
}

/** `@ApiOperation({ operationId: 'x' })`, else Nest's default `Class_method`. */
function operationIdOf(className: string, method: string, node: ts.Node): string {
  for (const d of decoratorsOf(node)) {
    if (d.name !== 'ApiOperation' || !d.args[0] || !ts.isObjectLiteralExpression(d.args[0]))
      continue;
    for (const p of d.args[0].properties)
      if (
        ts.isPropertyAssignment(p) &&
        p.name.getText() === 'operationId' &&
        ts.isStringLiteral(p.initializer)
      )
        return p.initializer.text;
  }
  return `${className}_${method}`;
}

/** Every API operation: methods with an HTTP decorator in a controller the document includes. */
export function apiOperations(): Operation[] {
  const found: Operation[] = [];
  for (const file of sourceFiles(join(ROOT, 'src'))) {
    const text = readFileSync(file, 'utf8');
    if (!text.includes('@Controller(')) continue;
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
    for (const node of source.statements) {
      if (!ts.isClassDeclaration(node) || !node.name) continue;
      const decorators = decoratorsOf(node).map((d) => d.name);
      if (!decorators.includes('Controller') || decorators.includes('ApiExcludeController'))
        continue;
      if (decorators.includes('WebPage')) continue;
      for (const member of node.members) {
        if (!ts.isMethodDeclaration(member) || !ts.isIdentifier(member.name)) continue;
        const names = decoratorsOf(member).map((d) => d.name);
        if (!names.some((n) => HTTP_METHODS.has(n)) || names.includes('ApiExcludeEndpoint'))
          continue;
        const ifMatch = member.parameters.some((p) =>
          decoratorsOf(p).some(
            (d) =>
              d.name === 'Headers' &&
              ts.isStringLiteral(d.args[0] ?? ts.factory.createTrue()) &&
              (d.args[0] as ts.StringLiteral).text.toLowerCase() === 'if-match',
          ),
        );
        const body = member.body?.getText() ?? '';
        found.push({
          operationId: operationIdOf(node.name.text, member.name.text, member),
          className: node.name.text,
          method: member.name.text,
          file,
          ifMatch,
          etag: /\betag\(|'etag'/.test(body),
          description: docComment(member),
        });
      }
    }
  }
  return found.sort((a, b) => a.operationId.localeCompare(b.operationId));
}

export interface ErrorCode {
  code: string;
  status: number;
  /** The module (folder under src/) that defines it. */
  module: string;
}

export interface OperationFacts {
  /** The module (src/ folder) of its controller, whose error codes it may answer. */
  module: string;
  ifMatch?: true;
  etag?: true;
  description?: string;
}

/** Where each base error class takes its code and status from: a super(...) argument or fixed. */
type Arg = number | string;
const BASES: Record<string, { code: Arg; status: Arg }> = {
  DomainError: { code: 0, status: 1 },
  NotFoundError: { code: 1, status: '404' },
  ConflictError: { code: 0, status: '409' },
  ValidationFailedError: { code: 'request.invalid', status: '400' },
  UnauthenticatedError: { code: 'auth.unauthenticated', status: '401' },
  ForbiddenError: { code: 'auth.forbidden', status: '403' },
};
const DEFAULT_NOT_FOUND = 'resource.not_found';

interface ErrorClass {
  base: string;
  superArgs: readonly ts.Expression[];
  params: readonly ts.ParameterDeclaration[];
  module: string;
}

const moduleOf = (file: string) => relative(join(ROOT, 'src'), file).split('/')[0];

/** A string or number the expression is, or which constructor parameter (by index) it is. */
function valueOf(
  e: ts.Expression | undefined,
  params: readonly ts.ParameterDeclaration[],
): { value?: string | number; param?: number } {
  if (!e) return {};
  if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) return { value: e.text };
  if (ts.isNumericLiteral(e)) return { value: Number(e.text) };
  if (ts.isIdentifier(e)) {
    const index = params.findIndex((p) => ts.isIdentifier(p.name) && p.name.text === e.text);
    if (index >= 0) {
      const initial = params[index].initializer;
      const fallback = initial ? valueOf(initial, []).value : undefined;
      return { value: fallback, param: index };
    }
  }
  return {};
}

/**
 * Every coded error: each `class X extends <a DomainError>` whose super(...) names its code and
 * status as literals, or takes them from its own parameters (then the literal defaults, and the
 * literals each `new X(...)` passes, count). A code computed at run time is left out.
 */
export function errorCodes(): ErrorCode[] {
  const classes = new Map<string, ErrorClass>();
  const sources = sourceFiles(join(ROOT, 'src')).map((file) =>
    ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true),
  );
  for (const source of sources) {
    for (const node of source.statements) {
      if (!ts.isClassDeclaration(node) || !node.name) continue;
      const heritage = node.heritageClauses?.[0]?.types[0]?.expression;
      if (!heritage || !ts.isIdentifier(heritage) || !/Error$/.test(heritage.text)) continue;
      const constructor = node.members.find(ts.isConstructorDeclaration);
      let superArgs: readonly ts.Expression[] = [];
      const visit = (n: ts.Node): void => {
        if (ts.isCallExpression(n) && n.expression.kind === ts.SyntaxKind.SuperKeyword)
          superArgs = n.arguments;
        else ts.forEachChild(n, visit);
      };
      if (constructor) ts.forEachChild(constructor, visit);
      classes.set(node.name.text, {
        base: heritage.text,
        superArgs,
        params: constructor?.parameters ?? [],
        module: moduleOf(source.fileName),
      });
    }
  }
  /** What `new name(args)` answers: its code and status, where the source says them. */
  const resolve = (
    name: string,
    args: readonly ts.Expression[] | undefined,
    depth = 0,
  ): { code?: string | number; status?: string | number } => {
    const own = BASES[name];
    const pick = (arg: Arg) => {
      if (typeof arg === 'string') return { value: arg };
      const e = args?.[arg];
      return e ? valueOf(e, []) : {};
    };
    if (own) {
      const code =
        pick(own.code).value ?? (name === 'NotFoundError' ? DEFAULT_NOT_FOUND : undefined);
      return { code, status: pick(own.status).value };
    }
    const entry = classes.get(name);
    if (!entry || depth > 10) return {};
    // The parent sees this class's super(...) arguments, each a literal or one of our parameters.
    const forwarded = entry.superArgs.map((e) => {
      const v = valueOf(e, entry.params);
      const passed = v.param !== undefined ? args?.[v.param] : undefined;
      const literal = passed ? valueOf(passed, []).value : v.value;
      return literal === undefined ? e : ts.factory.createStringLiteral(String(literal));
    });
    return resolve(entry.base, forwarded, depth + 1);
  };
  const codes = new Map<string, ErrorCode>();
  const add = (code: unknown, status: unknown, module: string) => {
    if (typeof code !== 'string' || !/^[a-z_]+(\.[a-z_]+)+$/.test(code)) return;
    const n = Number(status);
    if (!(n >= 400 && n < 600)) return;
    if (!codes.has(`${code} ${n}`)) codes.set(`${code} ${n}`, { code, status: n, module });
  };
  // The classes themselves (literal or default code)...
  for (const [name, entry] of classes) {
    const { code, status } = resolve(name, undefined);
    add(code, status, entry.module);
  }
  // ...and each place one is made with a literal code.
  for (const source of sources) {
    const visit = (n: ts.Node): void => {
      if (ts.isNewExpression(n) && ts.isIdentifier(n.expression)) {
        const name = n.expression.text;
        if (classes.has(name) || BASES[name]) {
          const { code, status } = resolve(name, n.arguments ?? []);
          add(code, status, moduleOf(source.fileName));
        }
      }
      ts.forEachChild(n, visit);
    };
    visit(source);
  }
  return [...codes.values()].sort((a, b) => a.code.localeCompare(b.code) || a.status - b.status);
}

/** Component names allow [A-Za-z0-9._-]: `Page<ApplicationSummary>` becomes `Page_ApplicationSummary`. */
const componentName = (name: string) => name.replace(/[^A-Za-z0-9._-]+/g, '_');

/** Draft-07 (as ts-json-schema-generator writes it) to an OpenAPI 3.0 schema object. */
export function toOpenApi30(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(toOpenApi30);
  if (schema === null || typeof schema !== 'object') return schema;
  const s: Schema = {};
  for (const [key, value] of Object.entries(schema as Schema)) {
    if (key === '$ref' && typeof value === 'string')
      s.$ref = `#/components/schemas/${componentName(decodeURIComponent(value.replace('#/definitions/', '')))}`;
    else if (key === 'const') s.enum = [value];
    else if (key === 'properties' || key === 'definitions')
      s[key] = Object.fromEntries(
        Object.entries(value as Schema).map(([k, v]) => [k, toOpenApi30(v)]),
      );
    else if (key === '$schema') continue;
    else s[key] = toOpenApi30(value);
  }
  // type: ['string', 'null'] → type: 'string', nullable: true
  if (Array.isArray(s.type)) {
    const types = (s.type as string[]).filter((t) => t !== 'null');
    const nullable = types.length < (s.type as string[]).length;
    if (types.length === 1) s.type = types[0];
    else {
      delete s.type;
      s.anyOf = types.map((type) => ({ type }));
    }
    if (nullable) s.nullable = true;
  }
  if (s.type === 'null') {
    delete s.type;
    s.nullable = true;
    s.enum = [null];
  }
  // anyOf: [X, {type: null}] → X, nullable (a $ref cannot carry siblings in 3.0: allOf around it)
  for (const key of ['anyOf', 'oneOf'] as const) {
    const options = s[key] as Schema[] | undefined;
    if (!options) continue;
    const rest = options.filter(
      (o) => !(o.nullable === true && (o.enum as unknown[])?.[0] === null),
    );
    if (rest.length === options.length) continue;
    delete s[key];
    if (rest.length === 1) {
      const only = rest[0];
      if (only.$ref) Object.assign(s, { allOf: [only] });
      else Object.assign(s, only);
    } else s[key] = rest;
    s.nullable = true;
  }
  if (Array.isArray(s.enum) && s.enum.includes(null)) s.nullable = true;
  // A $ref's siblings are ignored in 3.0: a described reference is an allOf of one.
  if (typeof s.$ref === 'string' && Object.keys(s).length > 1) {
    const { $ref, ...rest } = s;
    return { ...rest, allOf: [{ $ref }] };
  }
  return s;
}

/**
 * A union of named object types that each fix one member to a different literal (`type: 'text'`,
 * `type: 'choice'`, ...) is a discriminated union: `oneOf` with a `discriminator`, so a client
 * generator narrows on it (the form definition's question types).
 */
function discriminate(schema: unknown, definitions: Record<string, Schema>): unknown {
  if (Array.isArray(schema)) return schema.map((s) => discriminate(s, definitions));
  if (schema === null || typeof schema !== 'object') return schema;
  const s = Object.fromEntries(
    Object.entries(schema as Schema).map(([k, v]) => [k, discriminate(v, definitions)]),
  );
  const options = s.anyOf as Schema[] | undefined;
  if (!options || options.length < 2 || !options.every((o) => typeof o.$ref === 'string')) return s;
  const targets = options.map((o) => {
    const name = (o.$ref as string).split('/').pop()!;
    return { ref: o.$ref as string, schema: definitions[name] };
  });
  const first = targets[0].schema;
  const candidates = Object.keys((first?.properties as Record<string, Schema>) ?? {});
  for (const property of candidates) {
    const values = targets.map((t) => {
      const p = (t.schema?.properties as Record<string, Schema> | undefined)?.[property];
      const required = (t.schema?.required as string[] | undefined)?.includes(property);
      const only =
        Array.isArray(p?.enum) && p.enum.length === 1 ? (p.enum as unknown[])[0] : undefined;
      return required ? only : undefined;
    });
    if (values.some((v) => typeof v !== 'string') || new Set(values).size !== values.length)
      continue;
    delete s.anyOf;
    s.oneOf = options;
    s.discriminator = {
      propertyName: property,
      mapping: Object.fromEntries(targets.map((t, i) => [values[i] as string, t.ref])),
    };
    return s;
  }
  return s;
}

/** One exported alias per operation in a scratch file, for the generator to resolve. */
function operationTypes(operations: Operation[]): { file: string; dir: string } {
  // Not a dot-folder: the compiler host skips none, but editors and globbing tools do.
  const dir = mkdtempSync(join(ROOT, 'openapi-scratch-'));
  const lines: string[] = [];
  operations.forEach((op, i) => {
    const from = relative(dir, op.file).replace(/\.ts$/, '');
    lines.push(`import type { ${op.className} as C${i} } from '${from}';`);
    lines.push(`export type ${op.operationId} = Awaited<ReturnType<C${i}['${op.method}']>>;`);
  });
  const file = join(dir, 'operations.ts');
  writeFileSync(file, lines.join('\n') + '\n');
  return { file, dir };
}

/**
 * Names the generator gives to types that have none of their own (`__type`, an instance of a
 * generic such as `Partial` or `Record`): inlined where used, as one name would stand for
 * several shapes.
 */
const ANONYMOUS =
  /^(__|[A-Z]$|(Partial|Record|Pick|Omit|Required|Readonly|Awaited|ReturnType|Array)(_\d+)?$)|[^A-Za-z0-9_]/;

function inlineAnonymous(schema: unknown, definitions: Record<string, Schema>, depth = 0): unknown {
  if (Array.isArray(schema)) return schema.map((s) => inlineAnonymous(s, definitions, depth));
  if (schema === null || typeof schema !== 'object') return schema;
  const s = schema as Schema;
  if (typeof s.$ref === 'string') {
    const raw = s.$ref.replace('#/definitions/', '');
    const name = decodeURIComponent(raw);
    const target = definitions[name] ?? definitions[raw];
    if (ANONYMOUS.test(name) && target && depth < 20)
      return inlineAnonymous(target, definitions, depth + 1);
  }
  return Object.fromEntries(
    Object.entries(s).map(([k, v]) => [k, inlineAnonymous(v, definitions, depth)]),
  );
}

/** The operations whose type is a JSON body (not void, a file or a stream), by alias name. */
function jsonBodies(program: ts.Program, file: string): string[] {
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(file)!;
  return source.statements.filter(ts.isTypeAliasDeclaration).flatMap((alias) => {
    const type = checker.getTypeAtLocation(alias.name);
    const empty = ts.TypeFlags.Void | ts.TypeFlags.Undefined | ts.TypeFlags.Never;
    if (type.flags & empty || NOT_JSON.test(checker.typeToString(type))) return [];
    return [alias.name.text];
  });
}

export interface ApiTypes {
  /** operationId → the schema of its JSON success body (absent: no JSON body). */
  responses: Record<string, unknown>;
  /** Named view types referenced from `responses`, as components. */
  schemas: Record<string, unknown>;
  /** operationId → what its controller's source says about it. */
  operations: Record<string, OperationFacts>;
  errorCodes: ErrorCode[];
}

export function apiTypes(): ApiTypes {
  // The generator reports every property it cannot read a literal default from: not our concern.
  const { warn, log } = console;
  console.warn = console.log = () => undefined;
  try {
    return readApiTypes();
  } finally {
    Object.assign(console, { warn, log });
  }
}

function readApiTypes(): ApiTypes {
  const operations = apiOperations();
  const { file, dir } = operationTypes(operations);
  try {
    const tsconfig = ts.parseJsonConfigFileContent(
      ts.readConfigFile(join(ROOT, 'tsconfig.json'), (path) => ts.sys.readFile(path)).config,
      ts.sys,
      ROOT,
    );
    const program = ts.createProgram([file], tsconfig.options);
    const generator = buildGenerator(program, {
      required: true,
      ref: true,
      aliasRef: true,
      strictNullChecks: true,
      ignoreErrors: true,
    });
    if (!generator) throw new Error('openapi: the TypeScript program does not compile');
    const known = new Set(generator.getUserSymbols());
    const missing = operations.filter((o) => !known.has(o.operationId));
    if (missing.length)
      throw new Error(`openapi: no type for ${missing.map((o) => o.operationId).join(', ')}`);
    const ids = jsonBodies(program, file);
    const generated = generator.getSchemaForSymbols(ids, true) as {
      definitions: Record<string, Schema>;
    };
    const raw = generated.definitions;
    const converted = toOpenApi30(inlineAnonymous(raw, raw)) as Record<string, Schema>;
    const definitions = discriminate(converted, converted) as Record<string, Schema>;
    const responses: Record<string, unknown> = {};
    const schemas: Record<string, unknown> = {};
    const idSet = new Set(ids);
    for (const [name, schema] of Object.entries(definitions))
      if (!idSet.has(name) && !ANONYMOUS.test(name)) schemas[name] = schema;
    for (const id of ids) {
      const schema = definitions[id];
      if (schema && !isEmpty(schema)) responses[id] = schema;
    }
    const facts = Object.fromEntries(
      operations.map((o): [string, OperationFacts] => [
        o.operationId,
        {
          module: moduleOf(o.file),
          ...(o.ifMatch && { ifMatch: true }),
          ...(o.etag && { etag: true }),
          ...(o.description && { description: o.description }),
        },
      ]),
    );
    return { responses, schemas, operations: facts, errorCodes: errorCodes() };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** void / unknown / a file: nothing a JSON schema says. */
function isEmpty(schema: Schema): boolean {
  const keys = Object.keys(schema).filter((k) => k !== 'description');
  if (keys.length === 0) return true;
  const ref = typeof schema.$ref === 'string' ? schema.$ref.split('/').pop()! : '';
  return NOT_JSON.test(ref);
}

export function writeApiTypes(): ApiTypes {
  const types = apiTypes();
  const body =
    "// Generated by `npm run openapi` (scripts/openapi/response-types.ts) from the controllers'\n" +
    '// return types and the coded errors. Do not edit; a test fails when it is stale.\n' +
    "import type { ApiTypes } from './api-types';\n\n" +
    `export const API_TYPES: ApiTypes = ${JSON.stringify(types, null, 2)};\n`;
  writeFileSync(OUT, body);
  return types;
}

if (require.main === module) {
  const types = writeApiTypes();
  process.stdout.write(
    `openapi: ${Object.keys(types.responses).length} typed responses, ` +
      `${Object.keys(types.schemas).length} schemas, ${types.errorCodes.length} error codes → ${relative(ROOT, OUT)}\n`,
  );
}
