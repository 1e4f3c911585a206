import { Controller, Get, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Public, WebPage, WithoutTransaction } from '../../core/access/access.decorators';
import { PageReply } from '../../core/http/page-reply';
import { safeNext } from '../errors/error-pages';
import { isLocale } from '../i18n/i18n';
import { LANGUAGE_COOKIE } from '../page-contexts';

/** The visible language switch: remembers the choice in a cookie and returns to the page. */
@WebPage()
@Controller()
export class LanguageController {
  @Get('language')
  @Public()
  @WithoutTransaction()
  choose(@Query() query: Record<string, string>, @Res() reply: FastifyReply): PageReply {
    if (isLocale(query.to)) {
      void reply.setCookie(LANGUAGE_COOKIE, query.to, {
        path: '/',
        sameSite: 'lax',
        httpOnly: true,
        maxAge: 365 * 24 * 3600,
      });
    }
    return PageReply.redirect(safeNext(query.next) ?? '/');
  }
}
