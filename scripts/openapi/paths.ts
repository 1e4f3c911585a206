import { dirname, join } from 'node:path';
import { existsSync } from 'node:fs';

/** The repository: the nearest folder with a package.json (these scripts run from source or dist). */
export function repositoryRoot(from: string): string {
  return existsSync(join(from, 'package.json')) ? from : repositoryRoot(dirname(from));
}

const ROOT = repositoryRoot(__dirname);

/** The OpenAPI document, as the server serves it at /api/docs-json. */
export const DOCUMENT_PATH = join(ROOT, 'docs', 'openapi.json');
/** What the code says that the decorators do not (response types, error codes). */
export const API_TYPES_PATH = join(ROOT, 'src', 'core', 'openapi', 'api-types.generated.ts');
/** The generated client's types (openapi-typescript), which test/openapi-client uses. */
export const CLIENT_TYPES_PATH = join(ROOT, 'test', 'generated', 'api.d.ts');
