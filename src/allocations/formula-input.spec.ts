import { parseFormulaInput } from './formula-input';

const orgs: Record<string, string> = { '048-901': 'org-1', '048-902': 'org-2' };
const lookup = (identifier: string) => orgs[identifier];

describe('parseFormulaInput', () => {
  it('reads identifiers, factors and prior allocations', () => {
    const csv =
      'identifier,enrollment,low_income,prior_allocation\n048-901,1200,300,5000.00\n048-902,800,100,\n';
    const result = parseFormulaInput(csv, ['enrollment', 'low_income'], lookup);
    expect(result.problems).toEqual([]);
    expect(result.rows).toEqual([
      {
        organizationId: 'org-1',
        identifier: '048-901',
        factors: { enrollment: 1200n, low_income: 300n },
        priorAllocation: '5000.00',
        line: 2,
      },
      {
        organizationId: 'org-2',
        identifier: '048-902',
        factors: { enrollment: 800n, low_income: 100n },
        priorAllocation: undefined,
        line: 3,
      },
    ]);
  });

  it('names every bad row by its line and accepts nothing', () => {
    const csv = [
      'identifier,enrollment,low_income',
      '048-901,1200,300',
      '999-999,10,1',
      '048-902,-5,abc',
      '048-901,1,1',
      '048-902,1',
    ].join('\n');
    const result = parseFormulaInput(csv, ['enrollment', 'low_income'], lookup);
    expect(result.rows).toEqual([]);
    expect(result.problems).toEqual([
      { line: 3, message: 'no organization of this agency has the identifier "999-999"' },
      { line: 4, message: 'enrollment must be a whole number of 0 or more (got "-5")' },
      { line: 4, message: 'low_income must be a whole number of 0 or more (got "abc")' },
      { line: 5, message: '"048-901" already appeared on line 2' },
      { line: 6, message: 'expected 3 fields, found 2' },
      { line: 6, message: 'low_income must be a whole number of 0 or more (got "")' },
    ]);
  });

  it('names a second row for the same organization under another identifier', () => {
    const byEither = (identifier: string) =>
      ({ '048-901': 'org-1', '2900001': 'org-1' })[identifier];
    const result = parseFormulaInput(
      'identifier,enrollment\n048-901,5\n2900001,6\n',
      ['enrollment'],
      byEither,
    );
    expect(result.problems).toEqual([
      { line: 3, message: '"2900001" is the same organization as line 2' },
    ]);
  });

  it('refuses a header without the configured factors', () => {
    const result = parseFormulaInput(
      'identifier,enrollment\n048-901,5\n',
      ['enrollment', 'low_income'],
      lookup,
    );
    expect(result.problems).toEqual([
      { line: 1, message: 'missing the factor column "low_income"' },
    ]);
  });
});
