import type { Widen } from '../i18n/widen';

/** After submission: the English strings of these pages. */
export const awardsEn = {
  title: 'Awards',
} as const;

/** Las mismas claves en español (el tipo lo exige). */
export const awardsEs: Widen<typeof awardsEn> = {
  title: 'Awards',
};
