import { settle } from './closeout-settlement';

const base = {
  obligated: 10_000_000n, // $100,000.00
  undisbursed: 10_000_000n,
  advanceOutstanding: 0n,
  expenditures: 0n,
  carryoverAllowed: true,
  carryoverCapBasisPoints: 1500n,
};

describe('closeout settlement', () => {
  it('deobligates the unspent balance and carries over at most the cap (Title I-A: 15%)', () => {
    const s = settle({ ...base, undisbursed: 2_000_000n, expenditures: 8_000_000n });
    expect(s).toMatchObject({
      reimbursed: 8_000_000n,
      unspent: 2_000_000n,
      carryover: 1_500_000n,
      refundDue: 0n,
    });
    const small = settle({ ...base, undisbursed: 500_000n, expenditures: 9_500_000n });
    expect(small).toMatchObject({ unspent: 500_000n, carryover: 500_000n });
    expect(
      settle({ ...base, carryoverAllowed: false, undisbursed: 0n, expenditures: 10_000_000n }),
    ).toMatchObject({ carryover: 0n });
  });

  it('liquidates advanced cash against reported costs and asks back the rest', () => {
    // $30,000 reimbursed, $50,000 advanced, $70,000 spent: $40,000 of the advance used.
    const s = settle({
      ...base,
      undisbursed: 7_000_000n,
      advanceOutstanding: 5_000_000n,
      expenditures: 7_000_000n,
    });
    expect(s).toMatchObject({
      reimbursed: 3_000_000n,
      advanceLiquidated: 4_000_000n,
      refundDue: 1_000_000n,
      unspent: 3_000_000n,
    });
  });

  it('asks back reimbursements beyond the reported costs', () => {
    const s = settle({ ...base, undisbursed: 4_000_000n, expenditures: 5_000_000n });
    expect(s).toMatchObject({
      reimbursed: 6_000_000n,
      overReimbursed: 1_000_000n,
      refundDue: 1_000_000n,
    });
  });

  it('refuses costs nobody was paid for yet, and costs above the award', () => {
    expect(settle({ ...base, undisbursed: 5_000_000n, expenditures: 6_000_000n })).toEqual({
      code: 'unpaid_costs',
      unpaid: 1_000_000n,
    });
    expect(settle({ ...base, expenditures: 10_000_001n })).toMatchObject({
      code: 'expenditures_exceed_award',
    });
  });
});
