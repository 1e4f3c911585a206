/** The calendar month (UTC) an instant falls in, as its first day: '2026-12-01'. */
export function usageMonthOf(instant: Date): string {
  return `${instant.toISOString().slice(0, 7)}-01`;
}

/** 'YYYY-MM' from a query string, else undefined. */
export function parseUsageMonth(text: string | undefined): string | undefined {
  if (text === undefined || !/^\d{4}-(0[1-9]|1[0-2])$/.test(text)) return undefined;
  return `${text}-01`;
}
