import { Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RequirePermission, WebPage } from '../../core/access/access.decorators';
import { RequestContext } from '../../core/context/request-context';
import { PageReply } from '../../core/http/page-reply';
import { MyNotifications } from '../../notifications/my-notifications.service';
import type { NotificationPage } from '../../notifications/dto/notifications.dto';
import { PageContexts } from '../page-contexts';
import { CsrfField, StatusTag } from '../render/components';
import { page } from '../render/layout';
import type { PageContext } from '../render/page-context';

const CURSOR = /^[A-Za-z0-9_-]{1,200}$/;

function NotificationsPage({
  ctx,
  notices,
  cursor,
}: {
  ctx: PageContext;
  notices: NotificationPage;
  cursor?: string;
}) {
  const here = `/${ctx.agency!.code}/notifications`;
  // A notice in another language than the page's (one not written in it) says which it is in.
  const other = (n: NotificationPage['items'][number]) =>
    n.locale && n.locale !== ctx.locale ? n.locale : undefined;
  return (
    <div class="grid-row">
      <div class="tablet:grid-col-10 desktop:grid-col-8">
        <h1>{ctx.t('awards.notifications.title')}</h1>
        <p class="usa-intro">
          {ctx.t('awards.notifications.lead', { agency: ctx.agency!.displayName })}
        </p>
        {notices.unreadCount > 0 && (
          <p>{ctx.t('awards.notifications.unread', { count: notices.unreadCount })}</p>
        )}
        {notices.items.length === 0 ? (
          <p>{ctx.t('awards.notifications.none')}</p>
        ) : (
          <ul class="usa-list usa-list--unstyled">
            {notices.items.map((n) => (
              <li key={n.id} class="border-bottom border-base-lighter padding-y-2">
                <h2 class="font-heading-md margin-y-0">
                  <span lang={other(n)}>{n.subject}</span>{' '}
                  {!n.readAt && <StatusTag label={ctx.t('awards.notifications.unreadTag')} />}
                </h2>
                <p class="usa-hint margin-y-05">{ctx.formats.dateTime(new Date(n.createdAt))}</p>
                <div lang={other(n)}>
                  {n.body.split('\n').map((line, i) => (
                    <p class="margin-y-05" key={i}>
                      {line}
                    </p>
                  ))}
                </div>
                {n.link?.startsWith('/') && (
                  <p>
                    <a class="usa-link" href={n.link}>
                      {ctx.t('awards.notifications.open')}
                    </a>
                  </p>
                )}
                {!n.readAt && (
                  <form method="post" action={`${here}/${n.id}/read`}>
                    <CsrfField ctx={ctx} />
                    {cursor && <input type="hidden" name="cursor" value={cursor} />}
                    <button
                      type="submit"
                      class="usa-button usa-button--outline usa-button--small"
                      aria-label={ctx.t('awards.notifications.markReadLabel', {
                        subject: n.subject,
                      })}
                    >
                      {ctx.t('awards.notifications.markRead')}
                    </button>
                  </form>
                )}
              </li>
            ))}
          </ul>
        )}
        {notices.nextCursor && (
          <p>
            <a class="usa-link" href={`${here}?cursor=${encodeURIComponent(notices.nextCursor)}`}>
              {ctx.t('awards.notifications.more')}
            </a>
          </p>
        )}
      </div>
    </div>
  );
}

/** The signed-in person's notices from this agency, newest first; marking one read. */
@WebPage()
@Controller(':agencyCode/notifications')
export class NotificationPages {
  constructor(
    private readonly pages: PageContexts,
    private readonly context: RequestContext,
    private readonly notifications: MyNotifications,
  ) {}

  @Get()
  @RequirePermission('self.read')
  async list(
    @Param('agencyCode') agencyCode: string,
    @Query('cursor') cursor: string | undefined,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<PageReply> {
    const ctx = this.pages.build(request, reply, agencyCode);
    const after = cursor && CURSOR.test(cursor) ? cursor : undefined;
    const notices = await this.notifications.list({
      agencyId: this.context.agencyId,
      limit: 20,
      cursor: after,
      // Each notice in this page's language (the notice catalogs), whatever it was written in.
      locale: ctx.locale,
    });
    return PageReply.html(
      page({
        ctx,
        title: ctx.t('awards.notifications.title'),
        children: <NotificationsPage ctx={ctx} notices={notices} cursor={after} />,
      }),
    );
  }

  /** Only the caller's own notice in this agency; anyone else's is "not found". */
  @Post(':notificationId/read')
  @RequirePermission('self.update')
  async markRead(
    @Param('agencyCode') agencyCode: string,
    @Param('notificationId') notificationId: string,
    @Req() request: FastifyRequest,
    @Res() _reply: FastifyReply,
  ): Promise<PageReply> {
    await this.notifications.markRead(notificationId, this.context.agencyId);
    const cursor = (request.body as { cursor?: string } | undefined)?.cursor;
    const back = cursor && CURSOR.test(cursor) ? `?cursor=${encodeURIComponent(cursor)}` : '';
    return PageReply.redirect(`/${agencyCode}/notifications${back}`);
  }
}
