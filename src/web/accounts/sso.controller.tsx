import { Controller, Get, Inject, Param, Query, Req, Res } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public, WebPage, WithoutTransaction } from '../../core/access/access.decorators';
import { APP_CONFIG } from '../../core/config/config.module';
import { AppConfig } from '../../core/config/env';
import { clearCookie, type CookieOptions, cookiesOf, setCookie } from '../../core/http/cookies';
import { PageReply } from '../../core/http/page-reply';
import { WebSessionCookie } from '../../core/http/web-session-cookie';
import { MfaEnrolmentRequiredError, MfaRequiredError } from '../../identity/identity.errors';
import { SsoSignInRefusedError } from '../../identity/sso/sso.errors';
import { SSO_FLOW_SECONDS, SsoSignInService } from '../../identity/sso/sso-sign-in.service';
import { safeNext } from '../errors/error-pages';
import { isLocale } from '../i18n/i18n';
import { PageContexts } from '../page-contexts';
import { MfaChallengeCookie } from '../security/mfa-challenge-cookie';
import { page } from '../render/layout';
import type { PageContext } from '../render/page-context';
import { rememberLanguage } from './account.controller';

/**
 * Binds a sign-in through a provider to the browser that started it: a random value in an
 * HttpOnly cookie whose hash the flow row keeps. SameSite=Lax, because the provider sends the
 * browser back with a top-level GET from its own site; `__Host-` and Secure over https.
 */
class SsoFlowCookie {
  readonly name: string;
  private readonly options: CookieOptions;

  constructor(config: AppConfig) {
    const secure = config.nodeEnv === 'production' || config.publicAppUrl.startsWith('https:');
    this.name = secure ? '__Host-gc_sso_flow' : 'gc_sso_flow';
    this.options = { path: '/', httpOnly: true, sameSite: 'lax', secure };
  }

  read(request: FastifyRequest): string | undefined {
    return cookiesOf(request)[this.name] || undefined;
  }

  write(reply: FastifyReply, value: string): void {
    setCookie(reply, this.name, value, { ...this.options, maxAge: SSO_FLOW_SECONDS });
  }

  clear(reply: FastifyReply): void {
    clearCookie(reply, this.name, this.options);
  }
}

function RefusedPage(props: { ctx: PageContext; text: string; signInHref: string }) {
  return (
    <div class="grid-row">
      <div class="tablet:grid-col-8 usa-prose">
        <h1>{props.ctx.t('sso.refusedTitle')}</h1>
        <p>{props.text}</p>
        <p>
          <a class="usa-button" href={props.signInHref}>
            {props.ctx.t('sso.tryAgain')}
          </a>
        </p>
      </div>
    </div>
  );
}

/**
 * Sign-in through an agency's OpenID Connect providers (the `sso` section of its YAML):
 * `/{agency}/sign-in/{provider}` sends the browser to the provider, and the provider sends it
 * back to `.../callback`, where the sign-in service checks the answer and the person. Both are
 * without the request transaction: the service draws its own, none open while the provider is
 * called. The callback counts against the sign-in rate limit like a password.
 */
@WebPage()
@Controller()
export class SsoController {
  private readonly flowCookie: SsoFlowCookie;

  constructor(
    private readonly pages: PageContexts,
    private readonly sso: SsoSignInService,
    private readonly cookie: WebSessionCookie,
    private readonly challenge: MfaChallengeCookie,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.flowCookie = new SsoFlowCookie(config);
  }

  @Get(':agencyCode/sign-in/:providerId')
  @Public()
  @WithoutTransaction()
  @RouteConfig({ rateLimitGroup: 'auth' })
  async start(
    @Param('agencyCode') agencyCode: string,
    @Param('providerId') providerId: string,
    @Query() query: Record<string, string>,
    @Res() reply: FastifyReply,
  ): Promise<PageReply> {
    const started = await this.sso.start(agencyCode, providerId, safeNext(query.next));
    this.flowCookie.write(reply, started.browserToken);
    return PageReply.redirect(started.url);
  }

  @Get(':agencyCode/sign-in/:providerId/callback')
  @Public()
  @WithoutTransaction()
  @RouteConfig({ rateLimitGroup: 'auth' })
  async callback(
    @Param('agencyCode') agencyCode: string,
    @Param('providerId') providerId: string,
    @Query() query: Record<string, string>,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<PageReply> {
    const browserToken = this.flowCookie.read(request);
    this.flowCookie.clear(reply);
    try {
      const signedIn = await this.sso.finish(
        agencyCode,
        providerId,
        query,
        browserToken,
        request.headers['user-agent'],
      );
      this.cookie.write(reply, signedIn.token, signedIn.expiresAt);
      if (isLocale(signedIn.locale)) rememberLanguage(reply, signedIn.locale);
      return PageReply.redirect(signedIn.returnTo ?? `/${agencyCode}`);
    } catch (error) {
      // The provider said who it is; a role that needs our second factor goes to its page.
      if (error instanceof MfaRequiredError || error instanceof MfaEnrolmentRequiredError) {
        const { challengeToken, challengeExpiresAt } = error.extensions as {
          challengeToken: string;
          challengeExpiresAt: string;
        };
        this.challenge.write(reply, challengeToken, new Date(challengeExpiresAt));
        const step = error instanceof MfaRequiredError ? 'code' : 'enrol';
        return PageReply.redirect(`/sign-in/${step}?agency=${encodeURIComponent(agencyCode)}`);
      }
      if (!(error instanceof SsoSignInRefusedError)) throw error;
      // The page's own links (the language switch) go to the sign-in page, not back to this
      // callback, whose state is spent.
      const ctx = {
        ...this.pages.build(request, reply, agencyCode),
        path: `/${agencyCode}/sign-in`,
      };
      const provider = this.sso.provider(agencyCode, providerId).sso.displayName;
      const title = ctx.t('sso.refusedTitle');
      const text = ctx.t(`sso.refused.${error.reason}`, { provider });
      return PageReply.html(
        page({
          ctx,
          title,
          children: <RefusedPage ctx={ctx} text={text} signInHref={`/${agencyCode}/sign-in`} />,
        }),
        error.status,
      );
    }
  }
}
