import { Inject, Injectable, Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { AgencyDirectory } from '../agencies/agency-directory';
import { APP_CONFIG } from '../core/config/config.module';
import { AppConfig } from '../core/config/env';
import { defineJob, HandlesJob, JobContext, JobHandler, PermanentJobError } from '../core/jobs';
import { UserAccounts } from '../identity/memberships/user-accounts.service';
import { MailTransport } from './mail-transport';
import { isTemplateName, TemplateData, TemplateName } from './templates/notification-templates';
import { renderNotice } from './templates/render-notice';

/** One email to one recipient (a user, looked up when sent, or a bare address). */
export interface EmailNotificationJob {
  agencyId: string;
  template: TemplateName;
  data: TemplateData[TemplateName];
  to: { userId: string } | { email: string; name?: string };
  /** Absolute, or a path of the web app (resolved against PUBLIC_APP_URL in the email). */
  link?: string;
  /** Same key, same recipient: sent once, whichever job gets there first. */
  dedupeKey?: string;
}

declare module '../core/jobs/job-types' {
  interface JobPayloads {
    'notification.email': EmailNotificationJob;
  }
}

export const EMAIL_NOTIFICATION_JOB = defineJob('notification.email', { maxAttempts: 8 });

/**
 * Sends one notification email, from the agency's sender with its reply-to, branding and
 * template overrides. Idempotent: the processed-effect key (dedupe key or job id, plus the
 * recipient) is recorded in the job's transaction before sending, so a redelivered job that
 * already committed skips the send. The one window left, a crash after the SMTP server accepted
 * the message and before commit, resends with the same Message-ID, which mail systems dedupe.
 */
@Injectable()
@HandlesJob('notification.email')
export class EmailNotificationHandler implements JobHandler<'notification.email'> {
  private readonly logger = new Logger('Notifications');

  constructor(
    private readonly accounts: UserAccounts,
    private readonly agencies: AgencyDirectory,
    private readonly mail: MailTransport,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async handle(job: EmailNotificationJob, context: JobContext): Promise<void> {
    if (!isTemplateName(job.template))
      throw new PermanentJobError(`unknown template "${String(job.template)}"`);
    const recipient = await this.recipient(job);
    if (!recipient) {
      this.logger.warn({
        msg: 'notification recipient no longer exists; skipped',
        jobId: context.jobId,
      });
      return;
    }
    const recipientKey = createHash('sha256').update(recipient.address).digest('hex').slice(0, 16);
    const effectKey = `email:${job.template}:${job.dedupeKey ?? context.jobId}:${recipientKey}`;
    if (!(await context.claimEffect(effectKey))) return; // already sent for this key

    const config = this.agencies.configOf(job.agencyId);
    const notice = renderNotice(job.template, job.data, config, {
      recipientName: recipient.name,
      link: job.link && this.absolute(job.link),
    });
    await this.mail.send({
      from: { name: config.notifications.senderName, address: config.notifications.senderEmail },
      replyTo: config.notifications.replyTo,
      to: recipient,
      subject: notice.subject,
      text: notice.text,
      html: notice.html,
      messageId: `<${context.jobId}.${recipientKey}@${config.code}.grant-commons>`,
      headers: { 'X-Grant-Commons-Agency': config.code, 'X-Grant-Commons-Template': job.template },
    });
  }

  /** A user's current address, from identity, looked up when sent (it may have changed). */
  private async recipient(
    job: EmailNotificationJob,
  ): Promise<{ name?: string; address: string } | undefined> {
    if ('email' in job.to) return { name: job.to.name, address: job.to.email };
    const [contact] = await this.accounts.contactsFor([job.to.userId]);
    return contact && { name: contact.name, address: contact.email };
  }

  /** In-app notices keep web-app paths; an email needs the whole address. */
  private absolute(link: string): string {
    return link.startsWith('/') && !link.startsWith('//')
      ? `${this.config.publicAppUrl}${link}`
      : link;
  }
}
