import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { AgencyDirectory } from '../agencies/agency-directory';
import { TenantDb } from '../core/context/tenant-db';
import { JobAgencyMismatchError } from '../core/jobs/jobs.errors';
import { JobQueue } from '../core/jobs';
import type { EmailNotice } from './email-notification.job';
import { NotificationRecipientsMissingError } from './notifications.errors';
import { TemplateData, TemplateName } from './templates/notification-templates';
import { RECIPIENT_DIRECTORY, RecipientDirectory } from './recipient-directory';
import { isNoticeLocale, NoticeLocale, renderNotice } from './templates/render-notice';
import { sql } from '../core/database/sql-statement';

/** In-app notices, one per user, in one statement; a dedupe key already used is skipped. */
const INSERT_NOTIFICATIONS = sql(
  'notifications.insert-many',
  `INSERT INTO notifications (agency_id, user_id, template, subject, body, link, dedupe_key, data)
   SELECT $1, t.u, t.template, t.subject, t.body, t.link, t.dedupe_key, t.data
     FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                 $8::jsonb[])
       AS t(u, template, subject, body, link, dedupe_key, data)
   ON CONFLICT ON CONSTRAINT "UQ_notifications_dedupe" DO NOTHING`,
);

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
    private readonly modules: ModuleRef,
  ) {}

  /**
   * Each user's saved language, for their in-app notices (one read for all of them). The
   * directory is identity's, and identity notifies: looked up when first needed, not injected,
   * so the two providers do not need each other to be built.
   */
  private async localesOf(userIds: string[]): Promise<Map<string, NoticeLocale>> {
    if (userIds.length === 0) return new Map();
    this.directory ??= this.modules.get<RecipientDirectory>(RECIPIENT_DIRECTORY, {
      strict: false,
    });
    const contacts = await this.directory.contactsFor(userIds);
    return new Map(
      contacts.flatMap((c) => (isNoticeLocale(c.locale) ? [[c.id, c.locale] as const] : [])),
    );
  }
  private directory?: RecipientDirectory;

  async notify<T extends TemplateName>(input: NotifyInput<T>): Promise<void> {
    return this.notifyAll([input]);
  }

  /**
   * Several notices as one write: one INSERT for every in-app notice and one email job for all
   * of them, whatever the number of notices and recipients.
   */
  async notifyAll(inputs: Array<NotifyInput<TemplateName>>): Promise<void> {
    const rows = {
      userIds: [] as string[],
      templates: [] as string[],
      subjects: [] as string[],
      bodies: [] as string[],
      links: [] as Array<string | null>,
      dedupeKeys: [] as Array<string | null>,
      data: [] as string[],
    };
    const emailed: EmailNotice[] = [];
    const inAppUsers = inputs.flatMap((input) =>
      (input.channels?.inApp ?? true) ? (input.userIds ?? []) : [],
    );
    const locales = await this.localesOf([...new Set(inAppUsers)]);
    for (const input of inputs) {
      if (input.agencyId !== this.db.agencyId) throw new JobAgencyMismatchError();
      const userIds = [...new Set(input.userIds ?? [])];
      const emails = (input.emails ?? []).map((e) => (typeof e === 'string' ? { email: e } : e));
      if (userIds.length === 0 && emails.length === 0)
        throw new NotificationRecipientsMissingError();
      const email = input.channels?.email ?? true;
      const inApp = input.channels?.inApp ?? true;

      if (inApp && userIds.length > 0) {
        // In each reader's saved language (the notice catalogs, English and Spanish).
        const rendered = new Map<NoticeLocale, { subject: string; body: string }>();
        for (const userId of userIds) {
          const locale = locales.get(userId) ?? 'en';
          let notice = rendered.get(locale);
          if (!notice) {
            notice = renderNotice(
              input.template,
              input.data,
              this.agencies.configOf(input.agencyId),
              {
                locale,
              },
            );
            rendered.set(locale, notice);
          }
          rows.userIds.push(userId);
          rows.templates.push(input.template);
          rows.subjects.push(notice.subject);
          rows.bodies.push(notice.body);
          rows.links.push(input.link ?? null);
          rows.dedupeKeys.push(input.dedupeKey ?? null);
          rows.data.push(JSON.stringify(input.data));
        }
      }
      if (email) {
        emailed.push({
          template: input.template,
          data: input.data,
          link: input.link,
          dedupeKey: input.dedupeKey,
          recipients: [...userIds.map((userId) => ({ userId })), ...emails],
        });
      }
    }
    if (rows.userIds.length > 0) {
      await this.db.rows(INSERT_NOTIFICATIONS, [
        this.db.agencyId,
        rows.userIds,
        rows.templates,
        rows.subjects,
        rows.bodies,
        rows.links,
        rows.dedupeKeys,
        rows.data,
      ]);
    }
    // One job for all the notices: they share its transaction, round trips and queue overhead.
    if (emailed.length > 0) {
      await this.jobs.enqueue('notification.email', {
        agencyId: this.db.agencyId,
        notices: emailed,
      });
    }
  }
}
