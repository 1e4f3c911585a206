import type { Widen } from '../i18n/widen';

/** The district's organization: the English strings of these pages. */
export const organizationsEn = {
  title: 'Organizations',
} as const;

/** Las mismas claves en español (el tipo lo exige). */
export const organizationsEs: Widen<typeof organizationsEn> = {
  title: 'Organizations',
};
