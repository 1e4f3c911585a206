import { Body, Controller, Get, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  Public,
  RequirePermission,
  WebPage,
  WithoutTransaction,
} from '../../core/access/access.decorators';
import { PageReply } from '../../core/http/page-reply';
import { ChecksPassword } from '../../core/http/rate-limits';
import { WebSessionCookie } from '../../core/http/web-session-cookie';
import {
  MfaAlreadyEnrolledError,
  MfaChallengeInvalidError,
  MfaCodeInvalidError,
  MfaEnrolmentNotStartedError,
  MfaLockedError,
} from '../../identity/identity.errors';
import { MfaSignIn, WebSignIn } from '../../identity/mfa/mfa-sign-in.service';
import { EnrolmentStart } from '../../identity/mfa/second-factors.service';
import { StepUp } from '../../identity/mfa/step-up.service';
import { rememberLanguage } from '../accounts/account.controller';
import { AgencyBrands } from '../agency-brands';
import { safeNext } from '../errors/error-pages';
import { isLocale } from '../i18n/i18n';
import { PageContexts } from '../page-contexts';
import { CsrfField, ErrorSummary, FieldError, TextField } from '../render/components';
import { page } from '../render/layout';
import type { PageContext } from '../render/page-context';
import { MfaChallengeCookie } from './mfa-challenge-cookie';

interface CodeForm {
  code?: string;
  agency?: string;
  next?: string;
}

/** Where the form posts back to, with the portal and the page to return to. */
function withReturn(path: string, agency?: string, next?: string): string {
  const query = new URLSearchParams();
  if (agency) query.set('agency', agency);
  if (next) query.set('next', next);
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}

function CodeField({ ctx, error }: { ctx: PageContext; error?: string }) {
  return (
    <TextField
      name="code"
      label={ctx.t('security.code.label')}
      hint={ctx.t('security.code.hint')}
      autocomplete="one-time-code"
      inputMode="numeric"
      width="md"
      error={error}
      required
    />
  );
}

function CodePage(p: {
  ctx: PageContext;
  title: string;
  lead: string;
  action: string;
  submit: string;
  errors?: FieldError[];
}) {
  return (
    <div class="grid-row">
      <div class="tablet:grid-col-8 desktop:grid-col-6">
        <ErrorSummary ctx={p.ctx} errors={p.errors} />
        <h1>{p.title}</h1>
        <p class="usa-intro">{p.lead}</p>
        <form class="usa-form usa-form--large" method="post" action={p.action} novalidate>
          <CsrfField ctx={p.ctx} />
          <CodeField ctx={p.ctx} error={p.errors?.[0]?.message} />
          <button class="usa-button" type="submit">
            {p.submit}
          </button>
        </form>
      </div>
    </div>
  );
}

function EnrolPage(p: {
  ctx: PageContext;
  enrolment: EnrolmentStart;
  action: string;
  errors?: FieldError[];
}) {
  const { ctx } = p;
  return (
    <div class="grid-row">
      <div class="tablet:grid-col-10 desktop:grid-col-8">
        <ErrorSummary ctx={ctx} errors={p.errors} />
        <h1>{ctx.t('security.enrol.title')}</h1>
        <p class="usa-intro">{ctx.t('security.enrol.lead')}</p>
        <ol class="usa-process-list">
          <li class="usa-process-list__item">
            <p class="margin-top-0">{ctx.t('security.enrol.step1')}</p>
          </li>
          <li class="usa-process-list__item">
            <p class="margin-top-0">{ctx.t('security.enrol.step2')}</p>
            {/* Drawn on the server by the qrcode package: no image service sees the secret. */}
            <div
              class="width-card-lg bg-white"
              role="img"
              aria-label={ctx.t('security.enrol.qrLabel')}
              dangerouslySetInnerHTML={{ __html: p.enrolment.qrCodeSvg }}
            />
            <p>{ctx.t('security.enrol.manual')}</p>
            <p>
              <code class="font-mono-md" data-testid="totp-secret">
                {p.enrolment.secret}
              </code>
            </p>
          </li>
          <li class="usa-process-list__item">
            <p class="margin-top-0">{ctx.t('security.enrol.step3')}</p>
            <form class="usa-form" method="post" action={p.action} novalidate>
              <CsrfField ctx={ctx} />
              <CodeField ctx={ctx} error={p.errors?.[0]?.message} />
              <button class="usa-button" type="submit">
                {ctx.t('security.enrol.submit')}
              </button>
            </form>
          </li>
        </ol>
      </div>
    </div>
  );
}

