import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { ClsService } from 'nestjs-cls';
import type { PoolClient, QueryResultRow } from 'pg';
import { AccessPolicy, AuthorizationRequest } from '../../core/access/access.ports';
import { AuditLog } from '../../core/audit/audit-log';
import { Access, Actor, GrantCommonsStore, Tenant } from '../../core/context/request-context';
import {
  ForbiddenError,
  NotFoundError,
  UnauthenticatedError,
} from '../../core/errors/domain-error';
import { setTenantInTransaction } from '../../core/context/tenant-session';
import { isUuid } from '../../core/ids';
import {
  SecondFactorRequiredError,
  SessionEndedError,
  StepUpRequiredError,
} from '../identity.errors';
import {
  hasSecondFactor,
  holdsProtectedRole,
  MfaPolicy,
  secondFactorIsRecent,
} from '../mfa/mfa-policy';
import { CallerGrants, decideAccess, toAccess } from './access-decision';
import { sql, sqlInline, sqlRows, SqlStatement } from '../../core/database/sql-statement';

/**
 * The request transaction's first statement, with literal ids so that the pool client sends it
 * together with BEGIN (one round trip; see prepared-statements.ts). In an agency it sets the
 * tenant (transaction-local) and returns the live session's user with their active roles there;
 * outside agencies it checks the session and, only for a live one, sets app.user_id so the user
 * may read their own membership rows in every agency (GET /me). Both are SECURITY INVOKER
 * functions (migration RequestAccess): RLS applies to them as to any query. No row: the session
 * is revoked, expired or not the user's. Every id is checked to be a UUID before it reaches the
 * SQL text: the agency's comes from the directory, the others from the verified token.
 */
// Sent with their ids written in (sqlInline), see `first` below.
const ACCESS_IN_AGENCY = sql<CallerGrants>(
  'identity.access-in-agency',
  `SELECT * FROM request_access_in_agency($1, $2, $3)`,
);
const ACCESS_OUTSIDE_AGENCY = sql<{ platformAdmin: boolean }>(
  'identity.access-outside-agency',
  `SELECT * FROM request_access_outside_agency($1, $2)`,
);
const ORGANIZATION_EXISTS = sql<{ found: 1 }>(
  'identity.access-organization-exists',
  'SELECT 1 AS found FROM organizations WHERE agency_id = $1 AND id = $2',
);

/**
 * ACCESS_POLICY: called by the tenant interceptor as the request transaction's first statement;
 * it sets the tenant on every path that does not throw. Non-members get the same 404 as an unknown agency; members without the
 * permission get 403; both are audited in a transaction of their own (this one rolls back).
 */
