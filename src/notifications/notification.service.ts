import { Injectable } from '@nestjs/common';
import { AgencyDirectory } from '../agencies/agency-directory';
import { TenantDb } from '../core/context/tenant-db';
import { JobAgencyMismatchError } from '../core/jobs/jobs.errors';
import { JobQueue } from '../core/jobs';
import type { EmailNotificationJob } from './email-notification.job';
import { NotificationRecipientsMissingError } from './notifications.errors';
import { TemplateData, TemplateName } from './templates/notification-templates';
import { renderNotice } from './templates/render-notice';

export interface NotifyInput<T extends TemplateName> {
  agencyId: string;
  template: T;
  data: TemplateData[T];
  /** Users of the platform: an in-app notice each, and an email to their current address. */
  userIds?: string[];
  /** People without an account (e.g. an organization's contact): email only. */
  emails?: Array<string | { email: string; name?: string }>;
  /** Where the notice points in the web app. */
  link?: string;
  /**
   * Set when the same notice may be requested twice (a reminder from a schedule that ran
   * twice): each recipient then gets it once.
   */
  dedupeKey?: string;
  /** Default: both. */
  channels?: { email?: boolean; inApp?: boolean };
}

/**
 * The public way to tell people something. Call it inside the business transaction: the
 * in-app notices are written in it and the emails are outbox jobs in it, so nothing is sent
 * for a change that rolled back, and everything is sent (at least once) for one that committed.
 */
@Injectable()
export class NotificationService {
  constructor(
    private readonly db: TenantDb,
    private readonly jobs: JobQueue,
    private readonly agencies: AgencyDirectory,
  ) {}

  async notify<T extends TemplateName>(input: NotifyInput<T>): Promise<void> {
    if (input.agencyId !== this.db.agencyId) throw new JobAgencyMismatchError();
    const userIds = [...new Set(input.userIds ?? [])];
    const emails = (input.emails ?? []).map((e) => (typeof e === 'string' ? { email: e } : e));
    if (userIds.length === 0 && emails.length === 0) throw new NotificationRecipientsMissingError();
    const email = input.channels?.email ?? true;
    const inApp = input.channels?.inApp ?? true;

    if (inApp && userIds.length > 0) {
      const notice = renderNotice(
        input.template,
        input.data,
        this.agencies.configOf(input.agencyId),
      );
      await this.db.manager.query(
        `INSERT INTO notifications (agency_id, user_id, template, subject, body, link, dedupe_key)
         SELECT $1, u, $2, $3, $4, $5, $6 FROM unnest($7::uuid[]) AS u
         ON CONFLICT ON CONSTRAINT "UQ_notifications_dedupe" DO NOTHING`,
        [
          input.agencyId,
          input.template,
          notice.subject,
          notice.body,
          input.link ?? null,
          input.dedupeKey ?? null,
          userIds,
        ],
      );
    }
    if (email) {
      const base = {
        agencyId: input.agencyId,
        template: input.template,
        data: input.data,
        link: input.link,
        dedupeKey: input.dedupeKey,
      };
      const payloads: EmailNotificationJob[] = [
        ...userIds.map((userId) => ({ ...base, to: { userId } })),
        ...emails.map((to) => ({ ...base, to })),
      ];
      await this.jobs.enqueueMany('notification.email', payloads);
    }
  }
}
