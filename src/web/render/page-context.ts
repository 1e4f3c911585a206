import type { Formats } from '../i18n/format';
import type { Locale, Translate } from '../i18n/i18n';

/** What a portal shows of its agency: name, colours and contact from the agency's YAML. */
export interface AgencyBrand {
  code: string;
  name: string;
  displayName: string;
  jurisdiction: string;
  timeZone: string;
  contactEmail: string;
  themeHref: string;
}

/** The asset URLs every page links (content-hashed or versioned, cached for a year). */
export interface PageAssets {
  uswdsCss: string;
  uswdsJs: string;
  uswdsInit: string;
  appCss: string;
  appJs: string;
}

/**
 * What every page is rendered with besides its own view model: the reader's language and
 * formats, the portal's agency (absent on deployment-wide pages), who is signed in, and the
 * CSRF token its forms carry.
 */
export interface PageContext {
  locale: Locale;
  t: Translate;
  formats: Formats;
  agency?: AgencyBrand;
  user?: { email: string };
  csrfToken: string;
  /** The path and query of this page, for "switch language" and "sign in, then come back". */
  path: string;
  assets: PageAssets;
}
