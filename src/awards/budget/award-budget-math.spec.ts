import { combineByCode, compareBudgets, lineCeilingCents, prorate } from './award-budget-math';

describe('award budget math', () => {
  it('combines application lines into one line per function x object code', () => {
    expect(
      combineByCode([
        { functionCode: '1000', objectCode: '100', description: 'Teachers', amount: '100.10' },
        { functionCode: '2200', objectCode: '300', amount: '5.00' },
        { functionCode: '1000', objectCode: '100', description: 'Aides', amount: '0.90' },
      ]),
    ).toEqual([
      { functionCode: '1000', objectCode: '100', description: 'Teachers; Aides', amount: '101.00' },
      { functionCode: '2200', objectCode: '300', description: '', amount: '5.00' },
    ]);
  });

  it('prorates to an exact total, leftover cents to the largest remainders', () => {
    const lines = ['33.33', '33.33', '33.34'].map((amount, i) => ({
      functionCode: '1000',
      objectCode: String(100 + i * 100),
      description: '',
      amount,
    }));
    const scaled = prorate(lines, 5000n);
    expect(scaled.map((l) => l.amount)).toEqual(['16.67', '16.66', '16.67']);
    expect(prorate(lines, 10000n)).toBe(lines);
  });

  it('flags a change beyond tolerance of the approved amount, and every new line', () => {
    const approved = [
      { functionCode: '1000', objectCode: '100', amount: '1000.00' },
      { functionCode: '1000', objectCode: '600', amount: '500.00' },
    ];
    const changes = compareBudgets(
      approved,
      [
        { functionCode: '1000', objectCode: '100', amount: '900.00' }, // -10%: at tolerance
        { functionCode: '1000', objectCode: '600', amount: '550.01' }, // +10.002%: beyond
        { functionCode: '2200', objectCode: '300', amount: '49.99' }, // new
      ],
      '10',
    );
    expect(changes).toEqual([
      {
        functionCode: '1000',
        objectCode: '100',
        approved: '1000.00',
        proposed: '900.00',
        changePercent: '10.00',
        beyondTolerance: false,
      },
      {
        functionCode: '1000',
        objectCode: '600',
        approved: '500.00',
        proposed: '550.01',
        changePercent: '10.00',
        beyondTolerance: true,
      },
      {
        functionCode: '2200',
        objectCode: '300',
        approved: '0.00',
        proposed: '49.99',
        changePercent: null,
        beyondTolerance: true,
      },
    ]);
  });

  it('computes a line ceiling with the tolerance', () => {
    expect(lineCeilingCents('1000.00', '10')).toBe(110000n);
    expect(lineCeilingCents('999.99', '12.5')).toBe(112498n);
  });

  it('reports the change as a percent of the approved amount, rounded half up to hundredths', () => {
    const percent = (approved: string, proposed: string) =>
      compareBudgets(
        [{ functionCode: '1000', objectCode: '100', amount: approved }],
        [{ functionCode: '1000', objectCode: '100', amount: proposed }],
        '10',
      )[0].changePercent;
    expect(percent('300.00', '301.00')).toBe('0.33'); // 0.3333...
    expect(percent('600.00', '599.00')).toBe('0.17'); // 0.1666...
    expect(percent('2000.00', '2000.10')).toBe('0.01'); // exactly 0.005: half up
    expect(percent('0.03', '0.04')).toBe('33.33');
  });
});
