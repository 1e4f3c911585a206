import { Inject, Injectable, Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { AgencyDirectory } from '../agencies/agency-directory';
import { APP_CONFIG } from '../core/config/config.module';
import { AppConfig } from '../core/config/env';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import {
  defineJob,
  HandlesJob,
  JobContext,
  JobHandler,
  JobQueue,
  PermanentJobError,
} from '../core/jobs';
import { UserAccounts } from '../identity/memberships/user-accounts.service';
import { MailTransport } from './mail-transport';
import { isTemplateName, TemplateData, TemplateName } from './templates/notification-templates';
import { renderNotice } from './templates/render-notice';

/** Someone an email goes to: a user (address looked up when sent) or a bare address. */
export type EmailRecipient = { userId: string } | { email: string; name?: string };

/** One notice by email: one job for all its recipients, each sent (at most) once. */
export interface EmailNotificationJob {
  agencyId: string;
  template: TemplateName;
  data: TemplateData[TemplateName];
  recipients?: EmailRecipient[];
  /** One recipient: how jobs were queued before notices carried a list (still accepted). */
  to?: EmailRecipient;
  /** Absolute, or a path of the web app (resolved against PUBLIC_APP_URL in the email). */
  link?: string;
  /** Same key, same recipient: sent once, whichever job gets there first. */
  dedupeKey?: string;
}

/** When some recipients failed and others were sent: the rest are tried again this much later. */
export const FAILED_RECIPIENTS_RETRY_MS = 30_000;

declare module '../core/jobs/job-types' {
  interface JobPayloads {
    'notification.email': EmailNotificationJob;
  }
}

export const EMAIL_NOTIFICATION_JOB = defineJob('notification.email', { maxAttempts: 8 });

/**
 * Sends a notice's emails, from the agency's sender with its reply-to, branding and template
 * overrides. Idempotent per recipient: the processed-effect key (dedupe key or job id, plus the
 * recipient) is recorded in the job's transaction before sending, so a redelivered job that
 * already committed skips those sent. The one window left, a crash after the SMTP server accepted
 * a message and before commit, resends with the same Message-ID, which mail systems dedupe.
 *
 * With several recipients each send runs under a savepoint: a refused recipient loses only its
 * own effect key. If every send failed the job fails (and is retried); if some went out, the
 * failed ones get a job of their own, with the same dedupe key, so nobody gets a notice twice.
 */
@Injectable()
@HandlesJob('notification.email')
export class EmailNotificationHandler implements JobHandler<'notification.email'> {
  private readonly logger = new Logger('Notifications');

  constructor(
    private readonly accounts: UserAccounts,
    private readonly agencies: AgencyDirectory,
    private readonly mail: MailTransport,
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly jobs: JobQueue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async handle(job: EmailNotificationJob, context: JobContext): Promise<void> {
    if (!isTemplateName(job.template))
      throw new PermanentJobError(`unknown template "${String(job.template)}"`);
    const recipients = await this.resolve(job.recipients ?? (job.to ? [job.to] : []));
    if (recipients.length < (job.recipients?.length ?? 1)) {
      this.logger.warn({
        msg: 'notification recipient no longer exists; skipped',
        jobId: context.jobId,
      });
    }
    const dedupeKey = job.dedupeKey ?? context.jobId;
    if (recipients.length === 1) return this.send(job, context, recipients[0], dedupeKey);

    const tx = this.txHost.tx;
    const failed: EmailRecipient[] = [];
    let firstError: unknown;
    for (const recipient of recipients) {
      await tx.query('SAVEPOINT email_recipient');
      try {
        await this.send(job, context, recipient, dedupeKey);
        await tx.query('RELEASE SAVEPOINT email_recipient');
      } catch (error) {
        await tx.query('ROLLBACK TO SAVEPOINT email_recipient');
        failed.push(recipient.source);
        firstError ??= error;
      }
    }
    if (failed.length === 0) return;
    if (failed.length === recipients.length) throw firstError;
    this.logger.warn({
      msg: 'some notification recipients refused; retried in a job of their own',
      jobId: context.jobId,
      failed: failed.length,
    });
    await this.jobs.enqueue(
      'notification.email',
      { ...job, to: undefined, recipients: failed, dedupeKey },
      { delayMs: FAILED_RECIPIENTS_RETRY_MS },
    );
  }

  private async send(
    job: EmailNotificationJob,
    context: JobContext,
    recipient: ResolvedRecipient,
    dedupeKey: string,
  ): Promise<void> {
    const recipientKey = createHash('sha256').update(recipient.address).digest('hex').slice(0, 16);
    const effectKey = `email:${job.template}:${dedupeKey}:${recipientKey}`;
    if (!(await context.claimEffect(effectKey))) return; // already sent for this key

    const config = this.agencies.configOf(job.agencyId);
    const notice = renderNotice(job.template, job.data, config, {
      recipientName: recipient.name,
      link: job.link && this.absolute(job.link),
    });
    await this.mail.send({
      from: { name: config.notifications.senderName, address: config.notifications.senderEmail },
      replyTo: config.notifications.replyTo,
      to: { name: recipient.name, address: recipient.address },
      subject: notice.subject,
      text: notice.text,
      html: notice.html,
      messageId: `<${context.jobId}.${recipientKey}@${config.code}.grant-commons>`,
      headers: { 'X-Grant-Commons-Agency': config.code, 'X-Grant-Commons-Template': job.template },
    });
  }

  /** Users' current addresses, from identity, looked up when sent (they may have changed). */
  private async resolve(recipients: EmailRecipient[]): Promise<ResolvedRecipient[]> {
    const userIds = recipients.flatMap((r) => ('userId' in r ? [r.userId] : []));
    const contacts = new Map(
      (await this.accounts.contactsFor(userIds)).map((c) => [c.id, c] as const),
    );
    return recipients.flatMap((r): ResolvedRecipient[] => {
      if ('email' in r) return [{ name: r.name, address: r.email, source: r }];
      const contact = contacts.get(r.userId);
      return contact ? [{ name: contact.name, address: contact.email, source: r }] : [];
    });
  }

  /** In-app notices keep web-app paths; an email needs the whole address. */
  private absolute(link: string): string {
    return link.startsWith('/') && !link.startsWith('//')
      ? `${this.config.publicAppUrl}${link}`
      : link;
  }
}

interface ResolvedRecipient {
  name?: string;
  address: string;
  source: EmailRecipient;
}
