/** The kinds of file a district keeps in its library (what programs ask for again and again). */
export const DOCUMENT_KINDS = [
  'single_audit_report',
  'assurances',
  'indirect_cost_rate_agreement',
  'board_approval',
  'other',
] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

export const isDocumentKind = (value: unknown): value is DocumentKind =>
  typeof value === 'string' && (DOCUMENT_KINDS as readonly string[]).includes(value);

/**
 * Days before expiry when the organization's admins are reminded. A document that expires
 * within 30 days is "expiring soon" on its page, so the first reminder coincides with that.
 */
export const REMINDER_DAYS = [30, 7] as const;
export const EXPIRING_SOON_DAYS = 30;

export type DocumentStatus = 'valid' | 'expiring_soon' | 'expired';

const DAY_MS = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar date written YYYY-MM-DD (no 2027-02-30). */
export function isIsoDate(value: string): boolean {
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === value;
}

/** Today's calendar date in a time zone, YYYY-MM-DD. */
export function todayIn(now: Date, timeZone: string): string {
  // en-CA formats dates as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(now);
}

/** Whole days from `today` to `expiresOn` (negative once it has passed). */
export function daysUntil(expiresOn: string, today: string): number {
  return Math.round(
    (Date.parse(`${expiresOn}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / DAY_MS,
  );
}

/** A document is valid on its expiry date and expired the day after. */
export function documentStatus(expiresOn: string | null, today: string): DocumentStatus {
  if (expiresOn === null) return 'valid';
  const left = daysUntil(expiresOn, today);
  if (left < 0) return 'expired';
  return left <= EXPIRING_SOON_DAYS ? 'expiring_soon' : 'valid';
}

/**
 * The reminder due now, if any: the nearest threshold the document has reached, unless that
 * one (or a nearer one) was already sent. Only the nearest applies, so a document uploaded 5
 * days before it expires gets the 7-day reminder, never a late "30 days left".
 */
export function dueReminder(
  daysLeft: number,
  alreadyReminded: number | null,
  thresholds: readonly number[] = REMINDER_DAYS,
): number | undefined {
  if (daysLeft < 0) return undefined;
  const threshold = [...thresholds].sort((a, b) => a - b).find((d) => daysLeft <= d);
  if (threshold === undefined) return undefined;
  if (alreadyReminded !== null && alreadyReminded <= threshold) return undefined;
  return threshold;
}
