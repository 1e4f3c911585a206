/** The longest wait between two attempts, whatever the base. */
export const MAX_BACKOFF_MS = 60 * 60 * 1000;

/**
 * Exponential backoff after the `attempt`-th failure (1-based): base, 2x, 4x, ... capped, with
 * up to 10% jitter so jobs that failed together (an SMTP outage) do not retry in lockstep.
 */
export function backoffMs(
  attempt: number,
  baseMs: number,
  random: () => number = Math.random,
): number {
  const exponential = baseMs * 2 ** Math.max(0, attempt - 1);
  const capped = Math.min(exponential, MAX_BACKOFF_MS);
  return Math.round(capped * (1 + 0.1 * random()));
}
