import type { Widen } from '../i18n/widen';

/** One front door across agencies: the English strings of these pages. */
export const homeEn = {
  title: 'Home',
} as const;

/** Las mismas claves en español (el tipo lo exige). */
export const homeEs: Widen<typeof homeEn> = {
  title: 'Home',
};
