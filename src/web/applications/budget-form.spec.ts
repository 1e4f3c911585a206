import { budgetGrid } from './budget-form';

describe('the budget matrix', () => {
  const f = ['1000', '2100'];
  const o = ['100', '200'];

  it('totals rows, columns and the whole in cents, from a posted form', () => {
    const grid = budgetGrid(f, o, [], {
      'cell-1000-100': '0.10',
      'cell-1000-200': '0.20',
      'cell-2100-100': '$1,000',
      'cell-2100-200': 'abc',
    });
    expect(grid.rowTotals.get('1000')).toBe('0.30');
    expect(grid.rowTotals.get('2100')).toBe('1000.00');
    expect(grid.columnTotals.get('100')).toBe('1000.10');
    expect(grid.columnTotals.get('200')).toBe('0.20');
    expect(grid.total).toBe('1000.30');
    expect(grid.invalid).toEqual([{ functionCode: '2100', objectCode: '200' }]);
    expect(grid.cells.get('cell-2100-200')).toBe('abc');
    expect(grid.lines.map((l) => [l.functionCode, l.objectCode, l.amount])).toEqual([
      ['1000', '100', '0.10'],
      ['1000', '200', '0.20'],
      ['2100', '100', '1000.00'],
    ]);
  });

  it('shows saved lines summed per cell, keeping the first line’s description', () => {
    const grid = budgetGrid(f, o, [
      { functionCode: '1000', objectCode: '100', description: 'Teachers', amount: '100.00' },
      { functionCode: '1000', objectCode: '100', description: 'Aides', amount: '50.00' },
    ]);
    expect(grid.cells.get('cell-1000-100')).toBe('150.00');
    expect(grid.total).toBe('150.00');
    expect(grid.lines).toEqual([
      {
        functionCode: '1000',
        objectCode: '100',
        description: 'Teachers',
        amount: '150.00',
        indirect: false,
      },
    ]);
  });
});
