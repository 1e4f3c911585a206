import type { Widen } from '../i18n/widen';

/** Find funding: the English strings of these pages. */
export const fundingEn = {
  title: 'Funding',
} as const;

/** Las mismas claves en español (el tipo lo exige). */
export const fundingEs: Widen<typeof fundingEn> = {
  title: 'Funding',
};
