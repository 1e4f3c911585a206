import { Injectable } from '@nestjs/common';
import { zonedInstant } from '../../notifications/templates/notice-dates';
import { RequestContext } from '../../core/context/request-context';
import { TenantDb } from '../../core/context/tenant-db';
import { AgencyStaffDirectory } from '../../identity/memberships/agency-staff-directory';
import { OrganizationMemberships } from '../../identity/memberships/organization-memberships.service';
import { NotificationService, NotifyInput } from '../../notifications/notification.service';
import { TemplateName } from '../../notifications/templates/notification-templates';
import {
  OrganizationDirectory,
  OrganizationSummary,
} from '../../organizations/organization-directory';
import { ProgramTerms } from '../../programs/program-catalog';
import { Application } from '../entities/application.entity';

/** A short reference people can quote: program code and the start of the id. */
export const applicationRef = (
  terms: Pick<ProgramTerms, 'code'>,
  application: Pick<Application, 'id'>,
) => `${terms.code}-${application.id.slice(0, 8).toUpperCase()}`;

/**
 * The applications module's notices to people, all through NotificationService inside the
 * business transaction (in-app rows and email outbox jobs commit with the change or not at all).
 */
@Injectable()
export class ApplicationNotices {
  constructor(
    private readonly db: TenantDb,
    private readonly context: RequestContext,
    private readonly notifications: NotificationService,
    private readonly memberships: OrganizationMemberships,
    private readonly organizations: OrganizationDirectory,
    private readonly staff: AgencyStaffDirectory,
  ) {}

  /** Active members of the organization: everyone who works on its applications. */
  async organizationMembers(organizationId: string): Promise<string[]> {
    return (await this.memberships.members(organizationId))
      .filter((m) => m.status === 'active')
      .map((m) => m.userId);
  }

  /** The application's page in the agency's portal (the notice's "open it" link). */
  private link(application: Application): string {
    const agency = this.context.requireTenant().agencyCode;
    return `/${agency}/organizations/${application.organizationId}/applications/${application.id}`;
  }

  /**
   * The applicant's team and every active program officer of the agency hear about a
   * submission (not only the program's creator, who may have left or be away).
   */
  async submitted(
    application: Application,
    terms: ProgramTerms,
    submissionNumber: number,
    organization?: OrganizationSummary,
  ): Promise<void> {
    const org = organization ?? (await this.organizations.get(application.organizationId));
    const data = {
      programTitle: terms.title,
      applicationRef: applicationRef(terms, application),
      organizationName: org.legalName,
      submittedAt: zonedInstant(application.submittedAt!, terms.timeZone),
    };
    const notices: Array<NotifyInput<TemplateName>> = [];
    const members = await this.organizationMembers(application.organizationId);
    if (members.length > 0) {
      notices.push({
        agencyId: this.db.agencyId,
        template: 'application.submitted.applicant',
        data,
        userIds: members,
        link: this.link(application),
        dedupeKey: `application.submitted:${application.id}:${submissionNumber}`,
      });
    }
    const officers = (await this.staff.activeWithRole('program_officer')).map((s) => s.userId);
    if (officers.length > 0) {
      notices.push({
        agencyId: this.db.agencyId,
        template: 'application.submitted.officer',
        data,
        userIds: officers,
        link: `/agencies/${this.context.requireTenant().agencyCode}/programs/${terms.id}/applications/${application.id}`,
        dedupeKey: `application.submitted.officer:${application.id}:${submissionNumber}`,
      });
    }
    if (notices.length > 0) await this.notifications.notifyAll(notices);
  }

  async returned(application: Application, terms: ProgramTerms): Promise<void> {
    const members = await this.organizationMembers(application.organizationId);
    if (members.length === 0) return;
    await this.notifications.notify({
      agencyId: this.db.agencyId,
      template: 'application.returned',
      data: {
        programTitle: terms.title,
        applicationRef: applicationRef(terms, application),
        reason: application.returnComment ?? '',
        ...(application.revisionDueAt
          ? { resubmitBy: zonedInstant(application.revisionDueAt, terms.timeZone) }
          : {}),
      },
      userIds: members,
      link: this.link(application),
      dedupeKey: `application.returned:${application.id}:${application.version}`,
    });
  }
}
