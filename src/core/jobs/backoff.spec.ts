import { backoffMs, MAX_BACKOFF_MS } from './backoff';

describe('backoffMs', () => {
  const noJitter = () => 0;

  it('doubles from the base on each failed attempt', () => {
    expect([1, 2, 3, 4].map((a) => backoffMs(a, 1000, noJitter))).toEqual([1000, 2000, 4000, 8000]);
  });

  it('is capped at one hour however many attempts failed', () => {
    expect(backoffMs(40, 5000, noJitter)).toBe(MAX_BACKOFF_MS);
  });

  it('adds at most 10% jitter', () => {
    expect(backoffMs(1, 1000, () => 0.999)).toBe(1100);
    expect(backoffMs(1, 1000, () => 0.5)).toBe(1050);
  });
});
