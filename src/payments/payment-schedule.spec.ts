import { paymentWindowFor } from './payment-schedule';

const missouri = { requestWindowStartDay: 21, requestWindowEndDay: 1, payByDay: 21 };
const kansas = { requestWindowStartDay: 1, requestWindowEndDay: 15, payByDay: 25 };

describe('paymentWindowFor', () => {
  it('pays Missouri requests from the 21st to the 1st by the 21st', () => {
    expect(paymentWindowFor('2026-11-21', missouri)).toEqual({
      windowStart: '2026-11-21',
      windowEnd: '2026-12-01',
      payBy: '2026-12-21',
    });
    expect(paymentWindowFor('2026-12-01', missouri)).toEqual({
      windowStart: '2026-11-21',
      windowEnd: '2026-12-01',
      payBy: '2026-12-21',
    });
  });

  it('wraps the year end', () => {
    expect(paymentWindowFor('2026-12-28', missouri)).toEqual({
      windowStart: '2026-12-21',
      windowEnd: '2027-01-01',
      payBy: '2027-01-21',
    });
  });

  it('holds a request made between windows for the next one', () => {
    expect(paymentWindowFor('2026-12-05', missouri)).toEqual({
      windowStart: '2026-12-21',
      windowEnd: '2027-01-01',
      payBy: '2027-01-21',
    });
    expect(paymentWindowFor('2026-11-20', kansas)).toEqual({
      windowStart: '2026-12-01',
      windowEnd: '2026-12-15',
      payBy: '2026-12-25',
    });
  });

  it('pays a window inside one month in the same month', () => {
    expect(paymentWindowFor('2026-02-10', kansas)).toEqual({
      windowStart: '2026-02-01',
      windowEnd: '2026-02-15',
      payBy: '2026-02-25',
    });
  });

  it('uses the last day of short months', () => {
    const endOfMonth = { requestWindowStartDay: 25, requestWindowEndDay: 31, payByDay: 31 };
    expect(paymentWindowFor('2026-02-27', endOfMonth)).toEqual({
      windowStart: '2026-02-25',
      windowEnd: '2026-02-28',
      payBy: '2026-03-31',
    });
  });
});
