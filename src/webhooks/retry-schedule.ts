/**
 * When a failed scheduled attempt is tried again: the deployment's schedule (after the first
 * attempt fails, wait schedule[0], then schedule[1], ...), each wait stretched or shrunk by up
 * to 10% so deliveries that failed together (a receiver's outage) do not return in lockstep.
 * Undefined once the schedule is spent: the delivery has failed.
 */
export function retryDelayMs(
  schedule: readonly number[],
  failedAttempt: number,
  random: () => number = Math.random,
): number | undefined {
  const base = schedule[failedAttempt - 1];
  if (base === undefined) return undefined;
  return Math.round(base * (0.9 + 0.2 * random()));
}
