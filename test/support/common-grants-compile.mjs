// Compiles the CommonGrants protocol (@common-grants/core, TypeSpec) to OpenAPI 3 JSON with the
// TypeSpec compiler's Node API. A plain ESM script run in a child process: @typespec/compiler and
// @common-grants/core are ESM-only, which Jest's CommonJS sandbox cannot require.
// Usage: node test/support/common-grants-compile.mjs <output directory>
import { compile, NodeHost } from '@typespec/compiler';
import { fileURLToPath } from 'node:url';

const outputDir = process.argv[2];
if (!outputDir) throw new Error('usage: common-grants-compile.mjs <output directory>');
const entry = fileURLToPath(new URL('./common-grants.tsp', import.meta.url));
const program = await compile(NodeHost, entry, {
  emit: ['@typespec/openapi3'],
  options: { '@typespec/openapi3': { 'file-type': 'json', 'emitter-output-dir': outputDir } },
});
const errors = program.diagnostics.filter((d) => d.severity === 'error');
for (const d of errors) console.error(`${d.code}: ${d.message}`);
process.exit(errors.length > 0 ? 1 : 0);
