import { formatForPeople, formatInZone, isValidTimeZone, parseAgencyDateTime } from './zoned-time';

const CHICAGO = 'America/Chicago';

function instant(value: string, zone = CHICAGO): string {
  const parsed = parseAgencyDateTime(value, zone);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.instant.toISOString();
}

describe('agency wall-clock times', () => {
  it('reads local time in the agency zone, in winter (CST) and summer (CDT)', () => {
    expect(instant('2026-01-15T17:00')).toBe('2026-01-15T23:00:00.000Z');
    expect(instant('2026-07-15T17:00:00')).toBe('2026-07-15T22:00:00.000Z');
  });

  it('takes an ISO instant with an offset as it is', () => {
    expect(instant('2026-01-15T17:00:00-05:00')).toBe('2026-01-15T22:00:00.000Z');
    expect(instant('2026-01-15T17:00:00Z')).toBe('2026-01-15T17:00:00.000Z');
  });

  it('refuses a local time skipped by the spring DST change, and malformed input', () => {
    expect(parseAgencyDateTime('2026-03-08T02:30', CHICAGO)).toEqual({
      ok: false,
      reason: 'nonexistent',
    });
    expect(parseAgencyDateTime('2026-02-30T10:00', CHICAGO)).toEqual({
      ok: false,
      reason: 'format',
    });
    expect(parseAgencyDateTime('31/03/2026 17:00', CHICAGO)).toEqual({
      ok: false,
      reason: 'format',
    });
  });

  it('reads an ambiguous fall-back time as its first occurrence (still daylight time)', () => {
    expect(instant('2026-11-01T01:30')).toBe('2026-11-01T06:30:00.000Z');
  });

  it('formats an instant back in the zone', () => {
    expect(formatInZone(new Date('2026-07-15T22:00:00Z'), CHICAGO)).toBe('2026-07-15T17:00:00');
    expect(formatInZone(new Date('2026-01-15T23:00:00Z'), 'America/New_York')).toBe(
      '2026-01-15T18:00:00',
    );
  });

  it('knows valid zones', () => {
    expect(isValidTimeZone(CHICAGO)).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
  });
});

describe('times for people', () => {
  it('says the local time with its zone abbreviation', () => {
    expect(formatForPeople(new Date('2026-03-31T22:00:00Z'), CHICAGO)).toBe(
      'March 31, 2026 at 5:00 PM CDT',
    );
  });
});