function RecoveryCodesPage({
  ctx,
  codes,
  next,
}: {
  ctx: PageContext;
  codes: string[];
  next: string;
}) {
  return (
    <div class="usa-prose">
      <h1>{ctx.t('security.recovery.title')}</h1>
      <p class="usa-intro">{ctx.t('security.recovery.lead')}</p>
      <ul
        class="usa-list usa-list--unstyled font-mono-md"
        aria-label={ctx.t('security.recovery.listLabel')}
      >
        {codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ul>
      <p>
        <a class="usa-button" href={next}>
          {ctx.t('security.recovery.continue')}
        </a>
      </p>
    </div>
  );
}

/**
 * The second step of signing in on the web, enrolment at first sign-in, and step-up before a
 * money action. Between password and code the browser holds only the challenge cookie
 * (MfaChallengeCookie); the session cookie is written once the code is right. The code routes
 * draw their own transactions (a wrong code must still be counted) and are rate-limited as
 * the password form.
 */
@WebPage()
@Controller()
export class SecondFactorController {
  constructor(
    private readonly pages: PageContexts,
    private readonly brands: AgencyBrands,
    private readonly mfa: MfaSignIn,
    private readonly stepUp: StepUp,
    private readonly session: WebSessionCookie,
    private readonly challenge: MfaChallengeCookie,
  ) {}

  @Get('sign-in/code')
  @Public()
  @WithoutTransaction()
  async codeForm(
    @Query() query: CodeForm,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<PageReply> {
    const { ctx, agency, next, token } = this.read(request, reply, query);
    if (!token || !(await this.isValid(token))) return this.restart(agency);
    return this.codePage(ctx, agency, next);
  }

  @Post('sign-in/code')
  @Public()
  @ChecksPassword()
  @WithoutTransaction()
  async code(
    @Body() body: CodeForm,
    @Query() query: CodeForm,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<PageReply> {
    const form = { ...body, agency: query.agency, next: query.next };
    const { ctx, agency, next, token } = this.read(request, reply, form);
    if (!token) return this.restart(agency);
    const code = (form.code ?? '').trim();
    if (!code) return this.codePage(ctx, agency, next, this.required(ctx), 422);
    try {
      const signIn = await this.mfa.completeWeb(token, code, request.headers['user-agent']);
      this.finish(reply, signIn);
    } catch (error) {
      const refusal = this.refusal(ctx, reply, error);
      if (refusal === 'restart') return this.restart(agency);
      return this.codePage(ctx, agency, next, refusal.errors, refusal.status);
    }
    return PageReply.redirect(next ?? (agency ? `/${agency}` : '/'));
  }

  @Get('sign-in/enrol')
  @Public()
  @WithoutTransaction()
  async enrolForm(
    @Query() query: CodeForm,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<PageReply> {
    const { ctx, agency, next, token } = this.read(request, reply, query);
    if (!token) return this.restart(agency);
    return this.enrolPage(ctx, token, agency, next);
  }

  @Post('sign-in/enrol')
  @Public()
  @ChecksPassword()
  @WithoutTransaction()
  async enrol(
    @Body() body: CodeForm,
    @Query() query: CodeForm,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<PageReply> {
    const form = { ...body, agency: query.agency, next: query.next };
    const { ctx, agency, next, token } = this.read(request, reply, form);
    if (!token) return this.restart(agency);
    const code = (form.code ?? '').trim();
    if (!code) return this.enrolPage(ctx, token, agency, next, this.required(ctx), 422);
    let codes: string[];
    try {
      const done = await this.mfa.confirmEnrolmentWeb(token, code, request.headers['user-agent']);
      this.finish(reply, done.signIn);
      codes = done.recoveryCodes;
    } catch (error) {
      const refusal = this.refusal(ctx, reply, error);
      if (refusal === 'restart') return this.restart(agency);
      return this.enrolPage(ctx, token, agency, next, refusal.errors, refusal.status);
    }
    // Shown in the answer to the POST, not after a redirect: the codes exist only now (a
    // reload asks to resubmit, which the spent enrolment refuses, and never shows them again).
    const signedIn = this.pages.build(request, reply, agency);
    return PageReply.html(
      page({
        ctx: signedIn,
        title: signedIn.t('security.recovery.title'),
        children: (
          <RecoveryCodesPage
            ctx={signedIn}
            codes={codes}
            next={next ?? (agency ? `/${agency}` : '/')}
          />
        ),
      }),
    );
  }

  /** Before a money action: a fresh code, then back to the page that asked. */
  @Get('step-up')
  @RequirePermission('self.read')
  stepUpForm(
    @Query() query: CodeForm,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): PageReply {
    const { ctx, agency, next } = this.read(request, reply, query);
    return this.codePage(ctx, agency, next, undefined, 200, 'stepUp');
  }

  @Post('step-up')
  @RequirePermission('self.update')
  @ChecksPassword()
  @WithoutTransaction()
  async stepUpWithCode(
    @Body() body: CodeForm,
    @Query() query: CodeForm,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<PageReply> {
    const form = { ...body, agency: query.agency, next: query.next };
    const { ctx, agency, next } = this.read(request, reply, form);
    const code = (form.code ?? '').trim();
    if (!code) return this.codePage(ctx, agency, next, this.required(ctx), 422, 'stepUp');
    try {
      const ticket = await this.stepUp.web(code);
      this.session.write(reply, ticket.token, ticket.expiresAt);
    } catch (error) {
      const refusal = this.refusal(ctx, reply, error);
      if (refusal === 'restart') throw error;
      return this.codePage(ctx, agency, next, refusal.errors, refusal.status, 'stepUp');
    }
    return PageReply.redirect(next ?? (agency ? `/${agency}` : '/'));
  }

  private read(request: FastifyRequest, reply: FastifyReply, form: CodeForm) {
    const agency = form.agency && this.brands.brandOf(form.agency) ? form.agency : undefined;
    return {
      ctx: this.pages.build(request, reply, agency),
      agency,
      next: safeNext(form.next),
      token: this.challenge.read(request),
    };
  }

  private async isValid(token: string): Promise<boolean> {
    return this.mfa.challengeOf(token, 'web').then(
      () => true,
      () => false,
    );
  }

  private finish(reply: FastifyReply, signIn: WebSignIn): void {
    this.challenge.clear(reply);
    this.session.write(reply, signIn.token, signIn.expiresAt);
    if (isLocale(signIn.locale)) rememberLanguage(reply, signIn.locale);
  }

  private restart(agency?: string): PageReply {
    return PageReply.redirect(`${agency ? `/${agency}` : ''}/sign-in?expired=1`);
  }

  private required(ctx: PageContext): FieldError[] {
    return [{ field: 'code', message: ctx.t('security.code.required') }];
  }

  /** A wrong or throttled code is said on the page; an expired sign-in starts over. */
  private refusal(
    ctx: PageContext,
    reply: FastifyReply,
    error: unknown,
  ): { errors: FieldError[]; status: number } | 'restart' {
    if (error instanceof MfaCodeInvalidError) {
      return { errors: [{ field: 'code', message: ctx.t('security.code.invalid') }], status: 401 };
    }
    if (error instanceof MfaLockedError) {
      const seconds = Number(error.extensions.retryAfterSeconds ?? 60);
      void reply.header('retry-after', String(seconds));
      const message = ctx.t('security.code.locked', { count: seconds });
      return { errors: [{ field: 'code', message }], status: 429 };
    }
    if (
      error instanceof MfaChallengeInvalidError ||
      error instanceof MfaAlreadyEnrolledError ||
      error instanceof MfaEnrolmentNotStartedError
    ) {
      return 'restart';
    }
    throw error;
  }

  /** The code form: the second step of sign-in, or a step-up before a money decision. */
  private codePage(
    ctx: PageContext,
    agency: string | undefined,
    next: string | undefined,
    errors?: FieldError[],
    status = 200,
    purpose: 'code' | 'stepUp' = 'code',
  ): PageReply {
    const title = ctx.t(`security.${purpose}.title`);
    return PageReply.html(
      page({
        ctx,
        title,
        hasErrors: !!errors,
        children: (
          <CodePage
            ctx={ctx}
            title={title}
            lead={ctx.t(`security.${purpose}.lead`)}
            action={withReturn(purpose === 'code' ? '/sign-in/code' : '/step-up', agency, next)}
            submit={ctx.t(`security.${purpose}.submit`)}
            errors={errors}
          />
        ),
      }),
      status,
    );
  }

  private async enrolPage(
    ctx: PageContext,
    token: string,
    agency: string | undefined,
    next: string | undefined,
    errors?: FieldError[],
    status = 200,
  ): Promise<PageReply> {
    let enrolment: EnrolmentStart;
    try {
      enrolment = await this.mfa.beginEnrolment(token, 'web');
    } catch (error) {
      if (error instanceof MfaChallengeInvalidError || error instanceof MfaAlreadyEnrolledError)
        return this.restart(agency);
      throw error;
    }
    return PageReply.html(
      page({
        ctx,
        title: ctx.t('security.enrol.title'),
        hasErrors: !!errors,
        children: (
          <EnrolPage
            ctx={ctx}
            enrolment={enrolment}
            action={withReturn('/sign-in/enrol', agency, next)}
            errors={errors}
          />
        ),
      }),
      status,
    );
  }
}
