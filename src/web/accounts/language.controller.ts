import { Body, Controller, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Public, WebPage, WithoutTransaction } from '../../core/access/access.decorators';
import { RequestContext } from '../../core/context/request-context';
import { PageReply } from '../../core/http/page-reply';
import { AccountSettings } from '../../identity/accounts/account-settings.service';
import { safeNext } from '../errors/error-pages';
import { isLocale } from '../i18n/i18n';
import { rememberLanguage } from './account.controller';

/**
 * The visible language switch, a small form in every page's header: remembers the choice in a
 * cookie and returns to the page; when someone is signed in it is also saved on their account
 * (later sign-ins, their emails). A POST with the page's CSRF token, since it changes state (a
 * link or an image elsewhere cannot change someone's language); it needs no JavaScript.
 */
@WebPage()
@Controller()
export class LanguageController {
  constructor(
    private readonly context: RequestContext,
    private readonly settings: AccountSettings,
  ) {}

  @Post('language')
  @Public()
  @WithoutTransaction()
  async choose(
    @Body() form: Record<string, string | undefined>,
    @Res() reply: FastifyReply,
  ): Promise<PageReply> {
    if (isLocale(form.to)) {
      rememberLanguage(reply, form.to);
      if (this.context.actor?.userId) await this.settings.saveLocale(form.to);
    }
    return PageReply.redirect(safeNext(form.next) ?? '/');
  }
}
