import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public, WebPage, WithoutTransaction } from '../../core/access/access.decorators';
import { PageReply } from '../../core/http/page-reply';
import { SendsEmail } from '../../core/http/rate-limits';
import { SelfServiceAccounts } from '../../identity/accounts/self-service-accounts.service';
import { InvitationService } from '../../identity/staff/invitation.service';
import {
  AccountLinkInvalidError,
  InvitationInvalidError,
  PasswordRulesError,
} from '../../identity/identity.errors';
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

type LinkKind = 'reset' | 'invitation';

/**
 * Forgotten passwords (ask for a link, same answer whether or not the address has an account;
 * choose a new password from the link) and invitations (choose the first password). Pages that
 * carry a token in their address send no Referer.
 */
@WebPage()
@Controller()
export class PasswordsController {
  constructor(
    private readonly pages: PageContexts,
    private readonly brands: AgencyBrands,
    private readonly accounts: SelfServiceAccounts,
    private readonly invitations: InvitationService,
  ) {}

  @Get('forgot-password')
  @Public()
  @WithoutTransaction()
  forgotForm(@Req() request: FastifyRequest, @Res() reply: FastifyReply): PageReply {
    return this.forgotPage(this.pages.build(request, reply), '');
  }

  @Get(':agencyCode/forgot-password')
  @Public()
  agencyForgotForm(
    @Param('agencyCode') agencyCode: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): PageReply {
    return this.forgotPage(this.pages.build(request, reply, agencyCode), '');
  }

  @Post('forgot-password')
  @Public()
  @WithoutTransaction()
  @SendsEmail()
  async forgot(
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
    if (errors.length > 0 || !agency) return this.forgotPage(ctx, email, errors, agency);
    await this.accounts.requestPasswordReset(email, agency);
    return PageReply.redirect(`/forgot-password/sent?agency=${encodeURIComponent(agency)}`);
  }

  @Get('forgot-password/sent')
  @Public()
  @WithoutTransaction()
  sent(
    @Query('agency') agencyCode: string | undefined,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): PageReply {
    const agency = agencyCode && this.brands.brandOf(agencyCode) ? agencyCode : undefined;
    const ctx = this.pages.build(request, reply, agency);
    return accountPage(
      ctx,
      ctx.t('accounts.forgot.sentTitle'),
      <AccountForm
        ctx={ctx}
        title={ctx.t('accounts.forgot.sentTitle')}
        lead={ctx.t('accounts.forgot.sentText')}
      >
        <p>
          <a class="usa-link" href={`${baseOf(ctx)}/sign-in`}>
            {ctx.t('accounts.forgot.backToSignIn')}
          </a>
        </p>
      </AccountForm>,
    );
  }

