import {
  fromCents,
  InvalidAmountError,
  isAmount,
  MONEY,
  normalizeAmount,
  percentToBasisPoints,
  shareOfCents,
  toCents,
} from './money';

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

  it('accepts from clients only plain non-negative amounts', () => {
    for (const good of ['0', '7', '0.5', '1250.00', '999999999999.99'])
      expect(MONEY.test(good)).toBe(true);
    for (const bad of ['-1.00', '01.00', '1.005', '1e3', '1000000000000', '.50', '1.'])
      expect(MONEY.test(bad)).toBe(false);
  });

  it('normalizes amounts to two decimals', () => {
    expect(normalizeAmount('12.5')).toBe('12.50');
    expect(normalizeAmount('7')).toBe('7.00');
    expect(() => normalizeAmount('7.001')).toThrow(InvalidAmountError);
  });

  it('takes a percentage share of cents exactly, rounding toward zero', () => {
    expect(percentToBasisPoints('8')).toBe(800n);
    expect(percentToBasisPoints('12.5')).toBe(1250n);
    expect(shareOfCents(100001n, percentToBasisPoints('8'))).toBe(8000n); // 80.0008 -> 80.00
    expect(shareOfCents(-100001n, percentToBasisPoints('8'))).toBe(-8000n);
    expect(shareOfCents(33333n, percentToBasisPoints('33.33'))).toBe(11109n); // 111.098889
  });
});
