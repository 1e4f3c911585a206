import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { validateAgencyConfig } from '../../agencies/agency-config.validation';

const kansas = () =>
  parse(
    readFileSync(join(__dirname, '..', '..', '..', 'config', 'agencies', 'ks-ksde.yaml'), 'utf8'),
  );
const problems = (mutate: (c: any) => void) => {
  const config = kansas();
  mutate(config);
  return validateAgencyConfig(config, 'ks-ksde.yaml', 'ks-ksde').problems;
};

/** The NACHA originator data an agency's YAML must carry when it pays by ACH. */
describe('finance.achOriginator', () => {
  it('is present and valid in the shipped ks-ksde module', () => {
    expect(problems(() => undefined)).toEqual([]);
  });

  it('is required when the export format is nacha-ach, optional otherwise', () => {
    expect(problems((c) => delete c.finance.achOriginator)).toEqual([
      'ks-ksde.yaml: finance.achOriginator: is required when paymentExportFormat is nacha-ach',
    ]);
    expect(
      problems((c) => {
        delete c.finance.achOriginator;
        c.finance.paymentExportFormat = 'csv';
      }),
    ).toEqual([]);
  });

  it('names each bad field', () => {
    expect(
      problems((c) => {
        c.finance.achOriginator.immediateDestination = '101900013';
        c.finance.achOriginator.odfiIdentification = 1019000;
        c.finance.achOriginator.companyIdentification = '123';
      }),
    ).toEqual([
      'ks-ksde.yaml: finance.achOriginator.immediateDestination: must be a 9-digit routing number with a valid check digit',
      'ks-ksde.yaml: finance.achOriginator.companyIdentification: must be 10 letters or digits',
      'ks-ksde.yaml: finance.achOriginator.odfiIdentification: must be 8 digits, the start of the bank routing number (quote it in YAML)',
    ]);
  });
});
