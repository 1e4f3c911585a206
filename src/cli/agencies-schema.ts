import { writeFileSync } from 'node:fs';
import { AGENCY_SCHEMA_PATH, agencySchemaText } from '../agencies/agency-schema-file';
import { runCli } from './run';

/** `npm run agencies:schema`: rewrites config/agency.schema.json from the schema in the code. */
runCli('agencies:schema', () => {
  writeFileSync(AGENCY_SCHEMA_PATH, agencySchemaText());
  process.stdout.write(`wrote ${AGENCY_SCHEMA_PATH}\n`);
  return Promise.resolve();
});
