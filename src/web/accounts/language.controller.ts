import { Controller, Get, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Public, WebPage, WithoutTransaction } from '../../core/access/access.decorators';
import { RequestContext } from '../../core/context/request-context';
import { PageReply } from '../../core/http/page-reply';
import { AccountSettings } from '../../identity/accounts/account-settings.service';
import { safeNext } from '../errors/error-pages';
import { isLocale } from '../i18n/i18n';
import { rememberLanguage } from './account.controller';

/**
 * The visible language switch: remembers the choice in a cookie and returns to the page; when
 * someone is signed in it is also saved on their account (later sign-ins, their emails).
 */
@WebPage()
@Controller()
export class LanguageController {
  constructor(
    private readonly context: RequestContext,
    private readonly settings: AccountSettings,
  ) {}

  @Get('language')
  @Public()
  @WithoutTransaction()
  async choose(
    @Query() query: Record<string, string>,
    @Res() reply: FastifyReply,
  ): Promise<PageReply> {
    if (isLocale(query.to)) {
      rememberLanguage(reply, query.to);
      if (this.context.actor?.userId) await this.settings.saveLocale(query.to);
    }
    return PageReply.redirect(safeNext(query.next) ?? '/');
  }
}
