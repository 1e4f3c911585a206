import type { Locale } from './i18n';

/** Intl locales for our page languages (United States conventions in both). */
const INTL_LOCALE: Record<Locale, string> = { en: 'en-US', es: 'es-US' };

const cache = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat>();
function cached<T extends Intl.DateTimeFormat | Intl.NumberFormat>(key: string, make: () => T): T {
  let format = cache.get(key) as T | undefined;
  if (!format) cache.set(key, (format = make()));
  return format;
}

const DATE_TIMES = new Map<string, string>();
const DATE_TIMES_KEPT = 10_000;

/**
 * Dates, times and money as a reader in this locale expects them, in the agency's time zone
 * ("21 March 2027, 5:00 pm CT"). Intl formatters cost tens of microseconds to build, so they
 * are built once per locale and zone.
 */
export class Formats {
  constructor(
    readonly locale: Locale,
    readonly timeZone: string,
  ) {}

  date(value: Date): string {
    return this.dateFormat().format(value);
  }

  /**
   * Pages show the same few instants again and again (a program's window on every row and every
   * visit), and formatToParts is the costly part of a list page: answers are remembered, a bounded
   * number of them.
   */
  dateTime(value: Date): string {
    const key = `${this.locale}|${this.timeZone}|${value.getTime()}`;
    let text = DATE_TIMES.get(key);
    if (text === undefined) {
      if (DATE_TIMES.size >= DATE_TIMES_KEPT) DATE_TIMES.clear();
      DATE_TIMES.set(key, (text = this.formatDateTime(value)));
    }
    return text;
  }

  private formatDateTime(value: Date): string {
    const time = cached(
      `t|${this.locale}|${this.timeZone}`,
      () =>
        new Intl.DateTimeFormat(INTL_LOCALE[this.locale], {
          hour: 'numeric',
          minute: '2-digit',
          timeZone: this.timeZone,
          timeZoneName: 'shortGeneric',
        }),
    );
    const parts = time.formatToParts(value);
    const zone = parts.find((p) => p.type === 'timeZoneName')?.value ?? '';
    const clock = parts
      .filter((p) => p.type !== 'timeZoneName')
      .map((p) => (p.type === 'dayPeriod' ? p.value.toLowerCase().replace(/\./g, '') : p.value))
      .join('')
      .trim();
    return `${this.date(value)}, ${clock} ${zone}`.replace(/\u202f/g, ' ');
  }

  /** A decimal string ("48200.00"); Intl formats the string exactly, never through a float. */
  money(decimal: string): string {
    const format = cached(
      `m|${this.locale}`,
      () => new Intl.NumberFormat(INTL_LOCALE[this.locale], { style: 'currency', currency: 'USD' }),
    );
    return format.format(decimal as unknown as number);
  }

  /** A calendar month ('2026-12') as words: "December 2026", "diciembre de 2026". */
  month(yearMonth: string): string {
    const format = cached(
      `mo|${this.locale}`,
      () =>
        new Intl.DateTimeFormat(INTL_LOCALE[this.locale], {
          month: 'long',
          year: 'numeric',
          timeZone: 'UTC',
        }),
    );
    return format.format(new Date(`${yearMonth}-15T12:00:00Z`));
  }

  /** A count given as a decimal string (a bigint from PostgreSQL), grouped, formatted exactly. */
  count(decimal: string): string {
    const format = cached(
      `n|${this.locale}`,
      () => new Intl.NumberFormat(INTL_LOCALE[this.locale]),
    );
    return format.format(decimal as unknown as number);
  }

  private dateFormat(): Intl.DateTimeFormat {
    return cached(
      `d|${this.locale}|${this.timeZone}`,
      () =>
        new Intl.DateTimeFormat(this.locale === 'en' ? 'en-GB' : INTL_LOCALE[this.locale], {
          day: 'numeric',
          month: 'long',
          year: 'numeric',
          timeZone: this.timeZone,
        }),
    );
  }
}
