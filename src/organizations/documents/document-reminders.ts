import { Injectable, OnModuleInit } from '@nestjs/common';
import { AgencyDirectory } from '../../agencies/agency-directory';
import { Clock } from '../../core/clock/clock';
import { RequestContext } from '../../core/context/request-context';
import { TenantDb } from '../../core/context/tenant-db';
import { computedColumns, entitySql, sql } from '../../core/database/sql-statement';
import { JobScheduler } from '../../core/jobs';
import { OrganizationMemberships } from '../../identity/memberships/organization-memberships.service';
import { NotificationService } from '../../notifications/notification.service';
import { OrganizationDirectory } from '../organization-directory';
import { OrganizationDocument } from '../entities/organization-document.entity';
import { daysUntil, dueReminder, REMINDER_DAYS, todayIn } from './document-kinds';

export const DOCUMENT_EXPIRY_SCHEDULE = 'organizations.document-expiry-reminders';
const DAY_MS = 86_400_000;

// expires_on is never null here (the BETWEEN), so it is typed as the set date it is.
const EXPIRING = entitySql(
  'organizations.documents-expiring',
  OrganizationDocument,
  'd',
  `SELECT {columns}, d.expires_on::text AS "expiresOn"
     FROM organization_documents d
    WHERE d.agency_id = $1 AND d.removed_at IS NULL
      AND d.expires_on BETWEEN $2::date AND $2::date + $3::int
    ORDER BY d.expires_on, d.id`,
  {
    pick: ['id', 'organizationId', 'title', 'remindedDays'],
    computed: computedColumns<{ expiresOn: NonNullable<OrganizationDocument['expiresOn']> }>(),
  },
);
// The claim: only one run moves reminded_days to this threshold.
const CLAIM_REMINDER = sql<Pick<OrganizationDocument, 'id'>>(
  'organizations.document-claim-reminder',
  `UPDATE organization_documents SET reminded_days = $3
    WHERE agency_id = $1 AND id = $2 AND removed_at IS NULL
      AND (reminded_days IS NULL OR reminded_days > $3)
  RETURNING id`,
);

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
    const due = await this.db.rows(EXPIRING, [this.db.agencyId, today, horizon]);
    const reminded: string[] = [];
    for (const document of due) {
      const daysLeft = daysUntil(document.expiresOn, today);
      const threshold = dueReminder(daysLeft, document.remindedDays);
      if (threshold === undefined) continue;
      // TenantDb.run counts the rows the UPDATE changed (the driver answers [rows, count]).
      const { count } = await this.db.run(CLAIM_REMINDER, [
        this.db.agencyId,
        document.id,
        threshold,
      ]);
      if (count === 0) continue;
      const admins = (await this.memberships.members(document.organizationId))
        .filter((m) => m.status === 'active' && m.roles.includes('org_admin'))
        .map((m) => m.userId);
      if (admins.length === 0) continue;
      const names = await this.organizations.names([document.organizationId]);
      await this.notifications.notify({
        agencyId: this.db.agencyId,
        template: 'document.expiring',
        data: {
          organizationName: names.get(document.organizationId) ?? '',
          documentTitle: document.title,
          expiresOn: document.expiresOn,
          daysLeft,
        },
        userIds: admins,
        link: `/${this.context.requireTenant().agencyCode}/organizations/${document.organizationId}/documents`,
        dedupeKey: `document.expiring:${document.id}:${document.expiresOn}:${threshold}`,
      });
      reminded.push(document.id);
    }
    return reminded;
  }
}
