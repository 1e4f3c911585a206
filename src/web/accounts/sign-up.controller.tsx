import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public, WebPage, WithoutTransaction } from '../../core/access/access.decorators';
import { PageReply } from '../../core/http/page-reply';
import { SendsEmail } from '../../core/http/rate-limits';
import { SelfServiceAccounts } from '../../identity/accounts/self-service-accounts.service';
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
  PasswordField,
  passwordError,
  TextField,
} from './account-forms';

interface SignUpView {
  name: string;
  email: string;
  agency?: string;
  errors?: FieldError[];
}

/**
 * Sign-up: name, email, password; then "check your email". The answer is the same page whether
 * or not the address already has an account (SelfServiceAccounts tells its owner instead).
 */
@WebPage()
@Controller()
export class SignUpController {
  constructor(
    private readonly pages: PageContexts,
    private readonly brands: AgencyBrands,
    private readonly accounts: SelfServiceAccounts,
  ) {}

  @Get('sign-up')
  @Public()
  @WithoutTransaction()
  form(@Req() request: FastifyRequest, @Res() reply: FastifyReply): PageReply {
    return this.page(this.pages.build(request, reply), { name: '', email: '' });
  }

  @Get(':agencyCode/sign-up')
  @Public()
  agencyForm(
    @Param('agencyCode') agencyCode: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): PageReply {
    return this.page(this.pages.build(request, reply, agencyCode), { name: '', email: '' });
  }

  @Post('sign-up')
  @Public()
  @WithoutTransaction()
  @SendsEmail()
  async signUp(
    @Body() form: Record<string, string>,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<PageReply> {
    const agency = chosenAgency(this.brands, form.agency);
    const ctx = this.pages.build(request, reply, form.agency === agency ? agency : undefined);
    const name = (form.name ?? '').trim();
    const email = (form.email ?? '').trim();
    const password = form.password ?? '';
    const errors: FieldError[] = [];
    if (!name) errors.push({ field: 'name', message: ctx.t('accounts.nameRequired') });
    else if (name.length > 200)
      errors.push({ field: 'name', message: ctx.t('accounts.nameTooLong') });
    const badEmail = emailError(ctx, email);
    if (badEmail) errors.push(badEmail);
    const badPassword = passwordError(ctx, 'password', password);
    if (badPassword) errors.push(badPassword);
    if (!agency) errors.push({ field: 'agency', message: ctx.t('accounts.agencyRequired') });
    if (errors.length > 0 || !agency) return this.page(ctx, { name, email, agency, errors });
    await this.accounts.signUp({ name, email, password, locale: ctx.locale, agencyCode: agency });
    return PageReply.redirect(`/check-email?agency=${encodeURIComponent(agency)}`);
  }

  /** After a sign-up or a resend: the same words whether or not an email was sent. */
  @Get('check-email')
  @Public()
  @WithoutTransaction()
  checkEmail(
    @Query('agency') agencyCode: string | undefined,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): PageReply {
    const agency = agencyCode && this.brands.brandOf(agencyCode) ? agencyCode : undefined;
    const ctx = this.pages.build(request, reply, agency);
    return accountPage(
      ctx,
      ctx.t('accounts.checkEmail.title'),
      <AccountForm
        ctx={ctx}
        title={ctx.t('accounts.checkEmail.title')}
        lead={ctx.t('accounts.checkEmail.leadNoEmail')}
      >
        <p>{ctx.t('accounts.checkEmail.notArrived')}</p>
        <p>
          <a class="usa-link" href={`${baseOf(ctx)}/verify-email/resend`}>
            {ctx.t('accounts.checkEmail.resend')}
          </a>
        </p>
      </AccountForm>,
    );
  }

  private page(ctx: PageContext, view: SignUpView): PageReply {
    const base = baseOf(ctx);
    return accountPage(
      ctx,
      ctx.t('accounts.signUp.title'),
      <AccountForm
        ctx={ctx}
        title={ctx.t('accounts.signUp.title')}
        lead={ctx.t('accounts.signUp.lead')}
        errors={view.errors}
      >
        <form class="usa-form usa-form--large" method="post" action="/sign-up" novalidate>
          <CsrfField ctx={ctx} />
          <TextField
            name="name"
            label={ctx.t('accounts.name')}
            value={view.name}
            autocomplete="name"
            error={errorFor(view.errors, 'name')}
            required
          />
          <TextField
            name="email"
            type="email"
            label={ctx.t('accounts.email')}
            value={view.email}
            autocomplete="email"
            error={errorFor(view.errors, 'email')}
            required
          />
          <PasswordField
            ctx={ctx}
            name="password"
            label={ctx.t('accounts.password')}
            autocomplete="new-password"
            error={errorFor(view.errors, 'password')}
          />
          <AgencyChoice
            ctx={ctx}
            brands={this.brands.all()}
            chosen={view.agency}
            error={errorFor(view.errors, 'agency')}
          />
          <button class="usa-button" type="submit">
            {ctx.t('accounts.signUp.submit')}
          </button>
        </form>
        <p>
          {ctx.t('accounts.signUp.haveAccount')}{' '}
          <a class="usa-link" href={`${base}/sign-in`}>
            {ctx.t('common.signIn')}
          </a>
        </p>
      </AccountForm>,
      { errors: view.errors },
    );
  }
}
