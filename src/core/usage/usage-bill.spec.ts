import { parseUsagePrices, shareOf, usageBill, UsageFigures } from './usage-bill';

const usage = (over: Partial<UsageFigures> = {}): UsageFigures => ({
  apiRequests: '0',
  applicationsSubmitted: '0',
  storageBytesHeld: '0',
  emailsSent: '0',
  jobsRun: '0',
  activeUsers: '0',
  ...over,
});

describe('usage bill', () => {
  it('prices fractions of a cent exactly and rounds each charge once, half up', () => {
    const { prices } = parseUsagePrices('apiRequests=0.0001, emailsSent=0.001');
    // 12,345 requests × $0.0001 = $1.2345 and 5 emails × $0.001 = $0.005: $1.2395 → $1.24.
    const bill = usageBill([usage({ apiRequests: '12345', emailsSent: '5' })], prices);
    expect(bill).toEqual({ charges: ['1.24'], total: '1.24' });
  });

  it('prices storage per GiB-month of bytes held', () => {
    const { prices } = parseUsagePrices('storageGibMonths=0.03');
    const bill = usageBill([usage({ storageBytesHeld: String(10 * 1024 ** 3) })], prices);
    expect(bill.charges).toEqual(['0.30']);
  });

  it('sums charges that a float would get wrong', () => {
    const { prices } = parseUsagePrices('applicationsSubmitted=0.10,jobsRun=0.20');
    const bill = usageBill(
      [usage({ applicationsSubmitted: '1' }), usage({ jobsRun: '1' })],
      prices,
    );
    expect(bill.total).toBe('0.30');
  });

  it('names each bad entry and keeps the good ones', () => {
    const parsed = parseUsagePrices('apiRequests=0.0000001,tea=1,activeUsers=2.50,jobsRun=1e-3');
    expect(parsed.prices).toEqual({ activeUsers: '2.50' });
    expect(parsed.problems).toHaveLength(3);
  });

  it('states shares with one decimal', () => {
    expect(shareOf(1n, 3n)).toBe('33.3');
    expect(shareOf(2n, 3n)).toBe('66.7');
    expect(shareOf(0n, 0n)).toBe('0.0');
    expect(shareOf(5n, 5n)).toBe('100.0');
  });
});
