import { daysUntil, documentStatus, dueReminder, isIsoDate, todayIn } from './document-kinds';

describe('document library rules', () => {
  it('reads today in the agency time zone', () => {
    // 03:00 UTC on 1 March is still 28 February in Chicago.
    expect(todayIn(new Date('2027-03-01T03:00:00Z'), 'America/Chicago')).toBe('2027-02-28');
    expect(todayIn(new Date('2027-03-01T03:00:00Z'), 'UTC')).toBe('2027-03-01');
  });

  it('counts whole calendar days, across a DST change', () => {
    expect(daysUntil('2027-03-20', '2027-03-10')).toBe(10);
    expect(daysUntil('2027-03-09', '2027-03-10')).toBe(-1);
  });

  it('is valid through its expiry date, expiring soon within 30 days, expired after', () => {
    expect(documentStatus(null, '2027-01-01')).toBe('valid');
    expect(documentStatus('2027-03-01', '2027-01-01')).toBe('valid');
    expect(documentStatus('2027-01-31', '2027-01-01')).toBe('expiring_soon');
    expect(documentStatus('2027-01-01', '2027-01-01')).toBe('expiring_soon');
    expect(documentStatus('2026-12-31', '2027-01-01')).toBe('expired');
  });

  it('sends the nearest reminder once, never a farther one after a nearer one', () => {
    expect(dueReminder(31, null)).toBeUndefined();
    expect(dueReminder(30, null)).toBe(30);
    expect(dueReminder(20, 30)).toBeUndefined();
    expect(dueReminder(7, 30)).toBe(7);
    expect(dueReminder(3, 7)).toBeUndefined();
    expect(dueReminder(5, null)).toBe(7);
    expect(dueReminder(-1, null)).toBeUndefined();
  });

  it('accepts only real calendar dates', () => {
    expect(isIsoDate('2027-02-28')).toBe(true);
    expect(isIsoDate('2027-02-30')).toBe(false);
    expect(isIsoDate('02/28/2027')).toBe(false);
  });
});
