import { fromCents, InvalidAmountError, isAmount, toCents } from './money';

describe('money', () => {
  it('round-trips decimal strings through integer cents exactly', () => {
    for (const text of ['0.00', '0.10', '1250.00', '999999999999.99', '-42.05']) {
      expect(fromCents(toCents(text))).toBe(text);
    }
    expect(toCents('12.5')).toBe(1250n);
    expect(toCents('7')).toBe(700n);
  });

  it('adds 0.10 + 0.20 to exactly 0.30 (where a float would not)', () => {
    expect(fromCents(toCents('0.10') + toCents('0.20'))).toBe('0.30');
  });

  it('refuses numbers, three decimals, exponents and junk', () => {
    for (const bad of [12.5, '1.005', '1e3', '', ' 1.00', '1,000.00']) {
      expect(isAmount(bad)).toBe(false);
    }
    expect(() => toCents('1.005')).toThrow(InvalidAmountError);
  });
});
