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
 * With several recipients a refused one loses only its own effect key: the keys of all recipients
 * are claimed in one statement, and those whose send failed are deleted again before commit (what
 * a savepoint per recipient did, in two statements per job instead of three per recipient). If
 * every send failed the job fails (and is retried); if some went out, the failed ones get a job
 * of their own, with the same dedupe key, so nobody gets a notice twice.
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
    const keyed = recipients.map((recipient) => {
      const recipientKey = createHash('sha256')
        .update(recipient.address)
        .digest('hex')
        .slice(0, 16);
      return {
        ...recipient,
        recipientKey,
        effectKey: `email:${job.template}:${dedupeKey}:${recipientKey}`,
      };
    });
    if (keyed.length === 0) return;
    if (keyed.length === 1) {
      if (await context.claimEffect(keyed[0].effectKey)) await this.send(job, context, keyed[0]);
      return;
    }

    const unsent = await this.claimEffects(
      context,
      keyed.map((r) => r.effectKey),
    );
    const failed: KeyedRecipient[] = [];
    let firstError: unknown;
    for (const recipient of keyed) {
      // Already sent under this key, or listed twice in this notice.
      if (!unsent.delete(recipient.effectKey)) continue;
      try {
        await this.send(job, context, recipient);
      } catch (error) {
        failed.push(recipient);
        firstError ??= error;
      }
    }
    if (failed.length === 0) return;
    if (failed.length === keyed.length) throw firstError;
    await this.txHost.tx.query(
      `DELETE FROM job_effects WHERE agency_id = $1 AND job_id = $2 AND effect_key = ANY($3::text[])`,
      [context.agencyId, context.jobId, failed.map((r) => r.effectKey)],
    );
    this.logger.warn({
      msg: 'some notification recipients refused; retried in a job of their own',
      jobId: context.jobId,
      failed: failed.length,
    });
    await this.jobs.enqueue(
      'notification.email',
      { ...job, to: undefined, recipients: failed.map((r) => r.source), dedupeKey },
      { delayMs: FAILED_RECIPIENTS_RETRY_MS },
    );
  }

  /**
   * JobContext.claimEffect for many keys in one statement (same table, same rule: a key already
   * there, committed by an earlier delivery, is not claimed again). Returns the keys claimed now.
   */
  private async claimEffects(context: JobContext, keys: string[]): Promise<Set<string>> {
    const rows: Array<{ effect_key: string }> = await this.txHost.tx.query(
      `INSERT INTO job_effects (agency_id, effect_key, job_id)
       SELECT $1, k, $3 FROM unnest($2::text[]) AS k
       ON CONFLICT DO NOTHING RETURNING effect_key`,
      // Sorted: two jobs claiming overlapping keys take their locks in one order (no deadlock).
      [context.agencyId, [...keys].sort(), context.jobId],
    );
    return new Set(rows.map((r) => r.effect_key));
  }

  private async send(
    job: EmailNotificationJob,
    context: JobContext,
    recipient: KeyedRecipient,
  ): Promise<void> {
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
      messageId: `<${context.jobId}.${recipient.recipientKey}@${config.code}.grant-commons>`,
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

interface KeyedRecipient extends ResolvedRecipient {
  recipientKey: string;
  effectKey: string;
}
