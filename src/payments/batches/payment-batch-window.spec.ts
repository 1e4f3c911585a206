import { lastClosedWindow } from './payment-batch-window';

describe('lastClosedWindow', () => {
  const missouri = { requestWindowStartDay: 21, requestWindowEndDay: 1, payByDay: 21 };
  const kansas = { requestWindowStartDay: 1, requestWindowEndDay: 15, payByDay: 25 };

  it('is the window before the one still open (Missouri: 21st to the 1st, paid by the 21st)', () => {
    expect(lastClosedWindow('2026-08-10', missouri)).toEqual({
      windowStart: '2026-07-21',
      windowEnd: '2026-08-01',
      payBy: '2026-08-21',
    });
    // On the cut-off day itself the window is still open.
    expect(lastClosedWindow('2026-08-01', missouri).windowEnd).toBe('2026-07-01');
    expect(lastClosedWindow('2026-08-02', missouri).windowEnd).toBe('2026-08-01');
  });

  it('handles a window inside one month (Kansas: 1st to 15th, paid by the 25th)', () => {
    expect(lastClosedWindow('2026-08-20', kansas)).toEqual({
      windowStart: '2026-08-01',
      windowEnd: '2026-08-15',
      payBy: '2026-08-25',
    });
    expect(lastClosedWindow('2026-08-15', kansas).windowEnd).toBe('2026-07-15');
  });
});
