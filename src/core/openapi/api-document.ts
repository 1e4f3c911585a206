import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type {
  OperationObject,
  ParameterObject,
  ReferenceObject,
  ResponseObject,
  SchemaObject,
} from '@nestjs/swagger';
import { FRAMEWORK_CODES, PROBLEM_CONTENT_TYPE } from '../errors/problem.filter';
import { API_TYPES } from './api-types.generated';
import type { ApiTypes, ErrorCode } from './api-types';
import { describeQueryParameters } from './validated-properties';
import { X_FILE } from './openapi.decorators';

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

const DESCRIPTION = `Grants management for state education agencies: one deployment, several agencies, each at
\`/api/v1/agencies/{agencyCode}/...\`.

**Errors** are RFC 9457 problem documents (\`application/problem+json\`) with a stable \`code\` to
branch on; each operation lists the statuses it can answer and, per status, the codes. The
\`Problem\` schema's \`code\` enumerates every code.

**Sign-in**: \`POST /api/v1/auth/login\` answers a bearer token (\`Authorization: Bearer ...\`);
money actions also need a recent second factor (\`auth.step_up_required\`).

**Concurrency**: editable documents answer an \`ETag\`; a write sends it back in \`If-Match\`
(428 without it, 412 when it is stale). **Retries**: money and submission POSTs take an
\`Idempotency-Key\`; the first answer is replayed. **Lists** are keyset-paginated: pass the
\`nextCursor\` of a page as \`cursor\` for the next one.`;

/** The OpenAPI document of the JSON API, as served at /api/docs and written to openapi.json. */
export function buildApiDocument(
  app: INestApplication,
  types: ApiTypes = API_TYPES,
): OpenAPIObject {
  describeQueryParameters(app);
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Grant Commons API')
      .setDescription(DESCRIPTION)
      .setVersion('1')
      .addServer('/', 'This deployment')
      .addBearerAuth()
      .build(),
  );
  return completeDocument(document, types);
}

/** The document as written to docs/openapi.json (and compared with it by a test). */
export const apiDocumentText = (document: OpenAPIObject): string =>
  JSON.stringify(document, null, 2) + '\n';

type Operation = OperationObject & Record<`x-${string}`, unknown>;
type Responses = Record<string, ResponseObject | ReferenceObject>;

/**
 * What the decorators alone do not say, added from the code's own declarations: the path
 * parameters of the controller's route template, the JSON body each handler returns (its
 * TypeScript type), the problems each can answer, the security and the headers.
 */
export function completeDocument(document: OpenAPIObject, generated: ApiTypes): OpenAPIObject {
  // The document's schemas are edited below: the generated data stays as it was.
  const types = structuredClone(generated);
  const schemas = (document.components ??= {}).schemas ?? {};
  document.components.schemas = schemas;
  // Views the generator named; a class the decorators describe keeps its own description.
  for (const [name, schema] of Object.entries(types.schemas))
    schemas[name] ??= schema as SchemaObject;
  for (const schema of Object.values(schemas)) typeReflectedUnions(schema);
  schemas.Problem = problemSchema(types.errorCodes);
  schemas.FieldProblem ??= FIELD_PROBLEM;
  const problems = new ProblemResponses((document.components.responses ??= {}));
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method] as Operation | undefined;
      if (!operation) continue;
      operation.description ||= types.operations[operation.operationId ?? '']?.description;
      declarePathParameters(path, operation);
      typeSuccess(operation, types);
      secure(operation);
      declareHeaders(operation, types);
      declareProblems(path, method, operation, types, problems);
    }
  }
  dropUnreferenced(document, Object.keys(types.schemas));
  return document;
}

/**
 * A generated view schema no operation refers to (a file handler's return type, say `StreamableFile`,
 * whose answer the decorators describe instead) is left out.
 */
function dropUnreferenced(document: OpenAPIObject, generated: string[]): void {
  const schemas = document.components!.schemas!;
  for (let removed = true; removed;) {
    removed = false;
    const text = JSON.stringify({
      ...document,
      components: { ...document.components, schemas: {} },
    });
    const inSchemas = Object.entries(schemas).map(([name, s]) => [name, JSON.stringify(s)]);
    for (const name of generated) {
      if (!schemas[name]) continue;
      const ref = `"#/components/schemas/${name}"`;
      const used =
        text.includes(ref) ||
        inSchemas.some(([other, json]) => other !== name && json.includes(ref));
      if (!used) {
        delete schemas[name];
        removed = true;
      }
    }
  }
}

