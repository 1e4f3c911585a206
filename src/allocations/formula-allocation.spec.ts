import { computeAllocations, FormulaRow } from './formula-allocation';

const row = (identifier: string, lowIncome: number, priorAllocation?: string): FormulaRow => ({
  organizationId: `org-${identifier}`,
  identifier,
  factors: { lowIncome: BigInt(lowIncome) },
  priorAllocation,
});

describe('computeAllocations', () => {
  it('shares funds in proportion to the weighted counts, to the cent', () => {
    const result = computeAllocations('1000.00', { factors: { lowIncome: '1' } }, [
      row('A', 1),
      row('B', 1),
      row('C', 1),
    ]);
    // 1000.00 / 3 = 333.333..: the leftover cent goes to the first by identifier.
    expect(result.allocations.map((a) => a.amount)).toEqual(['333.34', '333.33', '333.33']);
    expect(result.allocated).toBe('1000.00');
  });

  it('keeps a hold-harmless guarantee and shares the rest among the others (hand-computed)', () => {
    // 100,000.00 by counts 10:30:60 -> 10,000 / 30,000 / 60,000. A was paid 60,000 last year and is
    // held harmless at 85% = 51,000. The other 49,000 go 30:60 to B and C: 16,333.33... and
    // 32,666.66...; the one leftover cent goes to C (larger remainder).
    const result = computeAllocations(
      '100000.00',
      { factors: { lowIncome: '1' }, holdHarmlessPercent: '85' },
      [row('A', 10, '60000.00'), row('B', 30), row('C', 60)],
    );
    expect(result.allocations).toEqual([
      expect.objectContaining({
        identifier: 'A',
        proportionalShare: '10000.00',
        amount: '51000.00',
        constraint: 'hold-harmless',
      }),
      expect.objectContaining({ identifier: 'B', amount: '16333.33', constraint: null }),
      expect.objectContaining({ identifier: 'C', amount: '32666.67', constraint: null }),
    ]);
    expect(result.allocated).toBe('100000.00');
  });

  it('applies a minimum and a maximum and redistributes what they move', () => {
    // 10,000 by 1:9:90 -> 100 / 900 / 9,000. Minimum 1,000 lifts A and B (2,000 pinned); C's 8,000
    // is then above the 6,000 maximum, which leaves 2,000 unallocated.
    const result = computeAllocations(
      '10000.00',
      { factors: { lowIncome: '1' }, minimumAllocation: '1000.00', maximumAllocation: '6000.00' },
      [row('A', 1), row('B', 9), row('C', 90)],
    );
    expect(result.allocations.map((a) => [a.identifier, a.amount, a.constraint])).toEqual([
      ['A', '1000.00', 'minimum'],
      ['B', '1000.00', 'minimum'],
      ['C', '6000.00', 'maximum'],
    ]);
    expect(result.unallocated).toBe('2000.00');
  });

  it('reduces every guarantee ratably when they exceed the funds', () => {
    const result = computeAllocations(
      '900.00',
      { factors: { lowIncome: '1' }, holdHarmlessPercent: '100' },
      [row('A', 1, '600.00'), row('B', 1, '600.00')],
    );
    expect(result.allocations.map((a) => [a.amount, a.constraint])).toEqual([
      ['450.00', 'ratable-reduction'],
      ['450.00', 'ratable-reduction'],
    ]);
  });

  it('weights several factors with decimal weights exactly', () => {
    const rows: FormulaRow[] = [
      { organizationId: 'x', identifier: 'X', factors: { enrollment: 100n, lowIncome: 10n } },
      { organizationId: 'y', identifier: 'Y', factors: { enrollment: 300n, lowIncome: 10n } },
    ];
    // X = 100 * 0.25 + 10 = 35; Y = 300 * 0.25 + 10 = 85; 1200 split 35:85 = 350 / 850.
    const result = computeAllocations(
      '1200.00',
      { factors: { enrollment: '0.25', lowIncome: '1' } },
      rows,
    );
    expect(result.allocations.map((a) => [a.weightedCount, a.amount])).toEqual([
      ['35', '350.00'],
      ['85', '850.00'],
    ]);
  });

  it('gives nothing to an organization with no count, even with a minimum', () => {
    const result = computeAllocations(
      '100.00',
      { factors: { lowIncome: '1' }, minimumAllocation: '10.00' },
      [row('A', 0), row('B', 5)],
    );
    expect(result.allocations.map((a) => a.amount)).toEqual(['0.00', '100.00']);
  });
});
