/**
 * Money is decimal: the API speaks two-decimal strings ("1250.00"), arithmetic runs on integer
 * cents (bigint), PostgreSQL stores numeric(14,2). A JS number never holds an amount.
 */
const AMOUNT = /^-?\d{1,12}(\.\d{1,2})?$/;

/**
 * What a client may send as an amount: not negative, no leading zeros, at most twelve digits
 * before the point and two after ("1250.00", "7", "0.5"). The pattern text is for JSON Schema.
 */
export const MONEY_PATTERN = '^(0|[1-9][0-9]{0,11})(\\.[0-9]{1,2})?$';
export const MONEY = new RegExp(MONEY_PATTERN);

export class InvalidAmountError extends Error {
  constructor(readonly value: unknown) {
    super(`not a decimal amount with at most 2 decimals: ${String(value)}`);
  }
}

export function isAmount(value: unknown): value is string {
  return typeof value === 'string' && AMOUNT.test(value);
}

export function toCents(amount: string): bigint {
  if (!isAmount(amount)) throw new InvalidAmountError(amount);
  const negative = amount.startsWith('-');
  const [whole, fraction = ''] = (negative ? amount.slice(1) : amount).split('.');
  const cents = BigInt(whole) * 100n + BigInt(fraction.padEnd(2, '0'));
  return negative ? -cents : cents;
}

export function fromCents(cents: bigint): string {
  const negative = cents < 0n;
  const abs = negative ? -cents : cents;
  const text = `${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`;
  return negative ? `-${text}` : text;
}

export function sumCents(values: Iterable<bigint>): bigint {
  let total = 0n;
  for (const v of values) total += v;
  return total;
}

export const minCents = (a: bigint, b: bigint): bigint => (a < b ? a : b);
export const maxCents = (a: bigint, b: bigint): bigint => (a > b ? a : b);

/** An amount as the API writes it: "12.5" becomes "12.50". */
export const normalizeAmount = (amount: string): string => fromCents(toCents(amount));

/**
 * A percentage with at most two decimals ("10", "8.25") as basis points (hundredths of a
 * percent), so rates multiply cents exactly.
 */
export function percentToBasisPoints(percent: string): bigint {
  return toCents(percent);
}

/** That share of an amount, rounded toward zero to the cent (a cap never rounds up). */
export const shareOfCents = (cents: bigint, basisPoints: bigint): bigint =>
  (cents * basisPoints) / 10_000n;
