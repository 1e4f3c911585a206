import { budgetSummary, lineProblems, submissionBudgetProblems } from './budget-math';

const rules = {
  allowedFunctionCodes: ['1000', '2100'],
  allowedObjectCodes: ['100', '200', '600'],
  mustTotalRequested: true,
};
const line = (functionCode: string, objectCode: string, amount: string, indirect = false) => ({
  functionCode,
  objectCode,
  description: '',
  amount,
  indirect,
});

describe('budget math', () => {
  it('builds the function x object matrix with exact row and column totals', () => {
    const summary = budgetSummary([
      line('1000', '100', '0.10'),
      line('1000', '100', '0.20'),
      line('1000', '600', '100.00'),
      line('2100', '200', '50.05'),
    ]);
    expect(summary.total).toBe('150.35');
    expect(summary.matrix).toEqual({
      functionCodes: ['1000', '2100'],
      objectCodes: ['100', '200', '600'],
      rows: [
        { functionCode: '1000', cells: ['0.30', null, '100.00'], total: '100.30' },
        { functionCode: '2100', cells: [null, '50.05', null], total: '50.05' },
      ],
      columnTotals: ['0.30', '50.05', '100.00'],
      total: '150.35',
    });
  });

  it('names the lines that use codes the program does not allow', () => {
    expect(lineProblems([line('1000', '100', '5.00'), line('3000', '800', '1.00')], rules)).toEqual(
      [
        {
          pointer: '/lines/1/functionCode',
          detail: expect.stringContaining('function code 3000 is not allowed'),
        },
        {
          pointer: '/lines/1/objectCode',
          detail: expect.stringContaining('object code 800 is not allowed'),
        },
      ],
    );
  });

  it('refuses a budget that does not total the amount requested, naming its lines', () => {
    const problems = submissionBudgetProblems(
      [line('1000', '100', '600.00'), line('2100', '200', '300.00')],
      rules,
      '1000.00',
    );
    expect(problems).toEqual([
      {
        pointer: '/budget/lines',
        detail: 'lines 1, 2 total 900.00, but the amount requested is 1000.00 (difference 100.00)',
      },
    ]);
    expect(submissionBudgetProblems([line('1000', '100', '1000.00')], rules, '1000.00')).toEqual(
      [],
    );
  });

  it('caps indirect costs at a percent of direct costs', () => {
    const capped = { ...rules, indirectCostCapPercent: '8', mustTotalRequested: false };
    expect(
      submissionBudgetProblems(
        [line('1000', '100', '1000.00'), line('2100', '200', '80.00', true)],
        capped,
        null,
      ),
    ).toEqual([]);
    expect(
      submissionBudgetProblems(
        [line('1000', '100', '1000.00'), line('2100', '200', '80.01', true)],
        capped,
        null,
      ),
    ).toEqual([
      {
        pointer: '/budget/lines',
        detail:
          'indirect costs on lines 2 total 80.01, above the cap of 8% of direct costs (80.00)',
      },
    ]);
  });
});
