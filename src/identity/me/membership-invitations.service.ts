import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { AgencyDirectory } from '../../agencies/agency-directory';
import { AuditLog } from '../../core/audit/audit-log';
import { RequestContext } from '../../core/context/request-context';
import { setTenantInTransaction } from '../../core/context/tenant-session';
import { isUuid } from '../../core/ids';
import { MembershipInvitationNotFoundError } from '../identity.errors';
import { RoleGrants } from '../staff/role-grants.service';
import { sql, sqlRows } from '../../core/database/sql-statement';
import { ORGANIZATION_NAMES } from '../../organizations/organization-directory';
import { AgencyMembership } from '../entities/agency-membership.entity';
import { OrganizationMembership } from '../entities/organization-membership.entity';

/** The web app's page listing a user's invitations (the in-app and email notices link there). */
export const MY_INVITATIONS_PATH = '/me/invitations';

export interface MembershipInvitationView {
  kind: 'agency' | 'organization';
  agencyCode: string;
  agencyName: string;
  organizationId: string | null;
  organizationName: string | null;
  roles: string[];
  invitedAt: string;
}

export interface MembershipAnswerView {
  kind: 'agency' | 'organization';
  agencyCode: string;
  organizationId: string | null;
  roles: string[];
  status: 'active' | 'deactivated';
}

/** The user's pending memberships in every agency (names come from the agency directory). */
const PENDING = sql<{
  kind: 'agency' | 'organization';
  agencyId: AgencyMembership['agencyId'];
  organizationId: OrganizationMembership['organizationId'] | null;
  roles: AgencyMembership['roles'];
  invitedAt: AgencyMembership['updatedAt'];
}>(
  'identity.memberships-pending-of-user',
  `SELECT 'agency' AS kind, am.agency_id AS "agencyId", NULL::uuid AS "organizationId",
          am.roles, am.updated_at AS "invitedAt"
     FROM agency_memberships am
    WHERE am.user_id = $1 AND am.status = 'pending'
   UNION ALL
   SELECT 'organization', om.agency_id, om.organization_id, om.roles, om.updated_at
     FROM organization_memberships om
    WHERE om.user_id = $1 AND om.status = 'pending'`,
);

const ANSWER_ORGANIZATION = sql<Pick<OrganizationMembership, 'roles'>>(
  'identity.organization-membership-answer',
  `UPDATE organization_memberships SET status = $4, updated_at = now()
    WHERE agency_id = $1 AND organization_id = $2 AND user_id = $3 AND status = 'pending'
    RETURNING roles`,
);

const ANSWER_AGENCY = sql<Pick<AgencyMembership, 'roles'>>(
  'identity.agency-membership-answer',
  `UPDATE agency_memberships SET status = $3, updated_at = now()
    WHERE agency_id = $1 AND user_id = $2 AND status = 'pending'
    RETURNING roles`,
);

interface Target {
  agencyCode: string;
  organizationId?: string;
}

/**
 * Consent before membership: whoever adds a person to an agency's staff or an organization
 * makes a pending membership, which grants nothing (the access check reads active rows) until
 * the person accepts it here; declining leaves it deactivated.
 *
 * These routes run outside any agency (the person is not a member yet). Listing reads the
 * user's own rows in every agency through the own-rows policy (app.user_id). Answering enters
 * the named agency's tenant for this transaction, so the write and its audit event happen there
 * under that agency's row-level security like any other membership change.
 */
@Injectable()
export class MembershipInvitations {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly context: RequestContext,
    private readonly directory: AgencyDirectory,
    private readonly audit: AuditLog,
    private readonly grants: RoleGrants,
  ) {}

  async list(): Promise<{ items: MembershipInvitationView[] }> {
    const { userId } = this.context.requireUser();
    const pending = await sqlRows(this.txHost.tx, PENDING, [userId]);
    // Agency codes and names come from the agency directory, so the list is ordered here.
    const rows = pending
      .flatMap((row) => {
        const agency = this.directory.describe(row.agencyId);
        return agency ? [{ ...row, agency, at: row.invitedAt }] : [];
      })
      .sort(
        (a, b) =>
          a.at.getTime() - b.at.getTime() ||
          (a.agency.code < b.agency.code ? -1 : a.agency.code > b.agency.code ? 1 : 0),
      );
    const names = await this.organizationNames(rows);
    return {
      items: rows.map(({ kind, agency, organizationId, roles, at }) => ({
        kind,
        agencyCode: agency.code,
        agencyName: agency.name,
        organizationId,
        organizationName: organizationId ? (names.get(organizationId) ?? null) : null,
        roles,
        invitedAt: at.toISOString(),
      })),
    };
  }

  accept(target: Target): Promise<MembershipAnswerView> {
    return this.answer(target, 'active');
  }

  decline(target: Target): Promise<MembershipAnswerView> {
    return this.answer(target, 'deactivated');
  }

  private async answer(
    target: Target,
    status: 'active' | 'deactivated',
  ): Promise<MembershipAnswerView> {
    const { userId } = this.context.requireUser();
    const tenant = this.directory.findByCode(target.agencyCode);
    if (!tenant) throw new MembershipInvitationNotFoundError();
    if (target.organizationId !== undefined && !isUuid(target.organizationId)) {
      throw new MembershipInvitationNotFoundError();
    }
    this.context.setTenant(tenant);
    await setTenantInTransaction(this.txHost.tx, tenant.agencyId);
    const organizationId = target.organizationId ?? null;
    const updated = organizationId
      ? await sqlRows(this.txHost.tx, ANSWER_ORGANIZATION, [
          tenant.agencyId,
          organizationId,
          userId,
          status,
        ])
      : await sqlRows(this.txHost.tx, ANSWER_AGENCY, [tenant.agencyId, userId, status]);
    if (updated.length === 0) throw new MembershipInvitationNotFoundError();
    const kind = organizationId ? 'organization' : 'agency';
    if (kind === 'agency' && status === 'deactivated') await this.grants.cancel(userId);
    const verb = status === 'active' ? 'invitation_accepted' : 'invitation_declined';
    await this.audit.record({
      action: kind === 'agency' ? `staff.${verb}` : `organization_member.${verb}`,
      entityType: kind === 'agency' ? 'agency_membership' : 'organization_membership',
      entityId: organizationId ? `${organizationId}/${userId}` : userId,
      before: { status: 'pending' },
      after: { status, roles: updated[0].roles },
    });
    return {
      kind,
      agencyCode: tenant.agencyCode,
      organizationId,
      roles: updated[0].roles,
      status,
    };
  }

  /**
   * Organization names live in tenant rows: read per agency, entering each agency's tenant in
   * turn (this transaction only serves this read-only listing).
   */
  private async organizationNames(
    rows: Array<{ agencyId: string; organizationId: string | null }>,
  ): Promise<Map<string, string>> {
    const names = new Map<string, string>();
    const byAgency = new Map<string, string[]>();
    for (const row of rows) {
      if (!row.organizationId) continue;
      byAgency.set(row.agencyId, [...(byAgency.get(row.agencyId) ?? []), row.organizationId]);
    }
    for (const [agencyId, ids] of byAgency) {
      await setTenantInTransaction(this.txHost.tx, agencyId);
      const found = await sqlRows(this.txHost.tx, ORGANIZATION_NAMES, [agencyId, ids]);
      for (const row of found) names.set(row.id, row.legalName);
    }
    return names;
  }
}
