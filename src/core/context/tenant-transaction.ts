import { Inject, Injectable, Optional } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import type { RouteAccess } from '../access/access.decorators';
import {
  ACCESS_POLICY,
  AccessPolicy,
  TENANT_DIRECTORY,
  TenantDirectory,
} from '../access/access.ports';
import { NotFoundError } from '../errors/domain-error';
import { RequestContext, Tenant } from './request-context';
import { setTenantInTransaction } from './tenant-session';
import { UsageMeter } from '../usage/usage-meter';

/**
 * One transaction per request (run by the request pipeline around each route handler). On agency
 * routes its first statement sets app.agency_id (transaction-local, so it cannot leak through the
 * pool): the access policy's, which in the same statement loads the caller's grants, or a plain
 * set_config where no policy runs. Then the policy's decision, then `handle`.
 */
@Injectable()
export class TenantTransaction {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly context: RequestContext,
    @Optional() @Inject(TENANT_DIRECTORY) private readonly directory?: TenantDirectory,
    @Optional() @Inject(ACCESS_POLICY) private readonly policy?: AccessPolicy,
    @Optional() private readonly usage?: UsageMeter,
  ) {}

  run<T>(route: RouteAccess, params: Record<string, string>, handle: () => Promise<T>): Promise<T> {
    const { isPublic, permission, stepUp } = route;
    return this.txHost.withTransaction(async () => {
      const agencyCode = params.agencyCode;
      let tenant: Tenant | undefined;
      if (agencyCode !== undefined) {
        tenant = this.directory?.findByCode(agencyCode);
        if (!tenant) throw new NotFoundError('agency', 'agency.not_found');
        this.context.setTenant(tenant);
      }
      if (this.policy && (permission || tenant)) {
        // The policy sets the tenant itself, in the statement that reads the grants.
        const access = await this.policy.authorize({
          actor: this.context.actor,
          tenant,
          permission: isPublic ? undefined : permission,
          params,
          stepUp,
        });
        if (access) this.context.setAccess(access);
      } else if (tenant) {
        await setTenantInTransaction(this.txHost.tx, tenant.agencyId);
      }
      // Usage metering: an authorized request in the agency (an outsider's 404 is not counted,
      // so nobody can run up another agency's bill). In memory; flushed every few seconds.
      if (tenant) this.usage?.countRequest(tenant, this.context.actor?.userId);
      return handle();
    });
  }
}
