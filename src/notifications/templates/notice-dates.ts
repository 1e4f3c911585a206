import { formatDayForPeople, formatForPeople } from '../../core/clock/zoned-time';

/** An instant kept with the agency's time zone, so each reader gets it in their own language. */
export interface ZonedInstant {
  at: string;
  timeZone: string;
}

/**
 * A date in a notice's data: an instant with its zone, a calendar date ("2026-12-21"), or text
 * (notices stored before dates were kept as data carry English text, shown as it is).
 */
export type NoticeDate = ZonedInstant | string;

export const zonedInstant = (instant: Date, timeZone: string): ZonedInstant => ({
  at: instant.toISOString(),
  timeZone,
});

const CALENDAR_DATE = /^\d{4}-\d{2}-\d{2}$/;

export function isZonedInstant(value: unknown): value is ZonedInstant {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as ZonedInstant).at === 'string' &&
    typeof (value as ZonedInstant).timeZone === 'string'
  );
}

/** The date worded for a reader of `language`. */
export function noticeDate(value: NoticeDate, language: string): string {
  if (isZonedInstant(value)) {
    const instant = new Date(value.at);
    return Number.isNaN(instant.getTime())
      ? value.at
      : formatForPeople(instant, value.timeZone, language);
  }
  return CALENDAR_DATE.test(value) ? formatDayForPeople(value, language) : value;
}

/** Binds a language: `const when = datesIn('es'); when(d.closesAt)`. */
export const datesIn =
  (language: string) =>
  (value: NoticeDate): string =>
    noticeDate(value, language);
