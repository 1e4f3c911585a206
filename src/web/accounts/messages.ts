import type { Widen } from '../i18n/widen';

/** Accounts: the English strings of these pages. */
export const accountsEn = {
  title: 'Accounts',
} as const;

/** Las mismas claves en español (el tipo lo exige). */
export const accountsEs: Widen<typeof accountsEn> = {
  title: 'Accounts',
};
