/**
 * Money is decimal: the API speaks two-decimal strings ("1250.00"), arithmetic runs on integer
 * cents (bigint), PostgreSQL stores numeric(14,2). A JS number never holds an amount.
 */
const AMOUNT = /^-?\d{1,12}(\.\d{1,2})?$/;

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
