import { recommendFunding } from './funding-recommendation';

const ranked = [
  { applicationId: 'a', rank: 1, requested: '40000.00' },
  { applicationId: 'b', rank: 2, requested: '35000.00' },
  { applicationId: 'c', rank: 3, requested: '30000.00' },
  { applicationId: 'd', rank: 4, requested: '5000.00' },
];

describe('recommendFunding', () => {
  it('funds down the list and waitlists from the first that does not fit', () => {
    const result = recommendFunding(ranked, {
      fundsAvailable: '100000.00',
      allowPartialAward: false,
    });
    expect(result.map((r) => [r.applicationId, r.outcome, r.amount])).toEqual([
      ['a', 'approved', '40000.00'],
      ['b', 'approved', '35000.00'],
      ['c', 'waitlisted', '0.00'],
      ['d', 'waitlisted', '0.00'], // fits in what is left, but merit order is not skipped
    ]);
  });

  it('offers the last one the remainder when partial awards are allowed', () => {
    const result = recommendFunding(ranked, {
      fundsAvailable: '100000.00',
      allowPartialAward: true,
    });
    expect(result[2]).toMatchObject({
      outcome: 'approved',
      amount: '25000.00',
      partial: true,
      remainingAfter: '0.00',
    });
    expect(result[3]).toMatchObject({ outcome: 'waitlisted', amount: '0.00' });
  });

  it('does not offer a partial award below the floor', () => {
    const result = recommendFunding(ranked, {
      fundsAvailable: '76000.00',
      allowPartialAward: true,
      awardFloor: '5000.00',
    });
    expect(result[2]).toMatchObject({ outcome: 'waitlisted', amount: '0.00' });
  });

  it('never spends more than is available, to the cent', () => {
    const many = Array.from({ length: 50 }, (_, i) => ({
      applicationId: `x${i}`,
      rank: i + 1,
      requested: '333.33',
    }));
    const result = recommendFunding(many, { fundsAvailable: '10000.00', allowPartialAward: true });
    const spent = result.reduce((sum, r) => sum + BigInt(r.amount.replace('.', '')), 0n);
    expect(spent).toBe(1000000n);
  });
});
