import { Controller, Get, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RequirePermission, WebPage } from '../../core/access/access.decorators';
import { PageReply } from '../../core/http/page-reply';
import { SessionSummary } from '../../identity/auth/session.service';
import { AccountSecurity } from '../../identity/mfa/account-security.service';
import { PageContexts } from '../page-contexts';
import { Alert, CsrfField } from '../render/components';
import { page } from '../render/layout';
import type { PageContext } from '../render/page-context';

type Row = SessionSummary & { current: boolean };

const METHOD_KEYS = {
  pwd: 'security.sessions.methods.pwd',
  otp: 'security.sessions.methods.otp',
  recovery: 'security.sessions.methods.recovery',
  oidc: 'security.sessions.methods.oidc',
  mfa: 'security.sessions.methods.mfa',
} as const;

/** "Firefox on Windows" needs a parser; the raw user agent, shortened, is honest and enough. */
function device(ctx: PageContext, userAgent: string | null): string {
  if (!userAgent) return ctx.t('security.sessions.unknownDevice');
  return userAgent.length > 80 ? `${userAgent.slice(0, 77)}…` : userAgent;
}

function SessionsPage({
  ctx,
  rows,
  signedOut,
}: {
  ctx: PageContext;
  rows: Row[];
  signedOut?: number;
}) {
  const others = rows.filter((r) => !r.current).length;
  return (
    <>
      {signedOut !== undefined && (
        <Alert kind="success">{ctx.t('security.sessions.signedOut', { count: signedOut })}</Alert>
      )}
      <h1>{ctx.t('security.sessions.title')}</h1>
      <p class="usa-intro">{ctx.t('security.sessions.lead')}</p>
      <table class="usa-table usa-table--borderless usa-table--stacked width-full">
        <caption class="usa-sr-only">{ctx.t('security.sessions.caption')}</caption>
        <thead>
          <tr>
            <th scope="col">{ctx.t('security.sessions.device')}</th>
            <th scope="col">{ctx.t('security.sessions.address')}</th>
            <th scope="col">{ctx.t('security.sessions.started')}</th>
            <th scope="col">{ctx.t('security.sessions.lastUsed')}</th>
            <th scope="col">{ctx.t('security.sessions.how')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.id}>
              <th scope="row" data-label={ctx.t('security.sessions.device')}>
                {device(ctx, row.userAgent)}
                {row.current && (
                  <span class="usa-tag margin-left-1">{ctx.t('security.sessions.thisOne')}</span>
                )}
              </th>
              <td data-label={ctx.t('security.sessions.address')}>
                {row.ip ?? ctx.t('security.sessions.never')}
              </td>
              <td data-label={ctx.t('security.sessions.started')}>
                {ctx.formats.dateTime(row.createdAt)}
              </td>
              <td data-label={ctx.t('security.sessions.lastUsed')}>
                {row.lastUsedAt
                  ? ctx.formats.dateTime(row.lastUsedAt)
                  : ctx.t('security.sessions.never')}
              </td>
              <td data-label={ctx.t('security.sessions.how')}>
                {row.authMethods
                  .map((m) =>
                    m in METHOD_KEYS ? ctx.t(METHOD_KEYS[m as keyof typeof METHOD_KEYS]) : m,
                  )
                  .join(', ')}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {others > 0 && (
        <form method="post" action="/account/sessions/sign-out-others">
          <CsrfField ctx={ctx} />
          <button class="usa-button usa-button--secondary" type="submit">
            {ctx.t('security.sessions.signOutOthers')}
          </button>
        </form>
      )}
    </>
  );
}

/**
 * The signed-in person's sessions: where, since when, last use and how they authenticated,
 * with "sign out everywhere else". Request transaction kept: the access policy refuses a
 * revoked session before anything is listed.
 */
@WebPage()
@Controller()
export class SessionsController {
  constructor(
    private readonly pages: PageContexts,
    private readonly security: AccountSecurity,
  ) {}

  @Get('account/sessions')
  @RequirePermission('self.read')
  async list(
    @Query() query: Record<string, string>,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<PageReply> {
    const ctx = this.pages.build(request, reply);
    const rows = await this.security.list();
    const signedOut = /^\d{1,4}$/.test(query.signedOut ?? '') ? Number(query.signedOut) : undefined;
    return PageReply.html(
      page({
        ctx,
        title: ctx.t('security.sessions.title'),
        children: <SessionsPage ctx={ctx} rows={rows} signedOut={signedOut} />,
      }),
    );
  }

  @Post('account/sessions/sign-out-others')
  @RequirePermission('self.update')
  async signOutOthers(): Promise<PageReply> {
    const count = await this.security.signOutOthers();
    return PageReply.redirect(`/account/sessions?signedOut=${count}`);
  }
}