@Injectable()
export class MembershipAccessPolicy implements AccessPolicy {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly cls: ClsService<GrantCommonsStore>,
    private readonly audit: AuditLog,
    private readonly mfa: MfaPolicy,
  ) {}

  async authorize({
    actor,
    tenant,
    permission,
    params,
    stepUp,
  }: AuthorizationRequest): Promise<Access | undefined> {
    if (!actor?.userId || !actor.sessionId) {
      if (permission === undefined) {
        // Anonymous on a public route: no grants to read, but the tenant still has to be set.
        if (tenant) await setTenantInTransaction(this.txHost.tx, tenant.agencyId);
        return undefined;
      }
      // The authentication guard answers 401 first; this is the fail-closed backstop.
      if (tenant) throw new NotFoundError('agency', 'agency.not_found');
      throw new UnauthenticatedError();
    }
    const grants = await this.loadGrants(actor, tenant);
    if (!grants) {
      // A revoked or ended session: on a public route the caller is simply anonymous.
      if (permission === undefined) {
        this.cls.set('actor', undefined);
        return undefined;
      }
      throw new SessionEndedError();
    }
    actor.platformAdmin = grants.platformAdmin; // the flag as of now, not as of token issue
    const decision = decideAccess({
      grants,
      inAgency: tenant !== undefined,
      permission,
      organizationId: params.organizationId,
    });
    if (decision === 'allow') {
      if (tenant && permission !== undefined)
        this.assertSecondFactor(actor, tenant, grants, stepUp);
      // The organization comes from the path: an id that cannot exist is not found here, before
      // a handler puts it in SQL (where it would be a database error).
      if (params.organizationId !== undefined && tenant)
        await this.assertOrganizationExists(params.organizationId, tenant, grants);
      return toAccess(grants);
    }

    await this.audit.recordIndependently({
      action: decision === 'not_found' ? 'auth.not_member' : 'auth.forbidden',
      entityType: 'permission',
      entityId: permission ?? 'public',
      agencyId: tenant?.agencyId,
      actorUserId: actor.userId,
      after: { permission, organizationId: params.organizationId },
    });
    if (decision === 'not_found') throw new NotFoundError('agency', 'agency.not_found');
    throw new ForbiddenError(permission ?? 'public');
  }

  /**
   * A person in a role the agency protects acts only from a session that checked a second
   * factor (sign-in sends them to enrolment; this also covers a role granted mid-session), and
   * money actions need that check to be recent (step-up).
   */
  private assertSecondFactor(
    actor: Actor,
    tenant: Tenant,
    grants: CallerGrants,
    stepUp: boolean | undefined,
  ): void {
    if (
      !hasSecondFactor(actor) &&
      holdsProtectedRole(grants.agencyRoles, this.mfa.requiredRoles(tenant.agencyId))
    ) {
      throw new SecondFactorRequiredError();
    }
    if (!stepUp) return;
    const maxAge = this.mfa.stepUpMaxAgeSeconds(tenant.agencyId);
    if (!secondFactorIsRecent(actor, maxAge, Date.now())) throw new StepUpRequiredError(maxAge);
  }

  /**
   * Every route under `/organizations/:organizationId` answers an organization that is not in
   * this agency (unknown, or another agency's) with the same 404, lists as much as items: a list
   * must not answer an empty 200 where the item route says not found. A caller with roles in the
   * organization has already shown it exists here; staff cost one indexed read.
   */
  private async assertOrganizationExists(
    organizationId: string,
    tenant: Tenant,
    grants: CallerGrants,
  ): Promise<void> {
    // An id that cannot exist is not found here, before a handler puts it in SQL.
    if (!isUuid(organizationId)) throw new NotFoundError('organization', 'organization.not_found');
    if ((grants.organizationRoles[organizationId.toLowerCase()] ?? []).length > 0) return;
    const found = await sqlRows(this.txHost.tx, ORGANIZATION_EXISTS, [
      tenant.agencyId,
      organizationId,
    ]);
    if (found.length === 0) throw new NotFoundError('organization', 'organization.not_found');
  }

  private async loadGrants(actor: Actor, tenant?: Tenant): Promise<CallerGrants | undefined> {
    const sessionId = actor.sessionId ?? '';
    const userId = actor.userId ?? '';
    if (!isUuid(sessionId) || !isUuid(userId)) {
      // Not ids this service issued: no live session (fail closed), but the tenant is set.
      if (tenant) await setTenantInTransaction(this.txHost.tx, tenant.agencyId);
      return undefined;
    }
    if (tenant) {
      if (!isUuid(tenant.agencyId)) throw new Error('an agency id must be a UUID');
      const rows = await this.first(ACCESS_IN_AGENCY, [tenant.agencyId, sessionId, userId]);
      return rows[0];
    }
    const rows = await this.first(ACCESS_OUTSIDE_AGENCY, [sessionId, userId]);
    return rows[0]
      ? { platformAdmin: rows[0].platformAdmin, agencyRoles: [], organizationRoles: {} }
      : undefined;
  }

  /**
   * Runs on the transaction's own connection as a plain statement without parameters, so the
   * pool client sends it with the held BEGIN. PL/pgSQL keeps the plans of the membership reads
   * per connection; an EXECUTE of a prepared statement instead was measured and cost more
   * (docs/decisions/0003-access-check-as-plpgsql-function.md).
   */
  private async first<T extends QueryResultRow>(
    statement: SqlStatement<T>,
    uuids: string[],
  ): Promise<T[]> {
    const text = sqlInline(statement, uuids);
    const runner = this.txHost.tx.queryRunner;
    if (!runner) return this.txHost.tx.query<T[]>(text);
    const client = (await runner.connect()) as PoolClient;
    return (await client.query<T>(text)).rows;
  }
}
