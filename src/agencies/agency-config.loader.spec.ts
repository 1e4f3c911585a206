import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AgencyConfigError,
  canonicalJson,
  configHash,
  loadAgencyConfigs,
} from './agency-config.loader';

const shippedDir = join(__dirname, '..', '..', 'config', 'agencies');

function errorOf(run: () => unknown): AgencyConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof AgencyConfigError) return error;
    throw error;
  }
  throw new Error('expected an AgencyConfigError');
}

describe('loading agency configuration modules', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gc-agencies-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('loads the shipped agencies, which differ in finance policy', () => {
    const loaded = loadAgencyConfigs(shippedDir);
    const byCode = Object.fromEntries(loaded.map((a) => [a.config.code, a.config]));
    expect(Object.keys(byCode)).toEqual(['ks-ksde', 'mo-dese']);
    expect(byCode['mo-dese'].finance.paymentModels).toEqual(['reimbursement']);
    expect(byCode['ks-ksde'].finance.paymentModels).toContain('advance');
    expect(byCode['mo-dese'].finance.dualApprovalThreshold).not.toBe(
      byCode['ks-ksde'].finance.dualApprovalThreshold,
    );
    expect(byCode['mo-dese'].finance.paymentExportFormat).not.toBe(
      byCode['ks-ksde'].finance.paymentExportFormat,
    );
  });

  it('reports problems of every file at once, then stops', () => {
    writeFileSync(join(dir, 'a-one.yaml'), 'code: a-one\n');
    writeFileSync(join(dir, 'b-two.yaml'), 'code: [unclosed\n');
    const error = errorOf(() => loadAgencyConfigs(dir));
    expect(error.problems.some((p) => p.includes('a-one.yaml: name: is required'))).toBe(true);
    expect(error.problems.some((p) => p.includes('b-two.yaml: is not valid YAML'))).toBe(true);
    expect(error.message).toContain('Invalid agency configuration');
  });

  it('refuses two files defining one code', () => {
    copyFileSync(join(shippedDir, 'mo-dese.yaml'), join(dir, 'mo-dese.yaml'));
    copyFileSync(join(shippedDir, 'mo-dese.yaml'), join(dir, 'mo-dese.yml'));
    const error = errorOf(() => loadAgencyConfigs(dir));
    expect(error.problems).toEqual([
      expect.stringMatching(/mo-dese\.yml: code: "mo-dese" is already defined by .*mo-dese\.yaml$/),
    ]);
  });

  it('refuses an empty or missing directory (it would deactivate every agency)', () => {
    expect(errorOf(() => loadAgencyConfigs(dir)).problems[0]).toContain('contains no agency files');
    expect(errorOf(() => loadAgencyConfigs(join(dir, 'nope'))).problems[0]).toContain(
      'does not exist',
    );
  });

  it('hashes configuration independently of key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { y: 1, x: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[2,{"x":2,"y":1}]},"b":1}',
    );
    const [one] = loadAgencyConfigs(shippedDir);
    const reordered = Object.fromEntries(Object.entries(one.config).reverse());
    expect(configHash(reordered as typeof one.config)).toBe(one.configHash);
  });
});
