import i18next, { TFunction } from 'i18next';
import { Catalog, en } from './en';
import { es } from './es';

/** The languages pages are written in; the first is the fallback. */
export const LOCALES = ['en', 'es'] as const;
export type Locale = (typeof LOCALES)[number];

export const isLocale = (value: unknown): value is Locale =>
  typeof value === 'string' && (LOCALES as readonly string[]).includes(value);

type Leaves<T, P extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${P}${K}` : Leaves<T[K], `${P}${K}.`>;
}[keyof T & string];

/** Every key of the catalog, checked by the compiler where a page asks for one. */
export type MessageKey = Leaves<Catalog>;
export type Translate = (key: MessageKey, values?: Record<string, string | number>) => string;

const CATALOGS: Record<Locale, Catalog> = { en, es };

/**
 * One i18next instance for the process, initialised synchronously from the catalogs in the
 * bundle (nothing is loaded at request time). Values are not HTML-escaped here: pages render
 * through Preact, which escapes every text node and attribute.
 */
const catalogs = i18next.createInstance();
void catalogs.init({
  resources: Object.fromEntries(
    LOCALES.map((locale) => [locale, { translation: CATALOGS[locale] }]),
  ),
  lng: 'en',
  fallbackLng: 'en',
  initAsync: false,
  interpolation: { escapeValue: false },
});

/**
 * A message as a plain template ("Due {{date}}"), or null when i18next must do the work: plural
 * forms, nesting, formatters, or a key this language lacks (i18next falls back to English).
 */
function plainTemplate(locale: Locale, key: string): string | null {
  const raw: unknown = catalogs.getResource(locale, 'translation', key);
  if (typeof raw !== 'string' || raw.includes('$t(') || /\{\{[^}]*[,-]/.test(raw)) return null;
  return raw;
}

/**
 * i18next's t() costs several microseconds a call, and a table row asks for a dozen messages:
 * on the program list that was most of the page's CPU. Messages without values are looked up
 * once per language; plain templates are filled here with the same {{name}} syntax, and anything
 * else (counts, nesting, a missing value) goes through i18next. A test checks the two agree on
 * every message of both catalogs.
 */
export function fastTranslator(locale: Locale, t: TFunction): Translate {
  const fixed = new Map<string, string>();
  const templates = new Map<string, string | null>();
  return (key, values) => {
    if (!values) {
      let text = fixed.get(key);
      if (text === undefined) fixed.set(key, (text = t(key, {})));
      return text;
    }
    if ('count' in values || 'context' in values) return t(key, values);
    let template = templates.get(key);
    if (template === undefined) templates.set(key, (template = plainTemplate(locale, key)));
    if (template === null) return t(key, values);
    let missing = false;
    const text = template.replace(/\{\{\s*(\w+)\s*\}\}/g, (_match, name: string) => {
      if (!(name in values)) missing = true;
      return String(values[name]);
    });
    return missing ? t(key, values) : text;
  };
}

/** i18next itself, for the test that the fast path says the same. */
export const i18nextTranslator = (locale: Locale): Translate => {
  const t: TFunction = catalogs.getFixedT(locale);
  return (key, values) => t(key, values ?? {});
};

const translators = new Map<Locale, Translate>(
  LOCALES.map((locale) => [locale, fastTranslator(locale, catalogs.getFixedT(locale))]),
);

export function translator(locale: Locale): Translate {
  return translators.get(locale)!;
}

/**
 * The page language: the visible switch's choice (a cookie, also set from the saved preference
 * at sign-in), else the browser's Accept-Language, else English.
 */
export function negotiateLocale(chosen: string | undefined, acceptLanguage?: string): Locale {
  if (isLocale(chosen)) return chosen;
  for (const part of (acceptLanguage ?? '').split(',')) {
    const [tag, ...params] = part.trim().split(';');
    const quality = params.find((p) => p.trim().startsWith('q='));
    if (quality && Number(quality.trim().slice(2)) === 0) continue;
    const primary = tag.trim().toLowerCase().split('-')[0];
    if (isLocale(primary)) return primary;
  }
  return LOCALES[0];
}
