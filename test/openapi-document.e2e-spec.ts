import { readFileSync } from 'node:fs';
import { apiTypes } from '../scripts/openapi/response-types';
import { DOCUMENT_PATH } from '../scripts/openapi/paths';
import { API_TYPES } from '../src/core/openapi/api-types.generated';
import { apiDocumentText } from '../src/core/openapi/api-document';
import { useTestApp } from './support/use-test-app';

interface Parameter {
  name: string;
  in: string;
  required?: boolean;
}
interface Response {
  $ref?: string;
  content?: Record<string, { schema?: unknown }>;
  headers?: Record<string, unknown>;
}
interface Operation {
  operationId: string;
  parameters?: Parameter[];
  responses: Record<string, Response>;
  security?: unknown[];
  'x-public'?: boolean;
  'x-permission'?: string;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown>; responses: Record<string, Response> };
}

const METHODS = ['get', 'put', 'post', 'patch', 'delete'];

/**
 * The OpenAPI document is complete enough for a client generator (issue 18, item 2), and the
 * committed copies are what the code says: docs/openapi.json (what Spectral lints and clients are
 * generated from) and src/core/openapi/api-types.generated.ts (the handlers' return types and
 * the coded errors, read from the TypeScript). `npm run openapi` rewrites both.
 */
describe('the OpenAPI document', () => {
  const t = useTestApp();
  let served: string;
  let document: Document;
  const operations: Array<{ path: string; method: string; operation: Operation }> = [];

  beforeAll(async () => {
    const res = await t.request({ method: 'GET', url: '/api/docs-json' });
    expect(res.status).toBe(200);
    document = res.json<Document>();
    served = apiDocumentText(document as never);
    for (const [path, item] of Object.entries(document.paths))
      for (const method of METHODS)
        if (item[method]) operations.push({ path, method, operation: item[method] });
  });

  it('is the committed docs/openapi.json (run npm run openapi if not)', () => {
    expect(served === readFileSync(DOCUMENT_PATH, 'utf8')).toBe(true);
  });

  it("was completed from the code's current types and errors (run npm run openapi if not)", () => {
    expect(JSON.stringify(apiTypes())).toBe(JSON.stringify(API_TYPES));
  });

  it('declares every path parameter on every operation', () => {
    const missing = operations.flatMap(({ path, method, operation }) =>
      [...path.matchAll(/\{(\w+)\}/g)]
        .map(([, name]) => name)
        .filter(
          (name) =>
            !operation.parameters?.some((p) => p.in === 'path' && p.name === name && p.required),
        )
        .map((name) => `${method} ${path}: ${name}`),
    );
    expect(missing).toEqual([]);
    expect(operations.length).toBeGreaterThan(150);
  });

  it('types every success: a JSON schema, a file media type, or 204', () => {
    const untyped = operations
      .filter(({ operation }) => {
        const success = Object.entries(operation.responses).filter(([s]) => /^2\d\d$/.test(s));
        return !success.some(
          ([status, r]) =>
            status === '204' || Object.values(r.content ?? {}).some((media) => media.schema),
        );
      })
      .map(({ method, path }) => `${method} ${path}`);
    expect(untyped).toEqual([]);
  });

  it('documents the problems of each operation as problem+json with their codes', () => {
    const problem = (r: Response) =>
      r.$ref ? document.components.responses[r.$ref.split('/').pop()!] : r;
    for (const { method, path, operation } of operations) {
      const statuses = Object.keys(operation.responses).filter((s) => /^[45]/.test(s));
      const where = `${method} ${path}`;
      expect({ where, has400: statuses.includes('400') }).toEqual({ where, has400: true });
      if (!operation['x-public'])
        expect({ where, statuses }).toEqual({
          where,
          statuses: expect.arrayContaining(['401', '403']) as string[],
        });
      if (/\{\w+\}/.test(path))
        expect({ where, statuses }).toEqual({
          where,
          statuses: expect.arrayContaining(['404']) as string[],
        });
      for (const status of statuses) {
        const response = problem(operation.responses[status]) as Response & {
          'x-problem-codes'?: string[];
        };
        expect(Object.keys(response.content ?? {})).toEqual(['application/problem+json']);
        expect(response['x-problem-codes']?.length).toBeGreaterThan(0);
      }
    }
  });

  it('secures every operation but the public ones with the bearer token', () => {
    for (const { method, path, operation } of operations)
      expect({ where: `${method} ${path}`, security: operation.security }).toEqual({
        where: `${method} ${path}`,
        security: operation['x-public'] ? [] : [{ bearer: [] }],
      });
  });

  it('declares If-Match with 412/428 where writes are conditional, and ETag where it is sent', () => {
    const conditional = operations.filter(({ operation }) =>
      operation.parameters?.some((p) => p.in === 'header' && p.name === 'If-Match'),
    );
    const ids = conditional.map(({ operation }) => operation.operationId);
    expect(ids).toEqual(
      expect.arrayContaining(['ApplicationsController_update', 'ApplicationsController_putBudget']),
    );
    for (const { operation } of conditional)
      expect({
        id: operation.operationId,
        statuses: Object.keys(operation.responses),
        required: operation.parameters?.find((p) => p.name === 'If-Match')?.required,
      }).toEqual({
        id: operation.operationId,
        // 428 where the module refuses a write without If-Match (then it is required).
        statuses: expect.arrayContaining(
          operation.responses['428'] ? ['412', '428'] : ['412'],
        ) as string[],
        required: Boolean(operation.responses['428']),
      });
    // A read or a write that answers the new version says it in ETag.
    for (const { operation } of operations.filter(({ operation }) =>
      ['ApplicationsController_get', 'ApplicationsController_update'].includes(
        operation.operationId,
      ),
    )) {
      const ok = Object.entries(operation.responses).find(([s]) => /^2/.test(s))![1];
      expect(Object.keys(ok.headers ?? {})).toContain('ETag');
    }
    const submit = operations.find(
      ({ operation }) => operation.operationId === 'ApplicationsController_submit',
    )!.operation;
    expect(submit.parameters).toContainEqual(
      expect.objectContaining({ name: 'Idempotency-Key', in: 'header', required: true }),
    );
  });

  it('refers only to schemas and responses it defines', () => {
    const text = JSON.stringify(document);
    const dangling = [...text.matchAll(/"\$ref":"#\/components\/(schemas|responses)\/([^"]+)"/g)]
      .filter(([, kind, name]) => !(name in document.components[kind as 'schemas' | 'responses']))
      .map(([, kind, name]) => `${kind}/${name}`);
    expect([...new Set(dangling)]).toEqual([]);
  });

  it("describes the form's questions as a union discriminated on type", () => {
    expect(document.components.schemas.Question).toMatchObject({
      oneOf: expect.arrayContaining([{ $ref: '#/components/schemas/ChoiceQuestion' }]) as unknown,
      discriminator: {
        propertyName: 'type',
        mapping: expect.objectContaining({
          text: '#/components/schemas/TextQuestion',
          group: '#/components/schemas/GroupQuestion',
        }) as unknown,
      },
    });
  });
});
