import { Inject, Injectable, Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { AgencyDirectory } from '../agencies/agency-directory';
import { APP_CONFIG } from '../core/config/config.module';
import { AppConfig } from '../core/config/env';
import {
  defineJob,
  HandlesJob,
  JobContext,
  JobHandler,
  JobQueue,
  PermanentJobError,
} from '../core/jobs';
import { MailTransport } from './mail-transport';
import { RECIPIENT_DIRECTORY, RecipientDirectory } from './recipient-directory';
import { isTemplateName, TemplateData, TemplateName } from './templates/notification-templates';
import { isNoticeLocale, NoticeLocale, renderNotice } from './templates/render-notice';
import { UsageMeter } from '../core/usage/usage-meter';

/** Someone an email goes to: a user (address looked up when sent) or a bare address. */
export type EmailRecipient = { userId: string } | { email: string; name?: string };

/** One notice by email, to all its recipients, each sent (at most) once. */
export interface EmailNotice {
  template: TemplateName;
  data: TemplateData[TemplateName];
  recipients: EmailRecipient[];
  /** Absolute, or a path of the web app (resolved against PUBLIC_APP_URL in the email). */
  link?: string;
  /** Same key, same recipient: sent once, whichever job gets there first. */
  dedupeKey?: string;
  /** The language for recipients without a saved one (e.g. the page's at sign-up). */
  locale?: NoticeLocale;
}

/**
 * The one payload shape: the notices of one change (a submission tells the applicant team and
 * the program officers; often just one notice), which share the job's transaction, round trips
 * and queue overhead.
 */
export interface EmailNotificationJob {
  agencyId: string;
  notices: EmailNotice[];
}

/**
 * Shapes queued before there was one (a deployed outbox may still hold them): a notice's fields
 * at the top level, and a single `to` instead of `recipients`. Read only by fromQueuedPayload.
 */
type LegacyEmailNotice = Omit<EmailNotice, 'recipients'> & {
  recipients?: EmailRecipient[];
  to?: EmailRecipient;
};
export type QueuedEmailPayload =
  | EmailNotificationJob
  | { agencyId: string; notices: LegacyEmailNotice[] }
  | ({ agencyId: string; notices?: undefined } & LegacyEmailNotice);

/** Converts a payload queued in an older shape to the one shape; a current one passes through. */
export function fromQueuedPayload(queued: QueuedEmailPayload): EmailNotificationJob {
  const notices: LegacyEmailNotice[] = queued.notices ?? [withoutAgency(queued)];
  return {
    agencyId: queued.agencyId,
    notices: notices.map(({ to, recipients, ...notice }) => ({
      ...notice,
      recipients: recipients ?? (to ? [to] : []),
    })),
  };
}

function withoutAgency({
  agencyId: _agencyId,
  notices: _notices,
  ...notice
}: { agencyId: string; notices?: undefined } & LegacyEmailNotice): LegacyEmailNotice {
  return notice;
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
 * Sends a job's emails, from the agency's sender with its reply-to, branding and template
 * overrides. Idempotent per notice and recipient: the processed-effect key (the notice's dedupe
 * key, else the job id and the notice's place in the job, plus the recipient) is recorded in the
 * job's transaction before sending, so a redelivered job that already committed skips those
 * sent. The one window left, a crash after the SMTP server accepted a message and before commit,
 * resends with the same Message-ID, which mail systems dedupe.
 *
 * With several emails a refused one loses only its own effect key: the keys of all of them are
 * claimed in one statement, and those whose send failed are deleted again before commit (two
 * statements per job: docs/decisions/0006-email-effect-keys-in-one-statement.md). If every send
 * failed the job fails (and is retried); if some went out, the failed ones get a job
 * of their own, with their notices' dedupe keys, so nobody gets a notice twice.
 */
@Injectable()
@HandlesJob('notification.email')
export class EmailNotificationHandler implements JobHandler<'notification.email'> {
  private readonly logger = new Logger('Notifications');

  constructor(
    @Inject(RECIPIENT_DIRECTORY) private readonly recipients: RecipientDirectory,
    private readonly agencies: AgencyDirectory,
    private readonly mail: MailTransport,
    private readonly jobs: JobQueue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly usage: UsageMeter,
  ) {}

  async handle(queued: QueuedEmailPayload, context: JobContext): Promise<void> {
    const job = fromQueuedPayload(queued);
    const notices = job.notices;
    for (const notice of notices) {
      if (!isTemplateName(notice.template))
        throw new PermanentJobError(`unknown template "${String(notice.template)}"`);
    }
    const listed = notices.map((n) => n.recipients);
    const contacts = await this.contacts(listed.flat());
    const emails: Email[] = [];
    let missing = 0;
    notices.forEach((notice, index) => {
      // Stable across deliveries: the payload, and so each notice's place in it, never changes.
      const dedupeKey =
        notice.dedupeKey ?? (index === 0 ? context.jobId : `${context.jobId}.${index}`);
      for (const source of listed[index]) {
        const recipient = this.address(source, contacts);
        if (!recipient) {
          missing++;
          continue;
        }
        const recipientKey = createHash('sha256')
          .update(recipient.address)
          .digest('hex')
          .slice(0, 16);
        emails.push({
          ...recipient,
          notice,
          index,
          dedupeKey,
          recipientKey,
          effectKey: `email:${notice.template}:${dedupeKey}:${recipientKey}`,
        });
      }
    });
    if (missing > 0 || listed.every((l) => l.length === 0)) {
      this.logger.warn({
        msg: 'notification recipient no longer exists; skipped',
        jobId: context.jobId,
      });
    }
    if (emails.length === 0) return;
    const unsent = await context.claimEffects(emails.map((e) => e.effectKey));
    const failed: Email[] = [];
    let firstError: unknown;
    let sent = 0;
    for (const email of emails) {
      // Already sent under this key, or listed twice in this notice.
      if (!unsent.delete(email.effectKey)) continue;
      try {
        await this.send(job, context, email);
        sent++;
      } catch (error) {
        failed.push(email);
        firstError ??= error;
      }
    }
    // Usage metering, in the job's transaction with its effect keys (if every send failed the
    // job throws and rolls back, and nothing went out to count).
    if (sent > 0) await this.usage.add({ emailsSent: sent });
    if (failed.length === 0) return;
    if (failed.length === emails.length) throw firstError;
    await context.releaseEffects(failed.map((e) => e.effectKey));
    this.logger.warn({
      msg: 'some notification recipients refused; retried in a job of their own',
      jobId: context.jobId,
      failed: failed.length,
    });
    const retry: EmailNotice[] = [];
    for (const [index, notice] of notices.entries()) {
      const mine = failed.filter((e) => e.index === index);
      if (mine.length === 0) continue;
      retry.push({
        ...notice,
        recipients: mine.map((e) => e.source),
        dedupeKey: mine[0].dedupeKey,
      });
    }
    await this.jobs.enqueue(
      'notification.email',
      { agencyId: job.agencyId, notices: retry },
      { delayMs: FAILED_RECIPIENTS_RETRY_MS },
    );
  }

  /**
   * Sends one notice to one recipient now, inside the calling job (its transaction, effect keys
   * and Message-ID): for a link carrying a secret that job minted (an invitation), which must
   * never sit in a queued payload. A refused send throws, so the calling job is retried whole;
   * with a single recipient nothing is re-queued.
   */
  async sendInJob(agencyId: string, notice: EmailNotice, context: JobContext): Promise<void> {
    if (notice.recipients.length !== 1)
      throw new PermanentJobError('a notice sent in another job has exactly one recipient');
    await this.handle({ agencyId, notices: [notice] }, context);
  }

  private async send(job: EmailNotificationJob, context: JobContext, email: Email): Promise<void> {
    const { notice } = email;
    const config = this.agencies.configOf(job.agencyId);
    const rendered = renderNotice(notice.template, notice.data, config, {
      recipientName: email.name,
      link: notice.link && this.absolute(notice.link),
      locale: email.locale ?? notice.locale,
    });
    // The notice's place in the job keeps two notices to one person apart (a Message-ID each).
    const id = email.index === 0 ? context.jobId : `${context.jobId}.${email.index}`;
    await this.mail.send({
      from: { name: config.notifications.senderName, address: config.notifications.senderEmail },
      replyTo: config.notifications.replyTo,
      to: { name: email.name, address: email.address },
      subject: rendered.subject,
      text: rendered.text,
      html: rendered.html,
      messageId: `<${id}.${email.recipientKey}@${config.code}.grant-commons>`,
      headers: {
        'X-Grant-Commons-Agency': config.code,
        'X-Grant-Commons-Template': notice.template,
      },
    });
  }

  /** Users' current addresses, from identity, looked up when sent (they may have changed). */
  private async contacts(recipients: EmailRecipient[]) {
    const userIds = [...new Set(recipients.flatMap((r) => ('userId' in r ? [r.userId] : [])))];
    return new Map((await this.recipients.contactsFor(userIds)).map((c) => [c.id, c] as const));
  }

  private address(
    source: EmailRecipient,
    contacts: Map<string, { name: string; email: string; locale?: string | null }>,
  ): ResolvedRecipient | undefined {
    if ('email' in source) return { name: source.name, address: source.email, source };
    const contact = contacts.get(source.userId);
    const locale = isNoticeLocale(contact?.locale) ? contact.locale : undefined;
    return contact && { name: contact.name, address: contact.email, source, locale };
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
  /** The recipient's saved language, when they have one. */
  locale?: NoticeLocale;
  address: string;
  source: EmailRecipient;
}

/** One email to send: a recipient of one of the job's notices. */
interface Email extends ResolvedRecipient {
  notice: EmailNotice;
  /** The notice's place in the job. */
  index: number;
  dedupeKey: string;
  recipientKey: string;
  effectKey: string;
}
