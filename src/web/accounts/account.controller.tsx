import { Controller, Get, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RequirePermission, WebPage } from '../../core/access/access.decorators';
import { PageReply } from '../../core/http/page-reply';
import { PageContexts } from '../page-contexts';
import { page } from '../render/layout';

/** The signed-in person's own account page. */
@WebPage()
@Controller()
export class AccountController {
  constructor(private readonly pages: PageContexts) {}

  @Get('account')
  @RequirePermission('self.read')
  show(@Req() request: FastifyRequest, @Res() reply: FastifyReply): PageReply {
    const ctx = this.pages.build(request, reply);
    return PageReply.html(
      page({
        ctx,
        title: ctx.t('account.title'),
        children: (
          <div class="usa-prose">
            <h1>{ctx.t('account.title')}</h1>
            <dl>
              <dt>{ctx.t('account.email')}</dt>
              <dd>{ctx.user?.email}</dd>
            </dl>
          </div>
        ),
      }),
    );
  }
}
