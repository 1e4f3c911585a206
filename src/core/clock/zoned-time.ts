/**
 * Wall-clock times in an agency's IANA time zone, without a date library: Intl knows every
 * zone's offsets. A deadline "2026-03-31T17:00" in America/Chicago is an instant; we store the
 * instant (timestamptz) and show it back in the zone.
 */

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;
const WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function wallClockAt(instant: number, timeZone: string): WallClock {
  const parts = Object.fromEntries(
    formatter(timeZone)
      .formatToParts(new Date(instant))
      .map((p) => [p.type, p.value]),
  );
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
  };
}

const asUtc = (w: WallClock) => Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);

/** Offset of the zone from UTC at an instant, in milliseconds (Chicago in winter: -6h). */
export function zoneOffsetMs(instant: number, timeZone: string): number {
  return (
    asUtc(wallClockAt(Math.floor(instant / 1000) * 1000, timeZone)) -
    Math.floor(instant / 1000) * 1000
  );
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

export type ZonedParse =
  { ok: true; instant: Date } | { ok: false; reason: 'format' | 'nonexistent' };

/**
 * Reads a date-time for an agency: either local wall-clock time ("2026-03-31T17:00[:00]"),
 * interpreted in `timeZone`, or an ISO instant with an offset or Z (taken as is). A local time
 * that does not exist (skipped by a DST change) is refused; an ambiguous one (repeated when
 * clocks fall back) means its first occurrence.
 */
export function parseAgencyDateTime(value: string, timeZone: string): ZonedParse {
  if (WITH_OFFSET.test(value)) {
    const instant = new Date(value);
    return Number.isNaN(instant.getTime())
      ? { ok: false, reason: 'format' }
      : { ok: true, instant };
  }
  const m = LOCAL.exec(value);
  if (!m) return { ok: false, reason: 'format' };
  const wall: WallClock = {
    year: Number(m[1]),
    month: Number(m[2]),
    day: Number(m[3]),
    hour: Number(m[4]),
    minute: Number(m[5]),
    second: Number(m[6] ?? '0'),
  };
  const guess = asUtc(wall);
  if (
    Number.isNaN(guess) ||
    new Date(guess).getUTCDate() !== wall.day ||
    wall.hour > 23 ||
    wall.minute > 59 ||
    wall.second > 59
  ) {
    return { ok: false, reason: 'format' };
  }
  // Try both offsets around the guess; the earliest instant that shows this wall clock wins.
  const candidates = [
    guess - zoneOffsetMs(guess - 86_400_000, timeZone),
    guess - zoneOffsetMs(guess + 86_400_000, timeZone),
    guess - zoneOffsetMs(guess, timeZone),
  ]
    .filter((instant) => asUtc(wallClockAt(instant, timeZone)) === guess)
    .sort((a, b) => a - b);
  if (candidates.length === 0) return { ok: false, reason: 'nonexistent' };
  return { ok: true, instant: new Date(candidates[0]) };
}

/** The instant as local wall-clock time in the zone: "2026-03-31T17:00:00". */
export function formatInZone(instant: Date, timeZone: string): string {
  const w = wallClockAt(instant.getTime(), timeZone);
  const pad = (n: number, l = 2) => String(n).padStart(l, '0');
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}`;
}

/** Formatters for people, by language and time zone: building one costs more than using it. */
const peopleFormatters = new Map<
  string,
  { when: Intl.DateTimeFormat; zone: Intl.DateTimeFormat }
>();

/** The Intl locale for a reader's language: US English, or Spanish as written in the US. */
const intlLocale = (language: string) => (language === 'es' ? 'es-US' : 'en-US');

/**
 * For people (emails, notices): "March 31, 2026 at 5:00 PM CDT" in the agency's zone, or
 * "31 de marzo de 2026, 5:00 p.m. CDT" for a Spanish reader.
 */
export function formatForPeople(instant: Date, timeZone: string, language = 'en'): string {
  const key = `${language}|${timeZone}`;
  let f = peopleFormatters.get(key);
  if (!f) {
    const locale = intlLocale(language);
    f = {
      when: new Intl.DateTimeFormat(locale, { timeZone, dateStyle: 'long', timeStyle: 'short' }),
      zone: new Intl.DateTimeFormat(locale, { timeZone, timeZoneName: 'short' }),
    };
    peopleFormatters.set(key, f);
  }
  const zoneName = f.zone.formatToParts(instant).find((p) => p.type === 'timeZoneName')?.value;
  return `${f.when.format(instant)} ${zoneName ?? ''}`.trim();
}

const dayFormatters = new Map<string, Intl.DateTimeFormat>();

/** A calendar date ("2026-12-21") for people: "December 21, 2026" or "21 de diciembre de 2026". */
export function formatDayForPeople(isoDate: string, language = 'en'): string {
  let f = dayFormatters.get(language);
  if (!f) {
    // The date has no zone: format it at UTC midnight in UTC so no zone moves it a day.
    f = new Intl.DateTimeFormat(intlLocale(language), { timeZone: 'UTC', dateStyle: 'long' });
    dayFormatters.set(language, f);
  }
  return f.format(new Date(`${isoDate}T00:00:00Z`));
}
