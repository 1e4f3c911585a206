/**
 * `npm run openapi`: regenerates the types the document is completed from
 * (src/core/openapi/api-types.generated.ts) and writes the document itself to docs/openapi.json,
 * the file Spectral lints (`npm run lint:openapi`) and clients are generated from.
 *
 * The app is built in Nest's preview mode: its modules and routes, no provider instantiated, so
 * no database or Redis is needed. A test keeps both files equal to what the code says.
 */
import 'reflect-metadata';
import { ModulesContainer, NestFactory, RouterModule } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { API_ROUTES, AppModule } from '../../src/app.module';
import { loadConfig } from '../../src/core/config/env';
import { apiDocumentText, buildApiDocument } from '../../src/core/openapi/api-document';
import { writeApiTypes } from './response-types';
import { clientTypes } from './client-types';
import { CLIENT_TYPES_PATH, DOCUMENT_PATH, repositoryRoot } from './paths';

/** The settings the document is built under: any valid ones, as no route depends on them. */
export const DOCUMENT_ENV = {
  NODE_ENV: 'test',
  DATABASE_URL: 'postgres://openapi@127.0.0.1:1/openapi',
  MIGRATE_ON_START: 'false',
  AGENCY_CONFIG_DIR: join(repositoryRoot(__dirname), 'config', 'agencies'),
};

async function main(): Promise<void> {
  const types = writeApiTypes();
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.register(loadConfig(DOCUMENT_ENV)),
    new FastifyAdapter(),
    { preview: true, logger: false, abortOnError: false },
  );
  // Preview instantiates no module, RouterModule included: mount the API modules' paths as it
  // would have (its public constructor does just that).
  new RouterModule(app.get(ModulesContainer), API_ROUTES);
  const document = buildApiDocument(app, types);
  writeFileSync(DOCUMENT_PATH, apiDocumentText(document));
  await app.close();
  mkdirSync(dirname(CLIENT_TYPES_PATH), { recursive: true });
  writeFileSync(CLIENT_TYPES_PATH, await clientTypes(document));
  const root = repositoryRoot(__dirname);
  process.stdout.write(
    `openapi: ${Object.keys(types.responses).length} typed responses, ` +
      `${types.errorCodes.length} error codes; wrote ${relative(root, DOCUMENT_PATH)} and ` +
      `${relative(root, CLIENT_TYPES_PATH)}\n`,
  );
}

if (require.main === module)
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`openapi failed: ${String((error as Error).stack ?? error)}\n`);
      process.exit(1);
    },
  );
