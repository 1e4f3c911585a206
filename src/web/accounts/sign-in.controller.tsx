import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public, WebPage, WithoutTransaction } from '../../core/access/access.decorators';
import { PageReply } from '../../core/http/page-reply';
import { ChecksPassword } from '../../core/http/rate-limits';
import { WebSessionCookie } from '../../core/http/web-session-cookie';
import { AuthService } from '../../identity/auth/auth.service';
import { SsoProviders, SsoProviderSummary } from '../../identity/sso/sso-providers';
import {
  EmailNotVerifiedError,
  InvalidCredentialsError,
  LoginLockedError,
  MfaEnrolmentRequiredError,
  MfaRequiredError,
} from '../../identity/identity.errors';
import { MfaChallengeCookie } from '../security/mfa-challenge-cookie';
import { isLocale } from '../i18n/i18n';
import { rememberLanguage } from './account.controller';
import { AgencyBrands } from '../agency-brands';
import { safeNext } from '../errors/error-pages';
import { PageContexts } from '../page-contexts';
import {
  Alert,
  CsrfField,
  ErrorSummary,
  errorFor,
  FieldError,
  TextField,
} from '../render/components';
import { page } from '../render/layout';
import type { PageContext } from '../render/page-context';

interface SignInForm {
  email?: string;
  password?: string;
  agency?: string;
  next?: string;
}

interface SignInView {
  email: string;
  next?: string;
  errors?: FieldError[];
  notice?: 'signedOut' | 'expired';
  /** After following an emailed link: what it did. */
  done?: 'verified' | 'reset' | 'accepted';
  /** The agency's identity providers (its YAML's `sso`), offered above the password form. */
  providers?: SsoProviderSummary[];
}

const DONE = {
  verified: 'accounts.verify.done',
  reset: 'accounts.reset.done',
  accepted: 'accounts.invitation.done',
} as const;

/** Right password, address not confirmed yet: say so, and offer a new link. */
function UnverifiedPage({ ctx, email }: { ctx: PageContext; email: string }) {
  const base = ctx.agency ? `/${ctx.agency.code}` : '';
  return (
    <div class="usa-prose">
      <h1>{ctx.t('accounts.unverified.title')}</h1>
      <p>{ctx.t('accounts.unverified.text')}</p>
      <p>
        <a
          class="usa-button"
          href={`${base}/verify-email/resend?email=${encodeURIComponent(email)}`}
        >
          {ctx.t('accounts.checkEmail.resend')}
        </a>
      </p>
    </div>
  );
}

/** One link per provider: each starts that provider's sign-in (a GET, no form, no script). */
function ProviderButtons(props: {
  ctx: PageContext;
  providers: SsoProviderSummary[];
  next?: string;
}) {
  const { ctx } = props;
  const query = props.next ? `?next=${encodeURIComponent(props.next)}` : '';
  return (
    <section aria-labelledby="sso-heading">
      <h2 id="sso-heading">{ctx.t('sso.providersHeading')}</h2>
      <ul class="usa-button-group">
        {props.providers.map((provider) => (
          <li class="usa-button-group__item">
            <a
              class="usa-button usa-button--outline"
              href={`/${ctx.agency!.code}/sign-in/${provider.id}${query}`}
            >
              {ctx.t('sso.signInWith', { name: provider.displayName })}
            </a>
          </li>
        ))}
      </ul>
      <h2>{ctx.t('sso.or')}</h2>
    </section>
  );
}

function SignInPage({ ctx, view }: { ctx: PageContext; view: SignInView }) {
  const base = ctx.agency ? `/${ctx.agency.code}` : '';
  return (
    <div class="grid-row">
      <div class="tablet:grid-col-8 desktop:grid-col-6">
        <ErrorSummary ctx={ctx} errors={view.errors} />
        {view.notice && <Alert kind="info">{ctx.t(`signIn.${view.notice}`)}</Alert>}
        {view.done && <Alert kind="success">{ctx.t(DONE[view.done])}</Alert>}
        <h1>{ctx.t('signIn.title')}</h1>
        <p class="usa-intro">{ctx.t('signIn.lead')}</p>
        {view.providers && view.providers.length > 0 && (
          <ProviderButtons ctx={ctx} providers={view.providers} next={view.next} />
        )}
        <form class="usa-form usa-form--large" method="post" action="/sign-in" novalidate>
          <CsrfField ctx={ctx} />
          {ctx.agency && <input type="hidden" name="agency" value={ctx.agency.code} />}
          {view.next && <input type="hidden" name="next" value={view.next} />}
          <TextField
            name="email"
            type="email"
            label={ctx.t('signIn.email')}
            value={view.email}
            autocomplete="username"
            error={errorFor(view.errors, 'email')}
            required
          />
          <TextField
            name="password"
            type="password"
            label={ctx.t('signIn.password')}
            autocomplete="current-password"
            error={errorFor(view.errors, 'password')}
            required
          />
          <button class="usa-button" type="submit">
            {ctx.t('signIn.submit')}
          </button>
          <p>
            <a class="usa-link" href={`${base}/forgot-password`}>
              {ctx.t('signIn.forgot')}
            </a>
          </p>
          <p>
            {ctx.t('signIn.noAccount')}{' '}
            <a class="usa-link" href={`${base}/sign-up`}>
              {ctx.t('common.createAccount')}
            </a>
          </p>
        </form>
      </div>
    </div>
  );
}

