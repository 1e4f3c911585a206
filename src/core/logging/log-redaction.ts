/**
 * Database errors must not carry data into the logs. TypeORM's QueryFailedError holds the bound
 * `parameters` (emails, names, bank details, tokens) and copies the driver error's fields; pg's
 * `detail` quotes key values ("Key (email)=(...) already exists"), and data-exception messages
 * (SQLSTATE class 22, e.g. `invalid input syntax for type uuid: "..."`) and RAISE messages (P0)
 * quote the offending value. What stays is what an operator needs: the SQLSTATE, the
 * constraint, table and column names, and the parameterised query text.
 *
 * Written by hand rather than wrapping pino's `stdSerializers.err`: that one folds every
 * `cause`'s message into the top message and stack, where a wrapped error's values reappear.
 */
const DROPPED = new Set([
  'parameters',
  'detail',
  'driverError',
  'where',
  'internalQuery',
  'message',
  'stack',
  'cause',
  'name',
]);
const SQLSTATE = /^[0-9A-Z]{5}$/;
const MAX_DEPTH = 5;

function isDatabaseError(error: Record<string, unknown>): boolean {
  return typeof error.code === 'string' && SQLSTATE.test(error.code) && 'severity' in error;
}

/** The message, unless it comes from a database error whose SQLSTATE class quotes values. */
export function safeErrorMessage(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const fields = error as unknown as Record<string, unknown>;
  if (isDatabaseError(fields) && /^(22|P0)/.test(fields.code as string)) {
    return `database error ${fields.code as string} (message withheld: it may quote a bound value)`;
  }
  return error.message;
}

/** The error as a log object: type, safe message, stack frames, safe fields, its cause. */
export function redactedError(error: unknown, depth = 0): unknown {
  if (!(error instanceof Error)) return error;
  const message = safeErrorMessage(error);
  const frames = (error.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line));
  const out: Record<string, unknown> = {
    type: error.constructor?.name ?? error.name,
    message,
    stack: [`${error.name}: ${message}`, ...frames].join('\n'),
  };
  for (const [key, value] of Object.entries(error)) {
    if (DROPPED.has(key) || value === undefined || typeof value === 'function') continue;
    out[key] = value;
  }
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof Error && depth < MAX_DEPTH) out.cause = redactedError(cause, depth + 1);
  return out;
}
