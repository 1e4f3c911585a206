import { en } from './en';
import { es } from './es';
import { Formats } from './format';
import { i18nextTranslator, LOCALES, negotiateLocale, translator } from './i18n';

describe('page languages', () => {
  it('chooses the switch first, then Accept-Language by quality, then English', () => {
    expect(negotiateLocale('es', 'en-US')).toBe('es');
    expect(negotiateLocale(undefined, 'es-MX,es;q=0.9,en;q=0.8')).toBe('es');
    expect(negotiateLocale(undefined, 'fr-FR, es;q=0.5')).toBe('es');
    expect(negotiateLocale(undefined, 'es;q=0, en')).toBe('en');
    expect(negotiateLocale('xx', undefined)).toBe('en');
  });

  it('translates with placeholders and plurals in both languages', () => {
    expect(translator('en')('signIn.locked', { count: 1 })).toMatch(/1 second,/);
    expect(translator('en')('signIn.locked', { count: 30 })).toMatch(/30 seconds/);
    expect(translator('es')('common.officialSite', { jurisdiction: 'Kansas' })).toBe(
      'Un sitio web oficial del Estado de Kansas',
    );
  });

  it('says what i18next says for every message of both catalogs, with and without values', () => {
    const leaves = (o: object, p = ''): [string, string][] =>
      Object.entries(o).flatMap(([k, v]) =>
        typeof v === 'string' ? [[`${p}${k}`, v]] : leaves(v as object, `${p}${k}.`),
      );
    let compared = 0;
    for (const locale of LOCALES) {
      const fast = translator(locale);
      const slow = i18nextTranslator(locale);
      for (const [key, text] of leaves(locale === 'en' ? en : es)) {
        const names = [...text.matchAll(/\{\{\s*(\w+)/g)].map((m) => m[1]);
        const values = Object.fromEntries(names.map((n) => [n, `<${n} & 'x'>`]));
        expect(fast(key as never, values)).toBe(slow(key as never, values));
        expect(fast(key as never)).toBe(slow(key as never));
        // Asked twice: the second answer comes from the cache.
        expect(fast(key as never, values)).toBe(slow(key as never, values));
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(500);
  });

  it('has a Spanish string for every English one, none left empty', () => {
    const keys = (o: object, p = ''): string[] =>
      Object.entries(o).flatMap(([k, v]) =>
        typeof v === 'string' ? [`${p}${k}`] : keys(v as object, `${p}${k}.`),
      );
    expect(keys(es).sort()).toEqual(keys(en).sort());
    for (const key of keys(es)) expect(translator('es')(key as never)).not.toBe('');
  });

  it('formats dates in the agency time zone and money from decimal strings exactly', () => {
    const f = new Formats('en', 'America/Chicago');
    expect(f.dateTime(new Date('2027-03-21T22:00:00Z'))).toBe('21 March 2027, 5:00 pm CT');
    expect(f.money('48200.00')).toBe('$48,200.00');
    expect(f.money('90071992547409.93')).toBe('$90,071,992,547,409.93');
    const es = new Formats('es', 'America/Chicago');
    expect(es.date(new Date('2027-03-21T22:00:00Z'))).toBe('21 de marzo de 2027');
  });
});