/**
 * A DTO property typed `string | null` (or any union) is reflected as `Object`: the decorator's
 * example says what it is. Without this the document would say `type: object` next to
 * `example: "125000.00"`, and a generated client would ask for an object.
 */
function typeReflectedUnions(schema: SchemaObject | ReferenceObject): void {
  for (const property of Object.values((schema as SchemaObject).properties ?? {})) {
    const p = property as SchemaObject;
    if (p.type !== 'object' || p.properties || p.allOf || p.additionalProperties) continue;
    if (p.example === undefined || p.example === null || typeof p.example === 'object') {
      // A Record<string, ...> the decorator did not detail (answers by question key, scores).
      p.additionalProperties = true;
      continue;
    }
    const kind = typeof p.example;
    if (kind === 'string' || kind === 'number' || kind === 'boolean') {
      p.type = kind;
      p.nullable = true;
    }
  }
}

/**
 * A controller's route template (`agencies/:agencyCode/...`, the prefix the guard reads) names
 * parameters the handler never takes with @Param: declare each from the template.
 */
function declarePathParameters(path: string, operation: Operation): void {
  const parameters = (operation.parameters ??= []) as ParameterObject[];
  for (const [, name] of path.matchAll(/\{(\w+)\}/g)) {
    const existing = parameters.find((p) => p.in === 'path' && p.name === name);
    const schema: SchemaObject = { type: 'string', ...pathParameterFormat(name) };
    if (existing) {
      existing.schema = { ...schema, ...(existing.schema as SchemaObject) };
      existing.description ??= pathParameterDescription(name);
    } else
      parameters.push({
        name,
        in: 'path',
        required: true,
        description: pathParameterDescription(name),
        schema,
      });
  }
}

function pathParameterFormat(name: string): SchemaObject {
  if (name === 'agencyCode' || name === 'code') return { pattern: '^[a-z][a-z0-9-]{1,31}$' };
  return {};
}

function pathParameterDescription(name: string): string {
  if (name === 'agencyCode' || name === 'code')
    return "The agency's code, e.g. `mo-dese` (a caller who is not a member gets 404).";
  return `The ${name.replace(/Id$/, '').replace(/[A-Z]/g, (c) => ' ' + c.toLowerCase())} id.`;
}

/** The 2xx answer gets the JSON schema of what the handler returns, unless a decorator said it. */
function typeSuccess(operation: Operation, types: ApiTypes): void {
  const responses = operation.responses as Responses;
  const [status, response] =
    Object.entries(responses).find(([code]) => /^2\d\d$/.test(code)) ?? ([] as never[]);
  if (!status) return;
  const ok = response as ResponseObject;
  ok.description ||= SUCCESS[status] ?? 'Done.';
  const schema = types.responses[operation.operationId ?? ''] as SchemaObject | undefined;
  const hasSchema = Object.values(ok.content ?? {}).some((c) => c.schema);
  if (operation[X_FILE]) {
    // A file is the whole list (an export streams every page): a list DTO's paging is not for it.
    operation.parameters = (operation.parameters as ParameterObject[] | undefined)?.filter(
      (p) => !(p.in === 'query' && (p.name === 'cursor' || p.name === 'limit')),
    );
    return;
  }
  if (schema && !hasSchema) ok.content = { 'application/json': { schema } };
}

const SUCCESS: Record<string, string> = {
  '200': 'OK.',
  '201': 'Created.',
  '202': 'Accepted: the work goes on after the answer.',
  '204': 'Done; no body.',
};

/** Bearer security on every operation but the public ones. */
function secure(operation: Operation): void {
  if (operation['x-public']) operation.security = [];
  else operation.security = [{ bearer: [] }];
}

