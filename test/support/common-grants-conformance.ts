import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const REPO_ROOT = resolve(__dirname, '..', '..');
/** The protocol version whose OpenAPI document responses are checked against. */
export const PROTOCOL_VERSION = '0.3.0';

interface OpenApiDocument {
  paths: Record<string, Record<string, { responses: Record<string, ResponseObject> }>>;
  components: Record<string, unknown>;
}
interface ResponseObject {
  content?: Record<string, { schema: object }>;
}

const versionOf = (pkg: string): string =>
  (
    JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', pkg, 'package.json'), 'utf8')) as {
      version: string;
    }
  ).version;

/**
 * The TypeSpec compiler's Node API, run as an ES module in a child `node` (argv: output directory,
 * entry file): @typespec/compiler and @common-grants/core are ESM-only, which Jest's CommonJS
 * sandbox cannot load. Emits one OpenAPI 3 JSON document per protocol version.
 */
const COMPILE = `
import { compile, NodeHost } from '@typespec/compiler';
const [outputDir, entry] = process.argv.slice(1);
const program = await compile(NodeHost, entry, {
  emit: ['@typespec/openapi3'],
  options: { '@typespec/openapi3': { 'file-type': 'json', 'emitter-output-dir': outputDir } },
});
const errors = program.diagnostics.filter((d) => d.severity === 'error');
for (const d of errors) console.error(d.code + ': ' + d.message);
process.exit(errors.length > 0 ? 1 : 0);
`;

/**
 * The protocol's OpenAPI document, compiled from @common-grants/core's TypeSpec by the TypeSpec
 * compiler in a child process (ESM-only packages), cached under .data by package versions so a
 * second run (or an upgrade's first) pays for the compile only when the inputs changed.
 */
export async function commonGrantsOpenApi(): Promise<OpenApiDocument> {
  const key = [
    `core-${versionOf('@common-grants/core')}`,
    `compiler-${versionOf('@typespec/compiler')}`,
    `openapi3-${versionOf('@typespec/openapi3')}`,
  ].join('_');
  const cacheRoot = join(REPO_ROOT, '.data', 'test-cache', 'common-grants');
  const dir = join(cacheRoot, key);
  const file = join(dir, `openapi.${PROTOCOL_VERSION}.json`);
  if (!existsSync(file)) {
    mkdirSync(cacheRoot, { recursive: true });
    const scratch = mkdtempSync(join(cacheRoot, 'compiling-'));
    try {
      await promisify(execFile)(
        process.execPath,
        ['--input-type=module', '-e', COMPILE, scratch, join(__dirname, 'common-grants.tsp')],
        { cwd: REPO_ROOT },
      );
      // A rename is atomic: a concurrent run sees no file or a whole one.
      if (!existsSync(dir)) renameSync(scratch, dir);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }
  return JSON.parse(readFileSync(file, 'utf8')) as OpenApiDocument;
}

export type ResponseCheck = (body: unknown) => string[];

/**
 * Examples are documentation, and some hold whole JSON Schemas (a form's, with its own `$id`)
 * that Ajv would take for schemas of this document.
 */
function withoutExamples<T>(node: T): T {
  if (Array.isArray(node)) return node.map(withoutExamples) as T;
  if (!node || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key]) => key !== 'example' && key !== 'examples')
      .map(([key, value]) => [key, withoutExamples(value)]),
  ) as T;
}

/**
 * Ajv over the protocol's OpenAPI 3.0 schemas. Not strict: OpenAPI adds keywords JSON Schema
 * does not have (example, discriminator). One override: the protocol's isoTime is a clock time
 * without a zone ("HH:mm:ss", TypeSpec plainTime), emitted as format "time", which ajv-formats
 * reads as RFC 3339 full-time (offset required).
 */
export function responseChecker(doc: OpenApiDocument) {
  const components = withoutExamples(doc.components);
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addFormat('time', /^([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]$/);
  const cache = new Map<string, ValidateFunction>();
  return (method: string, path: string, status: string): ResponseCheck => {
    const key = `${method} ${path} ${status}`;
    let validate = cache.get(key);
    if (!validate) {
      const response = doc.paths[path]?.[method]?.responses[status];
      const schema = response?.content?.['application/json']?.schema;
      if (!schema) throw new Error(`the protocol defines no ${key} response`);
      validate = ajv.compile({ ...withoutExamples(schema), components });
      cache.set(key, validate);
    }
    const check = validate;
    return (body) =>
      check(body)
        ? []
        : (check.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? e.keyword}`);
  };
}
