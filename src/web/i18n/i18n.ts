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

const translators = new Map<Locale, Translate>(
  LOCALES.map((locale) => {
    const t: TFunction = catalogs.getFixedT(locale);
    return [locale, (key, values) => t(key, values ?? {})];
  }),
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