function declareHeaders(operation: Operation, types: ApiTypes): void {
  const facts = types.operations[operation.operationId ?? ''];
  const parameters = (operation.parameters ??= []) as ParameterObject[];
  // Required where the module refuses a write without it (it has a 428 code).
  const required = types.errorCodes.some((e) => e.module === facts?.module && e.status === 428);
  if (facts?.ifMatch && !parameters.some((p) => p.in === 'header' && /^if-match$/i.test(p.name)))
    parameters.push({
      name: 'If-Match',
      in: 'header',
      required,
      description: required
        ? 'The ETag of the version you read (`"v12"`): 428 without it, 412 when stale.'
        : 'The ETag of the version you read (`"v12"`): 412 when stale; without it, no check.',
      schema: { type: 'string', example: '"v1"' },
    });
  if (facts?.etag)
    for (const [status, response] of Object.entries(operation.responses as Responses))
      if (/^2/.test(status))
        (response as ResponseObject).headers = {
          ...(response as ResponseObject).headers,
          ETag: {
            description: 'The version of this document, for If-Match on the next write.',
            schema: { type: 'string', example: '"v1"' },
          },
        };
}

/** The problems an operation can answer, each status with its codes, all as problem+json. */
function declareProblems(
  path: string,
  method: string,
  operation: Operation,
  types: ApiTypes,
  problems: ProblemResponses,
): void {
  const facts = types.operations[operation.operationId ?? ''];
  const moduleCodes = types.errorCodes.filter(
    (e) => e.module === facts?.module || e.module === 'core',
  );
  const parameters = (operation.parameters ?? []) as ParameterObject[];
  const isPublic = operation['x-public'] === true;
  const writes = method !== 'get';
  const header = (name: string) =>
    parameters.some((p) => p.in === 'header' && p.name.toLowerCase() === name);
  const codes = new Map<number, Set<string>>();
  const add = (status: number, ...found: string[]) => {
    const set = codes.get(status) ?? new Set<string>();
    found.forEach((c) => set.add(c));
    codes.set(status, set);
  };
  const fromModule = (status: number) =>
    moduleCodes.filter((e) => e.status === status).map((e) => e.code);

  add(400, 'request.invalid', 'request.malformed');
  if (parameters.some((p) => p.in === 'query' && p.name === 'cursor'))
    add(400, 'pagination.invalid_cursor');
  if (!isPublic) {
    add(401, FRAMEWORK_CODES[401]);
    if (operation['x-step-up']) add(401, 'auth.step_up_required');
    add(403, FRAMEWORK_CODES[403]);
  }
  // A write may meet any rule of its module: its refusals with their codes (sign-in's own 401s
  // on a public route included).
  if (writes)
    for (const status of [401, 403])
      if (fromModule(status).length) add(status, ...fromModule(status));
  if (/\{\w+\}/.test(path)) add(404, ...fromModule(404).filter((c) => c.endsWith('not_found')));
  if (writes) {
    for (const status of [409, 413, 415, 422, 423]) {
      const found = fromModule(status);
      if (found.length) add(status, ...found);
    }
  }
  if (types.operations[operation.operationId ?? '']?.ifMatch) {
    add(412, ...moduleCodes.filter((e) => e.status === 412).map((e) => e.code));
    add(428, ...moduleCodes.filter((e) => e.status === 428).map((e) => e.code));
  }
  if (header('idempotency-key')) {
    add(409, ...codesOf(types.errorCodes, /^idempotency\./, 409));
    add(422, ...codesOf(types.errorCodes, /^idempotency\./, 422));
    add(428, ...codesOf(types.errorCodes, /^idempotency\./, 428));
    add(400, ...codesOf(types.errorCodes, /^idempotency\./, 400));
  }
  if (operation['x-rate-limited'] || path.startsWith('/api/v1/auth/'))
    add(429, FRAMEWORK_CODES[429]);
  for (const status of [429, 503]) {
    const found = fromModule(status).filter((c) => c !== 'database.timeout');
    if (found.length && (writes || status === 503)) add(status, ...found);
  }
  add(503, 'database.timeout');

  const responses = operation.responses as Responses;
  for (const [status, set] of [...codes].sort(([a], [b]) => a - b)) {
    const list = [...set].filter(Boolean).sort();
    if (list.length === 0) continue;
    responses[String(status)] ??= problems.refer(status, list, facts?.module ?? 'api');
  }
}

