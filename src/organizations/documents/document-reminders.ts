import { Injectable, OnModuleInit } from '@nestjs/common';
import { AgencyDirectory } from '../../agencies/agency-directory';
import { Clock } from '../../core/clock/clock';
import { RequestContext } from '../../core/context/request-context';
import { TenantDb } from '../../core/context/tenant-db';
import { JobScheduler } from '../../core/jobs';
import { OrganizationMemberships } from '../../identity/memberships/organization-memberships.service';
import { NotificationService } from '../../notifications/notification.service';
import { OrganizationDirectory } from '../organization-directory';
import { daysUntil, dueReminder, REMINDER_DAYS, todayIn } from './document-kinds';

export const DOCUMENT_EXPIRY_SCHEDULE = 'organizations.document-expiry-reminders';
const DAY_MS = 86_400_000;

/**
 * Expiry reminders: 30 and 7 days before a library document expires, the organization's
 * active admins hear about it (in-app and by email, through the outbox). Daily; each reminder
 * is claimed by a conditional UPDATE of `reminded_days` before it is sent, so a schedule that
 * runs twice (or two workers at once) sends it once. A replaced file starts over.
 */
@Injectable()
export class DocumentReminders implements OnModuleInit {
  constructor(
    private readonly db: TenantDb,
    private readonly context: RequestContext,
    private readonly scheduler: JobScheduler,
    private readonly agencies: AgencyDirectory,
    private readonly organizations: OrganizationDirectory,
    private readonly memberships: OrganizationMemberships,
    private readonly notifications: NotificationService,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.scheduler.registerSchedule(DOCUMENT_EXPIRY_SCHEDULE, DAY_MS, (run) =>
      run.forEachAgency(async () => {
        await this.sendDue();
      }),
    );
  }

  /** Sends the reminders due today in the current agency; returns the documents reminded. */
  async sendDue(): Promise<string[]> {
    const config = this.agencies.configOf(this.db.agencyId);
    const today = todayIn(this.clock.now(), config.timeZone);
    const horizon = Math.max(...REMINDER_DAYS);
    const due: Array<{
      id: string;
      organization_id: string;
      title: string;
      expires_on: string;
      reminded_days: number | null;
    }> = await this.db.manager.query(
      `SELECT id, organization_id, title, to_char(expires_on, 'YYYY-MM-DD') AS expires_on,
              reminded_days
         FROM organization_documents
        WHERE agency_id = $1 AND removed_at IS NULL
          AND expires_on BETWEEN $2::date AND $2::date + $3::int
        ORDER BY expires_on, id`,
      [this.db.agencyId, today, horizon],
    );
    const reminded: string[] = [];
    for (const document of due) {
      const daysLeft = daysUntil(document.expires_on, today);
      const threshold = dueReminder(daysLeft, document.reminded_days);
      if (threshold === undefined) continue;
      // The claim: only one run moves reminded_days to this threshold.
      const claimed: unknown[] = await this.db.manager.query(
        `UPDATE organization_documents SET reminded_days = $3
          WHERE agency_id = $1 AND id = $2 AND removed_at IS NULL
            AND (reminded_days IS NULL OR reminded_days > $3)
        RETURNING id`,
        [this.db.agencyId, document.id, threshold],
      );
      if (claimed.length === 0) continue;
      const admins = (await this.memberships.members(document.organization_id))
        .filter((m) => m.status === 'active' && m.roles.includes('org_admin'))
        .map((m) => m.userId);
      if (admins.length === 0) continue;
      const names = await this.organizations.names([document.organization_id]);
      await this.notifications.notify({
        agencyId: this.db.agencyId,
        template: 'document.expiring',
        data: {
          organizationName: names.get(document.organization_id) ?? '',
          documentTitle: document.title,
          expiresOn: document.expires_on,
          daysLeft,
        },
        userIds: admins,
        link: `/${this.context.requireTenant().agencyCode}/organizations/${document.organization_id}/documents`,
        dedupeKey: `document.expiring:${document.id}:${document.expires_on}:${threshold}`,
      });
      reminded.push(document.id);
    }
    return reminded;
  }
}
