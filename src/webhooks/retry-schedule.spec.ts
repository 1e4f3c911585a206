import { DEFAULT_WEBHOOK_RETRY_SCHEDULE, parseDurations } from '../core/config/env';
import { retryDelayMs } from './retry-schedule';

describe('webhook retry schedule', () => {
  const schedule = parseDurations(DEFAULT_WEBHOOK_RETRY_SCHEDULE)!;

  it('follows the default schedule, then gives up', () => {
    expect(schedule).toEqual([
      5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000,
    ]);
    expect(retryDelayMs(schedule, 1, () => 0.5)).toBe(5_000);
    expect(retryDelayMs(schedule, 4, () => 0.5)).toBe(7_200_000);
    expect(retryDelayMs(schedule, 7, () => 0.5)).toBe(36_000_000);
    expect(retryDelayMs(schedule, 8, () => 0.5)).toBeUndefined();
  });

  it('jitters each wait by at most 10%', () => {
    expect(retryDelayMs(schedule, 2, () => 0)).toBe(270_000);
    expect(retryDelayMs(schedule, 2, () => 0.999999)).toBeLessThanOrEqual(330_000);
  });

  it('refuses schedules that are not durations', () => {
    expect(parseDurations('50ms, 1s,2m')).toEqual([50, 1000, 120_000]);
    expect(parseDurations('5')).toBeUndefined();
    expect(parseDurations('5s,,5m')).toBeUndefined();
    expect(parseDurations('25h')).toBeUndefined();
  });
});
