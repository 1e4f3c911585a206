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
import { SessionEndedError } from '../identity.errors';
import { CallerGrants, decideAccess, toAccess } from './access-decision';

/**
 * One statement per request: the session is live (not revoked, not expired) and the caller's
 * active roles in the path's agency and its organizations. RLS applies (app.agency_id is set).
 */
const GRANTS_IN_AGENCY = `
  SELECT u.platform_admin AS "platformAdmin",
         COALESCE(am.roles, '{}'::text[]) AS "agencyRoles",
         (SELECT COALESCE(json_object_agg(om.organization_id, om.roles), '{}'::json)
            FROM organization_memberships om
           WHERE om.agency_id = $3 AND om.user_id = s.user_id AND om.status = 'active')
           AS "organizationRoles"
    FROM sessions s
    JOIN users u ON u.id = s.user_id
    LEFT JOIN agency_memberships am
           ON am.agency_id = $3 AND am.user_id = s.user_id AND am.status = 'active'
   WHERE s.id = $1 AND s.user_id = $2 AND s.revoked_at IS NULL AND s.expires_at > now()`;

/**
 * Outside agencies: the session check, and app.user_id set for the rest of the transaction so
 * the user may read their own membership rows in every agency (GET /me). Evaluated only when
 * the session row qualifies.
 */
const GRANTS_OUTSIDE_AGENCY = `
  SELECT u.platform_admin AS "platformAdmin", set_config('app.user_id', u.id::text, true) AS "_"
    FROM sessions s
    JOIN users u ON u.id = s.user_id
   WHERE s.id = $1 AND s.user_id = $2 AND s.revoked_at IS NULL AND s.expires_at > now()`;

/**
 * ACCESS_POLICY: called by the tenant interceptor inside the request transaction, after
 * set_config. Non-members get the same 404 as an unknown agency; members without the
 * permission get 403; both are audited in a transaction of their own (this one rolls back).
 */
@Injectable()
export class MembershipAccessPolicy implements AccessPolicy {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly cls: ClsService<GrantCommonsStore>,
    private readonly audit: AuditLog,
  ) {}

  async authorize({
    actor,
    tenant,
    permission,
    params,
  }: AuthorizationRequest): Promise<Access | undefined> {
    if (!actor?.userId || !actor.sessionId) {
      if (permission === undefined) return undefined; // anonymous on a public route
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
    if (decision === 'allow') return toAccess(grants);

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

  private async loadGrants(actor: Actor, tenant?: Tenant): Promise<CallerGrants | undefined> {
    if (tenant) {
      const rows = await this.prepared<CallerGrants>('gc_access_in_agency', GRANTS_IN_AGENCY, [
        actor.sessionId,
        actor.userId,
        tenant.agencyId,
      ]);
      return rows[0];
    }
    const rows = await this.prepared<{ platformAdmin: boolean }>(
      'gc_access_outside_agency',
      GRANTS_OUTSIDE_AGENCY,
      [actor.sessionId, actor.userId],
    );
    return rows[0]
      ? { platformAdmin: rows[0].platformAdmin, agencyRoles: [], organizationRoles: {} }
      : undefined;
  }

  /**
   * This query runs on every authorized request, so it is a named prepared statement on the
   * transaction's own connection: parsed and planned once per connection instead of per request
   * (measured: planning was most of its cost).
   */
  private async prepared<T extends QueryResultRow>(
    name: string,
    text: string,
    values: unknown[],
  ): Promise<T[]> {
    const runner = this.txHost.tx.queryRunner;
    if (!runner) return this.txHost.tx.query<T[]>(text, values);
    const client = (await runner.connect()) as PoolClient;
    return (await client.query<T>({ name, text, values })).rows;
  }
}