/**
 * Problem answers as shared components (`#/components/responses/Problem404_awards`): operations
 * of one module mostly answer the same codes, and a generated client gets one type for each.
 */
class ProblemResponses {
  private readonly names = new Map<string, string>();

  constructor(private readonly components: Record<string, ResponseObject | ReferenceObject>) {}

  refer(status: number, codes: string[], module: string): ReferenceObject {
    const key = `${status} ${codes.join(' ')}`;
    let name = this.names.get(key);
    if (!name) {
      const base = `Problem${status}_${module}`;
      name = base;
      for (let n = 2; this.components[name]; n++) name = `${base}_${n}`;
      this.components[name] = problemResponse(status, codes);
      this.names.set(key, name);
    }
    return { $ref: `#/components/responses/${name}` };
  }
}

const codesOf = (all: ErrorCode[], pattern: RegExp, status: number) =>
  all.filter((e) => pattern.test(e.code) && e.status === status).map((e) => e.code);

const PROBLEM_TITLES: Record<number, string> = {
  400: 'The request is malformed or not valid',
  401: 'Not signed in, or the sign-in is too old for this action',
  403: 'Signed in, without the permission this needs',
  404: 'Not found, or not visible to this caller',
  409: 'Conflicts with the current state',
  412: 'The If-Match version is stale: reload and retry',
  413: 'The body is larger than allowed',
  415: 'The media type is not accepted',
  422: 'Understood, but refused by a rule',
  423: 'Locked',
  428: 'A required precondition header is missing',
  429: 'Too many requests: wait Retry-After seconds',
  503: 'Busy or unavailable: retry shortly',
};

function problemResponse(status: number, codes: string[]): ResponseObject {
  const retryAfter = status === 429 || status === 503;
  return {
    description: `${PROBLEM_TITLES[status] ?? 'Refused'}. Codes: ${codes.map((c) => `\`${c}\``).join(', ')}.`,
    ...(retryAfter && {
      headers: {
        'Retry-After': {
          description: 'Seconds to wait before retrying',
          schema: { type: 'integer', minimum: 1 },
        },
      },
    }),
    content: {
      [PROBLEM_CONTENT_TYPE]: {
        schema: { $ref: '#/components/schemas/Problem' },
        example: {
          type: `urn:grant-commons:problem:${codes[0]}`,
          title: PROBLEM_TITLES[status],
          status,
          detail: '…',
          code: codes[0],
        },
      },
    },
    'x-problem-codes': codes,
  } as ResponseObject;
}

const FIELD_PROBLEM: SchemaObject = {
  type: 'object',
  required: ['pointer', 'detail'],
  properties: {
    pointer: { type: 'string', description: 'JSON Pointer (RFC 6901) into the request body' },
    detail: { type: 'string' },
  },
};

function problemSchema(errorCodes: ErrorCode[]): SchemaObject {
  const codes = [
    ...new Set([
      ...Object.values(FRAMEWORK_CODES),
      ...errorCodes.map((e) => e.code),
      'request.error',
      'internal.error',
      'database.timeout',
    ]),
  ].sort();
  return {
    type: 'object',
    description:
      'An RFC 9457 problem document. `code` is stable: branch on it, not on `detail`. ' +
      'Some problems add members of their own (`errors`, `currentEtag`, `retryAfterSeconds`, ...).',
    required: ['type', 'title', 'status', 'detail', 'code'],
    properties: {
      type: { type: 'string', example: 'urn:grant-commons:problem:application.window_closed' },
      title: { type: 'string' },
      status: { type: 'integer', minimum: 400, maximum: 599 },
      detail: { type: 'string' },
      code: { type: 'string', enum: codes },
      instance: { type: 'string', description: 'The request path' },
      requestId: { type: 'string', description: 'Quote it when reporting a problem' },
      errors: {
        type: 'array',
        description: 'Field-level problems (validation), each at a JSON Pointer',
        items: { $ref: '#/components/schemas/FieldProblem' },
      },
      retryAfterSeconds: { type: 'integer' },
    },
    additionalProperties: true,
  };
}
