import { Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RequestContext } from '../core/context/request-context';
import { cookiesOf } from '../core/http/cookies';
import { AgencyBrands } from './agency-brands';
import { AssetServer } from './assets/asset-server';
import { Formats } from './i18n/format';
import { Locale, negotiateLocale, translator } from './i18n/i18n';
import { FormTokens } from './session/form-tokens';
import type { PageAssets, PageContext } from './render/page-context';

/** The cookie the language switch sets (and sign-in sets from the saved preference). */
export const LANGUAGE_COOKIE = 'gc_lang';
/** Deployment-wide pages show dates in this zone when no agency's applies. */
const DEFAULT_TIME_ZONE = 'America/Chicago';

/** Builds the PageContext every page renders with, from the request it answers. */
@Injectable()
export class PageContexts {
  private readonly assets: PageAssets;

  constructor(
    private readonly brands: AgencyBrands,
    private readonly context: RequestContext,
    private readonly formTokens: FormTokens,
    assetServer: AssetServer,
  ) {
    const uswds = assetServer.uswdsBase;
    this.assets = {
      uswdsCss: `${uswds}/css/uswds.min.css`,
      uswdsJs: `${uswds}/js/uswds.min.js`,
      uswdsInit: `${uswds}/js/uswds-init.min.js`,
      appCss: assetServer.urlOf('app.css'),
      appJs: assetServer.urlOf('app.js'),
    };
  }

  localeOf(request: FastifyRequest): Locale {
    return negotiateLocale(cookiesOf(request)[LANGUAGE_COOKIE], request.headers['accept-language']);
  }

  build(request: FastifyRequest, reply: FastifyReply, agencyCode?: string): PageContext {
    const locale = this.localeOf(request);
    const agency = agencyCode === undefined ? undefined : this.brands.brandOf(agencyCode);
    const actor = this.context.actor;
    return {
      locale,
      t: translator(locale),
      formats: new Formats(locale, agency?.timeZone ?? DEFAULT_TIME_ZONE),
      agency,
      user: actor?.userId && actor.email ? { email: actor.email } : undefined,
      csrfToken: this.formTokens.issue(request, reply),
      path: request.url,
      assets: this.assets,
    };
  }
}
