import { Injectable, OnModuleInit } from '@nestjs/common';
import { AgencyDirectory } from '../../agencies/agency-directory';
import { Clock } from '../../core/clock/clock';
import { zonedInstant } from '../../notifications/templates/notice-dates';
import { RequestContext } from '../../core/context/request-context';
import { TenantDb } from '../../core/context/tenant-db';
import { JobScheduler } from '../../core/jobs';
import { NotificationService } from '../../notifications/notification.service';
import { ProgramCatalog } from '../../programs/program-catalog';
import { ApplicationNotices } from './application-notices';
import { entitySql } from '../../core/database/sql-statement';
import { Application } from '../entities/application.entity';

/** Organizations with a draft or returned application to the program. */
const UNSUBMITTED_ORGANIZATIONS = entitySql(
  'applications.organizations-not-submitted',
  Application,
  'a',
  `SELECT DISTINCT {columns} FROM applications a
    WHERE a.agency_id = $1 AND a.program_id = $2 AND a.status IN ('draft', 'returned')`,
  { pick: ['organizationId'] },
);

export const DEADLINE_REMINDERS_SCHEDULE = 'applications.deadline-reminders';
const DAY = 86_400_000;

/**
 * Deadline reminders: the agency's `deadlineReminderDays` (e.g. [7, 1]) before a program
 * closes, the members of every organization with an unsubmitted application hear about it.
 * The schedule runs hourly; each (program, threshold) is sent once per person (dedupe key), and
 * only the nearest threshold applies, so a program published 3 days before closing does not
 * get a "7 days left" notice.
 */
@Injectable()
export class ApplicationReminders implements OnModuleInit {
  constructor(
    private readonly db: TenantDb,
    private readonly context: RequestContext,
    private readonly scheduler: JobScheduler,
    private readonly catalog: ProgramCatalog,
    private readonly agencies: AgencyDirectory,
    private readonly notices: ApplicationNotices,
    private readonly notifications: NotificationService,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.scheduler.registerSchedule(DEADLINE_REMINDERS_SCHEDULE, 3_600_000, (run) =>
      run.forEachAgency(async () => {
        await this.sendDue();
      }),
    );
  }

  /** Sends the reminders due now in the current agency; returns how many programs were reminded. */
  async sendDue(): Promise<number> {
    const days = [
      ...this.agencies.configOf(this.db.agencyId).applications.deadlineReminderDays,
    ].sort((a, b) => a - b);
    if (days.length === 0) return 0;
    const now = this.clock.now();
    let sent = 0;
    for (const terms of await this.catalog.closingWithin(now, days[days.length - 1] * DAY)) {
      const left = (terms.closesAt!.getTime() - now.getTime()) / DAY;
      const threshold = days.find((d) => left <= d);
      if (threshold === undefined) continue;
      const organizations = await this.db.rows(UNSUBMITTED_ORGANIZATIONS, [
        this.db.agencyId,
        terms.id,
      ]);
      const userIds = (
        await Promise.all(
          organizations.map((o) => this.notices.organizationMembers(o.organizationId)),
        )
      ).flat();
      if (userIds.length === 0) continue;
      await this.notifications.notify({
        agencyId: this.db.agencyId,
        template: 'deadline.reminder',
        data: {
          programTitle: terms.title,
          closesAt: zonedInstant(terms.closesAt!, terms.timeZone),
          daysLeft: Math.ceil(left),
        },
        userIds,
        link: `/${this.context.requireTenant().agencyCode}/programs/${terms.id}`,
        dedupeKey: `deadline.reminder:${terms.id}:${threshold}`,
      });
      sent += 1;
    }
    return sent;
  }
}