  @Get('reset-password')
  @Public()
  @WithoutTransaction()
  async resetForm(
    @Query('token') token: string | undefined,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<PageReply> {
    void reply.header('referrer-policy', 'no-referrer');
    const ctx = this.pages.build(request, reply);
    if (!token || !(await this.accounts.resetLinkUsable(token))) return this.invalid(ctx, 'reset');
    return this.passwordPage(ctx, 'reset', token);
  }

  @Post('reset-password')
  @Public()
  @WithoutTransaction()
  @RouteConfig({ rateLimitGroup: 'auth' })
  async reset(
    @Body() form: Record<string, string>,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<PageReply> {
    void reply.header('referrer-policy', 'no-referrer');
    const ctx = this.pages.build(request, reply);
    const token = form.token ?? '';
    const password = form.password ?? '';
    const bad = passwordError(ctx, 'password', password);
    if (bad) return this.passwordPage(ctx, 'reset', token, [bad]);
    try {
      await this.accounts.resetPassword(token, password);
    } catch (error) {
      if (error instanceof AccountLinkInvalidError) return this.invalid(ctx, 'reset');
      if (error instanceof PasswordRulesError)
        return this.passwordPage(ctx, 'reset', token, [bad!]);
      throw error;
    }
    return PageReply.redirect('/sign-in?reset=1');
  }

  /** The invitation email's link. An old email's `#token=` is moved into the form by app.js. */
  @Get('accept-invitation')
  @Public()
  @WithoutTransaction()
  invitationForm(
    @Query('token') token: string | undefined,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): PageReply {
    void reply.header('referrer-policy', 'no-referrer');
    return this.passwordPage(this.pages.build(request, reply), 'invitation', token ?? '');
  }

  @Post('accept-invitation')
  @Public()
  @RouteConfig({ rateLimitGroup: 'auth' })
  async accept(
    @Body() form: Record<string, string>,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<PageReply> {
    void reply.header('referrer-policy', 'no-referrer');
    const ctx = this.pages.build(request, reply);
    const token = form.token ?? '';
    const password = form.password ?? '';
    const bad = passwordError(ctx, 'password', password);
    if (bad) return this.passwordPage(ctx, 'invitation', token, [bad]);
    try {
      await this.invitations.accept(token, password);
    } catch (error) {
      if (error instanceof InvitationInvalidError) return this.invalid(ctx, 'invitation');
      throw error;
    }
    return PageReply.redirect('/sign-in?accepted=1');
  }

  private forgotPage(
    ctx: PageContext,
    email: string,
    errors?: FieldError[],
    agency?: string,
  ): PageReply {
    return accountPage(
      ctx,
      ctx.t('accounts.forgot.title'),
      <AccountForm
        ctx={ctx}
        title={ctx.t('accounts.forgot.title')}
        lead={ctx.t('accounts.forgot.lead')}
        errors={errors}
      >
        <form class="usa-form usa-form--large" method="post" action="/forgot-password" novalidate>
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
            {ctx.t('accounts.forgot.submit')}
          </button>
        </form>
        <p>
          <a class="usa-link" href={`${baseOf(ctx)}/sign-in`}>
            {ctx.t('accounts.forgot.backToSignIn')}
          </a>
        </p>
      </AccountForm>,
      { errors },
    );
  }

  private passwordPage(
    ctx: PageContext,
    kind: LinkKind,
    token: string,
    errors?: FieldError[],
  ): PageReply {
    const action = kind === 'reset' ? '/reset-password' : '/accept-invitation';
    const copy =
      kind === 'reset'
        ? { title: ctx.t('accounts.reset.title'), lead: ctx.t('accounts.reset.lead') }
        : { title: ctx.t('accounts.invitation.title'), lead: ctx.t('accounts.invitation.lead') };
    return accountPage(
      ctx,
      copy.title,
      <AccountForm ctx={ctx} title={copy.title} lead={copy.lead} errors={errors}>
        <form class="usa-form usa-form--large" method="post" action={action} novalidate>
          <CsrfField ctx={ctx} />
          <input type="hidden" name="token" value={token} data-gc-token-from-fragment="" />
          <PasswordField
            ctx={ctx}
            name="password"
            label={ctx.t('accounts.newPassword')}
            autocomplete="new-password"
            error={errorFor(errors, 'password')}
          />
          <button class="usa-button" type="submit">
            {kind === 'reset'
              ? ctx.t('accounts.reset.submit')
              : ctx.t('accounts.invitation.submit')}
          </button>
        </form>
      </AccountForm>,
      { errors },
    );
  }

  private invalid(ctx: PageContext, kind: LinkKind): PageReply {
    return accountPage(
      ctx,
      ctx.t('accounts.verify.invalidTitle'),
      <AccountForm
        ctx={ctx}
        title={ctx.t('accounts.verify.invalidTitle')}
        lead={
          kind === 'reset'
            ? ctx.t('accounts.reset.invalidText')
            : ctx.t('accounts.invitation.invalidText')
        }
      >
        {kind === 'reset' && (
          <p>
            <a class="usa-link" href="/forgot-password">
              {ctx.t('accounts.reset.askAgain')}
            </a>
          </p>
        )}
      </AccountForm>,
      { status: 400 },
    );
  }
}
