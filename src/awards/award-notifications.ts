import { Injectable } from '@nestjs/common';
import { TenantDb } from '../core/context/tenant-db';
import { OrganizationMemberships } from '../identity/memberships/organization-memberships.service';
import { NotificationService } from '../notifications/notification.service';
import { TemplateData, TemplateName } from '../notifications/templates/notification-templates';
import { Award } from './entities/award.entity';

/** Organization roles told about their awards. */
const AWARD_CONTACT_ROLES = ['authorized_representative', 'org_admin'];

/**
 * Who hears about awards, budgets and closeout, always through the outbox in the caller's
 * transaction (nothing is sent for a change that rolled back).
 */
@Injectable()
export class AwardNotifications {
  constructor(
    private readonly db: TenantDb,
    private readonly notifications: NotificationService,
    private readonly memberships: OrganizationMemberships,
  ) {}

  /** The organization's representatives and admins (active members). */
  async organizationContacts(organizationId: string): Promise<string[]> {
    const members = await this.memberships.members(organizationId);
    return members
      .filter((m) => m.status === 'active' && m.roles.some((r) => AWARD_CONTACT_ROLES.includes(r)))
      .map((m) => m.userId);
  }

  async send<T extends TemplateName>(
    template: T,
    data: TemplateData[T],
    userIds: Array<string | null | undefined>,
    link?: string,
  ): Promise<void> {
    const recipients = [...new Set(userIds.filter((u): u is string => !!u))];
    if (recipients.length === 0) return;
    await this.notifications.notify({
      agencyId: this.db.agencyId,
      template,
      data,
      userIds: recipients,
      link,
    });
  }

  async toOrganization<T extends TemplateName>(
    award: Award,
    template: T,
    data: TemplateData[T],
    extra: Array<string | null | undefined> = [],
  ): Promise<void> {
    const contacts = await this.organizationContacts(award.organizationId);
    await this.send(template, data, [...contacts, ...extra], awardLink(award));
  }
}

export const awardLink = (award: Award) =>
  `/organizations/${award.organizationId}/awards/${award.id}`;
