import { Body, Controller, Get, Post, Query, Req, Res } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RequirePermission, WebPage } from '../../core/access/access.decorators';
import { PageReply } from '../../core/http/page-reply';
import { setCookie } from '../../core/http/cookies';
import { AccountProfile, AccountSettings } from '../../identity/accounts/account-settings.service';
import { CurrentPasswordWrongError } from '../../identity/identity.errors';
import { LinkedIdentities, LinkedProvider } from '../../identity/sso/linked-identities.service';
import { LinkedProvidersSection, linkedNotice } from './linked-providers';
import { isLocale } from '../i18n/i18n';
import { LANGUAGE_COOKIE, PageContexts } from '../page-contexts';
import { Alert, ErrorSummary } from '../render/components';
import type { PageContext } from '../render/page-context';
import {
  accountPage,
  CsrfField,
  errorFor,
  FieldError,
  PasswordField,
  passwordError,
  TextField,
} from './account-forms';

interface AccountView {
  profile: AccountProfile;
  notice?: 'profileSaved' | 'passwordChanged';
  errors?: FieldError[];
  /** Providers linked to the account (single sign-on) and what the last unlink did. */
  linked?: LinkedProvider[];
  linkedNotice?: ReturnType<typeof linkedNotice>;
}

/** Remembers the page language in the browser (the switch's cookie) for a year. */
export function rememberLanguage(reply: FastifyReply, locale: string): void {
  setCookie(reply, LANGUAGE_COOKIE, locale, {
    path: '/',
    sameSite: 'lax',
    httpOnly: true,
    maxAge: 365 * 24 * 3600,
  });
}

function AccountPage({ ctx, view }: { ctx: PageContext; view: AccountView }) {
  const { profile, errors } = view;
  const locale = profile.locale ?? ctx.locale;
  return (
    <div class="grid-row">
      <div class="tablet:grid-col-8 desktop:grid-col-6">
        <ErrorSummary ctx={ctx} errors={errors} />
        {view.notice && <Alert kind="success">{ctx.t(`accounts.settings.${view.notice}`)}</Alert>}
        <h1>{ctx.t('accounts.settings.title')}</h1>
        <dl>
          <dt class="text-bold">{ctx.t('accounts.email')}</dt>
          <dd class="margin-left-0">{profile.email}</dd>
        </dl>
        <h2>{ctx.t('accounts.settings.profile')}</h2>
        <form class="usa-form usa-form--large" method="post" action="/account/profile" novalidate>
          <CsrfField ctx={ctx} />
          <TextField
            name="name"
            label={ctx.t('accounts.name')}
            value={profile.name}
            autocomplete="name"
            error={errorFor(errors, 'name')}
            required
          />
          <div class="usa-form-group">
            <label class="usa-label" for="locale">
              {ctx.t('accounts.settings.language')}
            </label>
            <select class="usa-select" id="locale" name="locale">
              <option value="en" selected={locale === 'en'} lang="en">
                {ctx.t('accounts.settings.english')}
              </option>
              <option value="es" selected={locale === 'es'} lang="es">
                {ctx.t('accounts.settings.spanish')}
              </option>
            </select>
          </div>
          <button class="usa-button" type="submit">
            {ctx.t('accounts.settings.saveProfile')}
          </button>
        </form>
        <h2>{ctx.t('accounts.settings.changePassword')}</h2>
        <p>{ctx.t('accounts.settings.passwordLead')}</p>
        <form class="usa-form usa-form--large" method="post" action="/account/password" novalidate>
          <CsrfField ctx={ctx} />
          <TextField
            name="currentPassword"
            type="password"
            label={ctx.t('accounts.currentPassword')}
            autocomplete="current-password"
            error={errorFor(errors, 'currentPassword')}
            required
          />
          <PasswordField
            ctx={ctx}
            name="newPassword"
            label={ctx.t('accounts.newPassword')}
            autocomplete="new-password"
            error={errorFor(errors, 'newPassword')}
          />
          <button class="usa-button" type="submit">
            {ctx.t('accounts.settings.savePassword')}
          </button>
        </form>
        <LinkedProvidersSection ctx={ctx} linked={view.linked ?? []} notice={view.linkedNotice} />
      </div>
    </div>
  );
}

/**
 * The signed-in person's own account: profile, language, password. These routes keep the
 * request transaction: the access policy in its first statement is what refuses a revoked
 * session (a @WithoutTransaction route would trust the cookie alone).
 */
@WebPage()
@Controller()
export class AccountController {
  constructor(
    private readonly pages: PageContexts,
    private readonly settings: AccountSettings,
    private readonly linked: LinkedIdentities,
  ) {}

  @Get('account')
  @RequirePermission('self.read')
  async show(
    @Query() query: Record<string, string>,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<PageReply> {
    const ctx = this.pages.build(request, reply);
    const notice = query.saved ? 'profileSaved' : query.password ? 'passwordChanged' : undefined;
    return this.page(ctx, {
      profile: await this.settings.profile(),
      notice,
      linked: await this.linked.mine(),
      linkedNotice: linkedNotice(query, (a, p) => this.linked.providerName(a, p)),
    });
  }

  @Post('account/profile')
  @RequirePermission('self.update')
  async saveProfile(
    @Body() form: Record<string, string>,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<PageReply> {
    const ctx = this.pages.build(request, reply);
    const name = (form.name ?? '').trim();
    const locale = isLocale(form.locale) ? form.locale : ctx.locale;
    const errors: FieldError[] = [];
    if (!name) errors.push({ field: 'name', message: ctx.t('accounts.nameRequired') });
    else if (name.length > 200)
      errors.push({ field: 'name', message: ctx.t('accounts.nameTooLong') });
    if (errors.length > 0) {
      const profile = { ...(await this.settings.profile()), name, locale };
      return this.page(ctx, { profile, errors, linked: await this.linked.mine() });
    }
    await this.settings.updateProfile({ name, locale });
    rememberLanguage(reply, locale);
    return PageReply.redirect('/account?saved=1');
  }

  @Post('account/password')
  @RequirePermission('self.update')
  @RouteConfig({ rateLimitGroup: 'auth' })
  async changePassword(
    @Body() form: Record<string, string>,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<PageReply> {
    const ctx = this.pages.build(request, reply);
    const current = form.currentPassword ?? '';
    const next = form.newPassword ?? '';
    const errors: FieldError[] = [];
    if (!current)
      errors.push({
        field: 'currentPassword',
        message: ctx.t('accounts.settings.currentRequired'),
      });
    const bad = passwordError(ctx, 'newPassword', next);
    if (bad) errors.push(bad);
    if (errors.length === 0) {
      try {
        await this.settings.changePassword(current, next);
        return PageReply.redirect('/account?password=1');
      } catch (error) {
        if (!(error instanceof CurrentPasswordWrongError)) throw error;
        errors.push({ field: 'currentPassword', message: ctx.t('accounts.settings.currentWrong') });
      }
    }
    return this.page(ctx, {
      profile: await this.settings.profile(),
      errors,
      linked: await this.linked.mine(),
    });
  }

  private page(ctx: PageContext, view: AccountView): PageReply {
    return accountPage(
      ctx,
      ctx.t('accounts.settings.title'),
      <AccountPage ctx={ctx} view={view} />,
      {
        errors: view.errors,
      },
    );
  }
}
