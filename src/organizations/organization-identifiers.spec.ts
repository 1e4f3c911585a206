import { NCES_LEA_ID, STATE_DISTRICT_CODE, UEI } from './organization-identifiers';

describe('organization identifiers', () => {
  it('accepts real-looking identifiers', () => {
    expect(NCES_LEA_ID.test('2910320')).toBe(true);
    expect(UEI.test('J7M9HPTGJ1S8')).toBe(true);
    expect(STATE_DISTRICT_CODE.test('048078')).toBe(true);
    expect(STATE_DISTRICT_CODE.test('D0501')).toBe(true);
  });

  it('refuses malformed ones', () => {
    expect(NCES_LEA_ID.test('291032')).toBe(false);
    expect(NCES_LEA_ID.test('29103200')).toBe(false);
    expect(UEI.test('0J7M9HPTGJ1S')).toBe(false); // leading zero
    expect(UEI.test('J7M9HPTGJ1SO')).toBe(false); // letter O
    expect(UEI.test('J7M9HPTIJ1S8')).toBe(false); // letter I
    expect(UEI.test('J7M9HPTGJ1S')).toBe(false); // 11 characters
    expect(STATE_DISTRICT_CODE.test('a b')).toBe(false);
  });
});
