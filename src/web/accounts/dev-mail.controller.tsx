import { Controller, Get, Inject, Param, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public, WebPage, WithoutTransaction } from '../../core/access/access.decorators';
import { APP_CONFIG } from '../../core/config/config.module';
import { AppConfig } from '../../core/config/env';
import { NotFoundError } from '../../core/errors/domain-error';
import { PageReply } from '../../core/http/page-reply';
import { MailTransport, OutgoingEmail } from '../../notifications/mail-transport';
import { PageContexts } from '../page-contexts';
import { accountPage } from './account-forms';

/** The web addresses in an email's text, in order, each once. */
export function linksIn(text: string): string[] {
  return [...new Set(text.match(/https?:\/\/[^\s<>"]+/g) ?? [])];
}

/**
 * The development outbox: without SMTP_URL, MailTransport keeps what it "sent" in this
 * process's memory (the latest 100; the in-process job relay sends from this process when
 * there is no REDIS_URL). This page lists them, newest first, with their links clickable, so a
 * newcomer can follow a sign-up's or reset's link. Anywhere but development without SMTP it is
 * a 404: it shows secrets (the links) to whoever opens it.
 */
@WebPage()
@Controller('dev/mail')
export class DevMailController {
  constructor(
    private readonly pages: PageContexts,
    private readonly mail: MailTransport,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  @Public()
  @WithoutTransaction()
  list(@Req() request: FastifyRequest, @Res() reply: FastifyReply): PageReply {
    const emails = this.outbox();
    const ctx = this.pages.build(request, reply);
    return accountPage(
      ctx,
      ctx.t('accounts.devMail.title'),
      <div>
        <h1>{ctx.t('accounts.devMail.title')}</h1>
        <p class="usa-intro">{ctx.t('accounts.devMail.lead')}</p>
        {emails.length === 0 ? (
          <p>{ctx.t('accounts.devMail.empty')}</p>
        ) : (
          <table class="usa-table usa-table--borderless width-full">
            <thead>
              <tr>
                <th scope="col">{ctx.t('accounts.devMail.subject')}</th>
                <th scope="col">{ctx.t('accounts.devMail.to')}</th>
                <th scope="col">{ctx.t('accounts.devMail.sent')}</th>
              </tr>
            </thead>
            <tbody>
              {emails.map((email) => (
                <tr key={email.messageId}>
                  <th scope="row">
                    <a class="usa-link" href={`/dev/mail/${encodeURIComponent(email.messageId)}`}>
                      {email.subject}
                    </a>
                  </th>
                  <td>{email.to.address}</td>
                  <td>{email.headers?.['X-Grant-Commons-Template'] ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>,
    );
  }

  @Get(':messageId')
  @Public()
  @WithoutTransaction()
  read(
    @Param('messageId') messageId: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): PageReply {
    const email = this.outbox().find((e) => e.messageId === messageId);
    if (!email) throw new NotFoundError('email');
    const ctx = this.pages.build(request, reply);
    const links = linksIn(email.text);
    return accountPage(
      ctx,
      email.subject,
      <div class="usa-prose">
        <p>
          <a class="usa-link" href="/dev/mail">
            {ctx.t('accounts.devMail.back')}
          </a>
        </p>
        <h1>{email.subject}</h1>
        <p>
          {ctx.t('accounts.devMail.to')}: {email.to.address}
        </p>
        {links.length > 0 && (
          <>
            <h2>{ctx.t('accounts.devMail.links')}</h2>
            <ul>
              {links.map((link) => (
                <li key={link}>
                  <a class="usa-link" href={link}>
                    {link}
                  </a>
                </li>
              ))}
            </ul>
          </>
        )}
        <pre class="gc-mail-text">{email.text}</pre>
      </div>,
    );
  }

  private outbox(): OutgoingEmail[] {
    const development = this.config.nodeEnv === 'development' && !this.config.smtpUrl;
    if (!development || !this.mail.recording) throw new NotFoundError('page');
    return [...this.mail.recorded].reverse();
  }
}
