import type { Widen } from '../i18n/widen';

/** Applying: the English strings of these pages. */
export const applicationsEn = {
  title: 'Applications',
} as const;

/** Las mismas claves en español (el tipo lo exige). */
export const applicationsEs: Widen<typeof applicationsEn> = {
  title: 'Applications',
};
