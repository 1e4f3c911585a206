import {
  advanceToApply,
  budgetLineProblems,
  combineLines,
  periodProblem,
} from './payment-request-rules';

describe('payment request rules', () => {
  const award = { start: '2026-07-01', end: '2027-09-30' };

  it('refuses costs outside the period of availability and future costs for reimbursements', () => {
    expect(
      periodProblem(
        'reimbursement',
        { start: '2026-06-30', end: '2026-07-31' },
        award,
        '2026-08-15',
      )?.kind,
    ).toBe('outside_award');
    expect(
      periodProblem(
        'reimbursement',
        { start: '2027-09-01', end: '2027-10-01' },
        award,
        '2027-12-01',
      )?.kind,
    ).toBe('outside_award');
    expect(
      periodProblem(
        'reimbursement',
        { start: '2026-08-01', end: '2026-08-31' },
        award,
        '2026-08-15',
      )?.kind,
    ).toBe('future_costs');
    expect(
      periodProblem('advance', { start: '2026-08-01', end: '2026-08-31' }, award, '2026-08-15'),
    ).toBeUndefined();
  });

  it('allows a line up to its amount plus tolerance, counting what was already requested', () => {
    const budget = [{ functionCode: '1000', objectCode: '100', amount: '1000.00' }];
    const used = new Map([['1000/100', 100000n]]);
    const ok = budgetLineProblems(
      [{ functionCode: '1000', objectCode: '100', amount: '100.00' }],
      budget,
      used,
      '10',
    );
    expect(ok).toEqual({ unknown: [], beyond: [] });
    const over = budgetLineProblems(
      [{ functionCode: '1000', objectCode: '100', amount: '100.01' }],
      budget,
      used,
      '10',
    );
    expect(over.beyond[0]).toMatchObject({ pointer: '/lines/0/amount', available: '100.00' });
    const unknown = budgetLineProblems(
      [{ functionCode: '2200', objectCode: '300', amount: '1.00' }],
      budget,
      used,
      '10',
    );
    expect(unknown.unknown[0].pointer).toBe('/lines/0');
  });

  it('combines repeated lines and applies cash on hand first', () => {
    expect(
      combineLines([
        { functionCode: '1000', objectCode: '100', amount: '1.50' },
        { functionCode: '1000', objectCode: '100', amount: '2.50' },
      ]),
    ).toEqual([{ functionCode: '1000', objectCode: '100', amount: '4.00' }]);
    expect(advanceToApply(500n, 200n)).toBe(200n);
    expect(advanceToApply(500n, 0n)).toBe(0n);
    expect(advanceToApply(100n, 200n)).toBe(100n);
  });
});
