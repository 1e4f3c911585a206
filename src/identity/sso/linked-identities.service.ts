import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { AgencyDirectory } from '../../agencies/agency-directory';
import { AuditLog } from '../../core/audit/audit-log';
import { RequestContext } from '../../core/context/request-context';
import { setTenantInTransaction } from '../../core/context/tenant-session';
import { entitySql, sql, sqlRows } from '../../core/database/sql-statement';
import { NotFoundError, UnauthenticatedError } from '../../core/errors/domain-error';
import { UserIdentity } from '../entities/user-identity.entity';
import { LastSignInMethodError } from './sso.errors';
import { SsoProviders } from './sso-providers';

/** One provider a person signs in with, as their account page lists it. */
export interface LinkedProvider {
  agencyCode: string;
  agencyName: string;
  providerId: string;
  providerName: string;
  email: string;
  linkedAt: Date;
  lastUsedAt: Date;
}

// The person's own rows in every agency (the own-rows policy; app.user_id is theirs).
const MINE = entitySql(
  'identity.sso-identities-of-user',
  UserIdentity,
  'ui',
  `SELECT {columns} FROM user_identities ui WHERE ui.user_id = $1 ORDER BY ui.created_at`,
  { pick: ['agencyId', 'providerId', 'email', 'createdAt', 'lastUsedAt'] },
);
const HAS_PASSWORD = sql<{ hasPassword: boolean }>(
  'identity.user-has-password',
  `SELECT password_hash IS NOT NULL AS "hasPassword" FROM users WHERE id = $1`,
);
const UNLINK = sql<{ subject: string }>(
  'identity.sso-identity-unlink',
  `DELETE FROM user_identities
    WHERE agency_id = $1 AND provider_id = $2 AND user_id = $3 RETURNING subject`,
);

/**
 * The providers linked to the signed-in person's account, and unlinking one. Unlinking needs a
 * way in to remain: a password or another linked provider.
 */
@Injectable()
export class LinkedIdentities {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly context: RequestContext,
    private readonly agencies: AgencyDirectory,
    private readonly providers: SsoProviders,
    private readonly audit: AuditLog,
  ) {}

  async mine(): Promise<LinkedProvider[]> {
    const rows = await sqlRows(this.txHost.tx, MINE, [this.userId()]);
    return rows.flatMap((row) => {
      const agency = this.agencies.describe(row.agencyId);
      if (!agency) return [];
      return [
        {
          agencyCode: agency.code,
          agencyName: agency.name,
          providerId: row.providerId,
          providerName: this.providers.displayNameOf(row.agencyId, row.providerId),
          email: row.email,
          linkedAt: row.createdAt,
          lastUsedAt: row.lastUsedAt,
        },
      ];
    });
  }

  /** A provider's display name by agency code (for the notice after unlinking). */
  providerName(agencyCode: string, providerId: string): string | undefined {
    const agency = this.agencies.findByCode(agencyCode);
    const config = agency && this.agencies.configOf(agency.agencyId);
    return config?.sso.providers.find((p) => p.id === providerId)?.displayName;
  }

  /** Removes the link, in the request's transaction, written in that agency's context. */
  async unlink(agencyCode: string, providerId: string): Promise<void> {
    const userId = this.userId();
    const linked = await this.mine();
    const target = linked.find((l) => l.agencyCode === agencyCode && l.providerId === providerId);
    const tenant = this.agencies.findByCode(agencyCode);
    if (!target || !tenant) throw new NotFoundError('linked provider', 'auth.sso_link_not_found');
    const [{ hasPassword }] = await sqlRows(this.txHost.tx, HAS_PASSWORD, [userId]);
    if (!hasPassword && linked.length < 2) throw new LastSignInMethodError();
    this.context.setTenant(tenant);
    await setTenantInTransaction(this.txHost.tx, tenant.agencyId);
    const [removed] = await sqlRows(this.txHost.tx, UNLINK, [tenant.agencyId, providerId, userId]);
    if (!removed) throw new NotFoundError('linked provider', 'auth.sso_link_not_found');
    await this.audit.record({
      action: 'auth.sso_unlinked',
      entityType: 'user',
      entityId: userId,
      before: { provider: providerId, subject: removed.subject, email: target.email },
    });
  }

  private userId(): string {
    const userId = this.context.actor?.userId;
    if (!userId) throw new UnauthenticatedError();
    return userId;
  }
}
