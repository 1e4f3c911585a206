import { fromCents } from '../money/money';

/**
 * The cost model (USAGE_PRICES): a price per unit of each kind of usage, in dollars as a decimal
 * string with up to six decimals (a request costs a fraction of a cent). Money never passes
 * through a float: prices are read as integer millionths of a dollar (micros), multiplied by
 * integer counts in BigInt, and each agency's charge is rounded once, half up, to cents.
 * Hand-written rather than src/core/money because that module is whole cents by design.
 */
export const USAGE_UNITS = [
  'apiRequests',
  'applicationsSubmitted',
  'storageGibMonths',
  'emailsSent',
  'jobsRun',
  'activeUsers',
] as const;
export type UsageUnit = (typeof USAGE_UNITS)[number];
export type UsagePrices = Partial<Record<UsageUnit, string>>;

/** One agency-month's usage, as counted (bigint counts as decimal strings from PostgreSQL). */
export interface UsageFigures {
  apiRequests: string;
  applicationsSubmitted: string;
  storageBytesHeld: string;
  emailsSent: string;
  jobsRun: string;
  activeUsers: string;
}

export const PRICE = /^(0|[1-9][0-9]{0,8})(\.[0-9]{1,6})?$/;
const GIB = 1024n ** 3n;

function toMicros(price: string): bigint {
  if (!PRICE.test(price)) throw new Error(`not a price: ${price}`);
  const [whole, fraction = ''] = price.split('.');
  return BigInt(whole) * 1_000_000n + BigInt(fraction.padEnd(6, '0'));
}

/** Reads `apiRequests=0.0001,emailsSent=0.001`; returns the problems instead of throwing. */
export function parseUsagePrices(text: string): { prices: UsagePrices; problems: string[] } {
  const prices: UsagePrices = {};
  const problems: string[] = [];
  for (const entry of text
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const [unit, price, ...rest] = entry.split('=').map((p) => p.trim());
    if (!(USAGE_UNITS as readonly string[]).includes(unit)) {
      problems.push(`"${unit}" is not one of ${USAGE_UNITS.join(', ')}`);
    } else if (price === undefined || rest.length > 0 || !PRICE.test(price)) {
      problems.push(`${unit}: the price must be a decimal like 0.0001 (at most six decimals)`);
    } else {
      prices[unit as UsageUnit] = price;
    }
  }
  return { prices, problems };
}

/** An agency-month's charge in micros (unrounded): each unit's count times its price. */
function chargeMicros(usage: UsageFigures, prices: UsagePrices): bigint {
  const micros = (unit: UsageUnit) => (prices[unit] ? toMicros(prices[unit]) : 0n);
  return (
    BigInt(usage.apiRequests) * micros('apiRequests') +
    BigInt(usage.applicationsSubmitted) * micros('applicationsSubmitted') +
    // Bytes held for the month, priced per GiB (binary): bytes × price ÷ 2^30.
    (BigInt(usage.storageBytesHeld) * micros('storageGibMonths')) / GIB +
    BigInt(usage.emailsSent) * micros('emailsSent') +
    BigInt(usage.jobsRun) * micros('jobsRun') +
    BigInt(usage.activeUsers) * micros('activeUsers')
  );
}

/** Micros to whole cents, half up (charges are never negative). */
function roundToCents(micros: bigint): bigint {
  return (micros + 5_000n) / 10_000n;
}

/** Each agency's charge ("12.34") and the bill's total, in the order given. */
export function usageBill(
  usages: UsageFigures[],
  prices: UsagePrices,
): { charges: string[]; total: string } {
  const cents = usages.map((u) => roundToCents(chargeMicros(u, prices)));
  return { charges: cents.map(fromCents), total: fromCents(cents.reduce((a, b) => a + b, 0n)) };
}

/**
 * A part's share of a whole as a percentage with one decimal ("12.5"), exact in BigInt, half
 * up; "0.0" when the whole is zero.
 */
export function shareOf(part: bigint, whole: bigint): string {
  if (whole === 0n) return '0.0';
  const tenths = (part * 2000n + whole) / (2n * whole);
  return `${tenths / 10n}.${tenths % 10n}`;
}
