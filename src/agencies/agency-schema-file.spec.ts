import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { parse } from 'yaml';
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

  it('lets an editor, reading the published file alone, accept the shipped files and flag a typo', () => {
    // What yaml-language-server does: plain JSON Schema, custom formats and keywords unknown.
    const editor = new Ajv({ allErrors: true, strict: false, validateFormats: false });
    const check = editor.compile(JSON.parse(readFileSync(join(root, AGENCY_SCHEMA_PATH), 'utf8')));
    const file = (code: string) =>
      parse(readFileSync(join(root, 'config', 'agencies', `${code}.yaml`), 'utf8'));
    for (const code of ['mo-dese', 'ks-ksde']) expect(check(file(code))).toBe(true);
    const typo = file('ks-ksde');
    typo.features.formulaAllocation = true;
    delete typo.finance.achOriginator;
    expect(check(typo)).toBe(false);
    expect(check.errors?.map((e) => [e.instancePath, e.keyword])).toEqual(
      expect.arrayContaining([
        ['/finance', 'required'],
        ['/features', 'additionalProperties'],
      ]),
    );
  });
});
