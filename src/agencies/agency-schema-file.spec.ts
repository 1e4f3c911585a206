import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AGENCY_SCHEMA_PATH, agencySchemaText } from './agency-schema-file';

const root = join(__dirname, '..', '..');

describe('the published agency JSON Schema', () => {
  it('is what the schema in the code generates (run `npm run agencies:schema` after a change)', () => {
    expect(readFileSync(join(root, AGENCY_SCHEMA_PATH), 'utf8')).toBe(agencySchemaText());
  });

  it.each(['mo-dese', 'ks-ksde'])('is what the editor reads for %s.yaml', (code) => {
    const firstLine = readFileSync(join(root, 'config', 'agencies', `${code}.yaml`), 'utf8').split(
      '\n',
    )[0];
    expect(firstLine).toBe('# yaml-language-server: $schema=../agency.schema.json');
  });
});
