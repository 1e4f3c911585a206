import { Injectable, Logger } from '@nestjs/common';
import { AgencyDirectory } from '../agencies/agency-directory';
import { AssetServer } from './assets/asset-server';
import type { AgencyBrand } from './render/page-context';

/** USWDS's primary dark blue: the fallback when an agency's colour is too light for white text. */
const FALLBACK_PRIMARY = '#1a4480';

/** WCAG 2.1 contrast ratio of white text on this colour ("#RRGGBB"). */
export function contrastWithWhite(hex: string): number {
  const channel = (i: number) => {
    const c = parseInt(hex.slice(1 + 2 * i, 3 + 2 * i), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const luminance = 0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2);
  return 1.05 / (luminance + 0.05);
}

/** An agency's stylesheet: its colour where USWDS uses the primary colour. */
function themeCss(primary: string): string {
  return `:root{--gc-agency-primary:${primary};--gc-agency-accent:${primary}}
.usa-button:not(.usa-button--unstyled):not(.usa-button--outline):not(.usa-button--secondary){background-color:${primary}}
.usa-button--outline{box-shadow:inset 0 0 0 2px ${primary};color:${primary}}
`;
}

/**
 * Each portal's face, from its agency's YAML: name, colours (as a generated stylesheet, served
 * under its content hash) and contact address. Built on first use, after the agency directory
 * has loaded; an agency's change takes effect at restart, as its configuration does.
 */
@Injectable()
export class AgencyBrands {
  private readonly logger = new Logger('AgencyBrands');
  private byCode?: Map<string, AgencyBrand>;

  constructor(
    private readonly directory: AgencyDirectory,
    private readonly assets: AssetServer,
  ) {}

  brandOf(code: string): AgencyBrand | undefined {
    return this.brands().get(code);
  }

  all(): AgencyBrand[] {
    return [...this.brands().values()];
  }

  private brands(): Map<string, AgencyBrand> {
    this.byCode ??= new Map(
      this.directory.list().map((agency) => {
        const config = this.directory.configOf(agency.agencyId);
        let primary = config.branding.primaryColor;
        if (contrastWithWhite(primary) < 4.5) {
          this.logger.warn(
            `${agency.code}: branding.primaryColor ${primary} is too light for white text (WCAG AA); using ${FALLBACK_PRIMARY}`,
          );
          primary = FALLBACK_PRIMARY;
        }
        const brand: AgencyBrand = {
          code: agency.code,
          name: agency.name,
          displayName: config.branding.displayName,
          jurisdiction: agency.jurisdiction,
          timeZone: agency.timeZone,
          contactEmail: config.notifications.replyTo ?? config.notifications.senderEmail,
          themeHref: this.assets.addOwn(`theme-${agency.code}.css`, themeCss(primary)),
        };
        return [agency.code, brand];
      }),
    );
    return this.byCode;
  }
}
