import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public, WebPage, WithoutTransaction } from '../../core/access/access.decorators';
import { PageReply } from '../../core/http/page-reply';
import { SendsEmail } from '../../core/http/rate-limits';
import { SelfServiceAccounts } from '../../identity/accounts/self-service-accounts.service';
import { AccountLinkInvalidError } from '../../identity/identity.errors';
import { AgencyBrands } from '../agency-brands';
import { PageContexts } from '../page-contexts';
import type { PageContext } from '../render/page-context';
import {
  AccountForm,
  accountPage,
  AgencyChoice,
  baseOf,
  chosenAgency,
  CsrfField,
  emailError,
  errorFor,
  FieldError,
  TextField,
} from './account-forms';

/**
 * Confirming an email address. The emailed link opens a page with a button: the confirmation
 * is a POST, so a mail scanner that fetches links confirms nothing. The token is in the query;
 * the page sends no Referer.
 */
@WebPage()
@Controller()
export class VerifyEmailController {
  constructor(
    private readonly pages: PageContexts,
    private readonly brands: AgencyBrands,
    private readonly accounts: SelfServiceAccounts,
  ) {}

  @Get('verify-email')
  @Public()
  @WithoutTransaction()
  form(
    @Query('token') token: string | undefined,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): PageReply {
    void reply.header('referrer-policy', 'no-referrer');
    const ctx = this.pages.build(request, reply);
    if (!token) return this.invalid(ctx);
    return accountPage(
      ctx,
      ctx.t('accounts.verify.title'),
      <AccountForm
        ctx={ctx}
        title={ctx.t('accounts.verify.title')}
        lead={ctx.t('accounts.verify.lead')}
      >
        <form class="usa-form" method="post" action="/verify-email">
          <CsrfField ctx={ctx} />
          <input type="hidden" name="token" value={token} />
          <button class="usa-button" type="submit">
            {ctx.t('accounts.verify.submit')}
          </button>
        </form>
      </AccountForm>,
    );
  }

  @Post('verify-email')
  @Public()
  @WithoutTransaction()
  @RouteConfig({ rateLimitGroup: 'auth' })
  async verify(
    @Body() form: Record<string, string>,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<PageReply> {
    void reply.header('referrer-policy', 'no-referrer');
    try {
      await this.accounts.verifyEmail(form.token ?? '');
    } catch (error) {
      if (error instanceof AccountLinkInvalidError)
        return this.invalid(this.pages.build(request, reply));
      throw error;
    }
    return PageReply.redirect('/sign-in?verified=1');
  }

  @Get('verify-email/resend')
  @Public()
  @WithoutTransaction()
  resendForm(
    @Query('email') email: string | undefined,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): PageReply {
    return this.resendPage(this.pages.build(request, reply), email ?? '');
  }

  @Get(':agencyCode/verify-email/resend')
  @Public()
  agencyResendForm(
    @Param('agencyCode') agencyCode: string,
    @Query('email') email: string | undefined,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): PageReply {
    return this.resendPage(this.pages.build(request, reply, agencyCode), email ?? '');
  }

  @Post('verify-email/resend')
  @Public()
  @WithoutTransaction()
  @SendsEmail()
  async resend(
    @Body() form: Record<string, string>,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<PageReply> {
    const agency = chosenAgency(this.brands, form.agency);
    const ctx = this.pages.build(request, reply, form.agency === agency ? agency : undefined);
    const email = (form.email ?? '').trim();
    const errors: FieldError[] = [];
    const badEmail = emailError(ctx, email);
    if (badEmail) errors.push(badEmail);
    if (!agency) errors.push({ field: 'agency', message: ctx.t('accounts.agencyRequired') });
    if (errors.length > 0 || !agency) return this.resendPage(ctx, email, errors, agency);
    await this.accounts.resendVerification(email, agency);
    return PageReply.redirect(`/check-email?agency=${encodeURIComponent(agency)}`);
  }

  private resendPage(
    ctx: PageContext,
    email: string,
    errors?: FieldError[],
    agency?: string,
  ): PageReply {
    return accountPage(
      ctx,
      ctx.t('accounts.resend.title'),
      <AccountForm
        ctx={ctx}
        title={ctx.t('accounts.resend.title')}
        lead={ctx.t('accounts.resend.lead')}
        errors={errors}
      >
        <form
          class="usa-form usa-form--large"
          method="post"
          action="/verify-email/resend"
          novalidate
        >
          <CsrfField ctx={ctx} />
          <TextField
            name="email"
            type="email"
            label={ctx.t('accounts.email')}
            value={email}
            autocomplete="email"
            error={errorFor(errors, 'email')}
            required
          />
          <AgencyChoice
            ctx={ctx}
            brands={this.brands.all()}
            chosen={agency}
            error={errorFor(errors, 'agency')}
          />
          <button class="usa-button" type="submit">
            {ctx.t('accounts.resend.submit')}
          </button>
        </form>
      </AccountForm>,
      { errors },
    );
  }

  private invalid(ctx: PageContext): PageReply {
    return accountPage(
      ctx,
      ctx.t('accounts.verify.invalidTitle'),
      <AccountForm
        ctx={ctx}
        title={ctx.t('accounts.verify.invalidTitle')}
        lead={ctx.t('accounts.verify.invalidText')}
      >
        <p>
          <a class="usa-link" href={`${baseOf(ctx)}/verify-email/resend`}>
            {ctx.t('accounts.checkEmail.resend')}
          </a>
        </p>
      </AccountForm>,
      { status: 400 },
    );
  }
}