/**
 * Sign in and out of the web pages. A successful sign-in starts a session like the API's login
 * (same throttles, same audit) and puts it in an HttpOnly cookie; signing out revokes the
 * session row, so a copied cookie stops working at once.
 */
@WebPage()
@Controller()
export class SignInController {
  constructor(
    private readonly pages: PageContexts,
    private readonly brands: AgencyBrands,
    private readonly auth: AuthService,
    private readonly cookie: WebSessionCookie,
    private readonly sso: SsoProviders,
    private readonly challenge: MfaChallengeCookie,
  ) {}

  @Get('sign-in')
  @Public()
  @WithoutTransaction()
  form(
    @Query() query: Record<string, string>,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): PageReply {
    return this.render(request, reply, undefined, query);
  }

  @Get(':agencyCode/sign-in')
  @Public()
  agencyForm(
    @Param('agencyCode') agencyCode: string,
    @Query() query: Record<string, string>,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): PageReply {
    return this.render(request, reply, agencyCode, query);
  }

  @Post('sign-in')
  @Public()
  @ChecksPassword()
  @WithoutTransaction()
  @RouteConfig({ rateLimitGroup: 'auth' })
  async signIn(
    @Body() form: SignInForm,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<PageReply> {
    const agencyCode = form.agency && this.brands.brandOf(form.agency) ? form.agency : undefined;
    const email = (form.email ?? '').trim();
    const password = form.password ?? '';
    const next = safeNext(form.next);
    const ctx = this.pages.build(request, reply, agencyCode);
    const errors: FieldError[] = [];
    if (!email) errors.push({ field: 'email', message: ctx.t('signIn.emailRequired') });
    if (!password) errors.push({ field: 'password', message: ctx.t('signIn.passwordRequired') });
    if (errors.length > 0) return this.page(ctx, { email, next, errors }, 422);
    try {
      const ticket = await this.auth.signInToWeb(email, password, request.headers['user-agent']);
      this.cookie.write(reply, ticket.token, ticket.expiresAt);
      // The saved language wins over this browser's until the person switches again.
      if (isLocale(ticket.locale)) rememberLanguage(reply, ticket.locale);
    } catch (error) {
      // The password was right; the second step (or enrolment) happens on its own page, the
      // browser holding only the challenge until then.
      if (error instanceof MfaRequiredError || error instanceof MfaEnrolmentRequiredError) {
        const { challengeToken, challengeExpiresAt } = error.extensions as {
          challengeToken: string;
          challengeExpiresAt: string;
        };
        this.challenge.write(reply, challengeToken, new Date(challengeExpiresAt));
        const query = new URLSearchParams();
        if (agencyCode) query.set('agency', agencyCode);
        if (next) query.set('next', next);
        const step = error instanceof MfaRequiredError ? 'code' : 'enrol';
        const text = query.toString();
        return PageReply.redirect(`/sign-in/${step}${text ? `?${text}` : ''}`);
      }
      if (error instanceof EmailNotVerifiedError) {
        return PageReply.html(
          page({
            ctx,
            title: ctx.t('accounts.unverified.title'),
            children: <UnverifiedPage ctx={ctx} email={email} />,
          }),
          403,
        );
      }
      if (error instanceof InvalidCredentialsError) {
        const invalid = [{ field: 'email', message: ctx.t('signIn.invalid') }];
        return this.page(ctx, { email, next, errors: invalid }, 401);
      }
      if (error instanceof LoginLockedError) {
        const seconds = Number(error.extensions.retryAfterSeconds ?? 60);
        const locked = [{ field: 'email', message: ctx.t('signIn.locked', { count: seconds }) }];
        void reply.header('retry-after', String(seconds));
        return this.page(ctx, { email, next, errors: locked }, 429);
      }
      throw error;
    }
    // One front door (issue 15 item 11): the person's home across agencies, unless they were
    // on their way to a page of this site.
    return PageReply.redirect(next ?? '/home');
  }

  @Post('sign-out')
  @Public()
  async signOut(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<PageReply> {
    await this.auth.logout();
    this.cookie.clear(reply);
    const from = safeNext((request.body as { next?: string } | undefined)?.next);
    const agencyCode = from?.split('/')[1];
    const base = agencyCode && this.brands.brandOf(agencyCode) ? `/${agencyCode}` : '';
    return PageReply.redirect(`${base}/sign-in?signedOut=1`);
  }

  private render(
    request: FastifyRequest,
    reply: FastifyReply,
    agencyCode: string | undefined,
    query: Record<string, string>,
  ): PageReply {
    const ctx = this.pages.build(request, reply, agencyCode);
    const notice = query.signedOut ? 'signedOut' : query.next ? 'expired' : undefined;
    const done = query.verified
      ? 'verified'
      : query.reset
        ? 'reset'
        : query.accepted
          ? 'accepted'
          : undefined;
    return this.page(ctx, { email: '', next: safeNext(query.next), notice, done });
  }

  private page(ctx: PageContext, view: SignInView, status = 200): PageReply {
    return PageReply.html(
      page({
        ctx,
        title: ctx.t('signIn.title'),
        hasErrors: !!view.errors,
        children: (
          <SignInPage
            ctx={ctx}
            view={{
              ...view,
              providers: ctx.agency ? this.sso.summariesForCode(ctx.agency.code) : undefined,
            }}
          />
        ),
      }),
      status,
    );
  }
}
