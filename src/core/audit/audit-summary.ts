/**
 * Turns a before/after value into what the audit log keeps: plain JSON, secrets removed, bounded
 * in size. The log is append-only and readable by agency admins for years, so a secret written
 * into it could never be taken back.
 */
const SECRET_KEY_PARTS = [
  'password',
  'passphrase',
  'secret',
  'token',
  'hash',
  'bankaccount',
  'accountnumber',
  'routingnumber',
  'apikey',
  'privatekey',
  'encryptionkey',
  'ssn',
];

export const REDACTED = '[redacted]';
const MAX_DEPTH = 8;
const MAX_STRING = 2000;
const MAX_ITEMS = 200;

export function isSecretKey(key: string): boolean {
  const normalized = key.toLowerCase().replace(/[^a-z0-9]/g, '');
  return SECRET_KEY_PARTS.some((part) => normalized.includes(part));
}

function clean(value: unknown, depth: number): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') {
    const text = value.replaceAll('\u0000', ''); // jsonb cannot hold NUL
    return text.length > MAX_STRING ? `${text.slice(0, MAX_STRING)}…` : text;
  }
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return '[binary]';
  if (typeof value !== 'object') return null; // functions, symbols
  if (depth >= MAX_DEPTH) return '[nested too deep]';
  // Decimal (decimal.js) and similar value objects serialize themselves.
  const toJSON = (value as { toJSON?: () => unknown }).toJSON;
  if (typeof toJSON === 'function' && !Array.isArray(value)) {
    return clean(toJSON.call(value), depth + 1);
  }
  if (Array.isArray(value)) {
    const items = value.slice(0, MAX_ITEMS).map((item) => clean(item, depth + 1));
    if (value.length > MAX_ITEMS) items.push(`[${value.length - MAX_ITEMS} more]`);
    return items;
  }
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    if (item === undefined) continue;
    out[key] = isSecretKey(key) ? REDACTED : clean(item, depth + 1);
  }
  return out;
}

/** The JSON stored for `before`/`after`, or null when there is nothing to store. */
export function auditSummary(value: unknown): unknown {
  return value === undefined ? null : clean(value, 0);
}
