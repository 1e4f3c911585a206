import { CallHandler, ExecutionContext, Inject, Injectable, Optional } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import type { FastifyRequest } from 'fastify';
import { from, lastValueFrom, Observable } from 'rxjs';
import { routeAccess } from '../access/access.decorators';
import {
  ACCESS_POLICY,
  AccessPolicy,
  TENANT_DIRECTORY,
  TenantDirectory,
} from '../access/access.ports';
import { NotFoundError } from '../errors/domain-error';
import { RequestContext, Tenant } from './request-context';
import { setTenantInTransaction } from './tenant-session';
import type { AroundInterceptor } from '../http/promise-interceptors';

/**
 * One transaction per request. On agency routes its first statement sets app.agency_id
 * (transaction-local, so it cannot leak through the pool): the access policy's, which in the same
 * statement loads the caller's grants, or a plain set_config where no policy runs. Then the
 * policy's decision, then the handler.
 */
@Injectable()
export class TenantTransactionInterceptor implements AroundInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly context: RequestContext,
    @Optional() @Inject(TENANT_DIRECTORY) private readonly directory?: TenantDirectory,
    @Optional() @Inject(ACCESS_POLICY) private readonly policy?: AccessPolicy,
  ) {}

  intercept(execution: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (routeAccess(this.reflector, execution).withoutTransaction) return next.handle();
    return from(
      this.around(execution, () =>
        lastValueFrom<unknown, undefined>(next.handle(), { defaultValue: undefined }),
      ),
    );
  }

  /** The same as a promise (see promise-interceptors.ts): `handle` runs the route handler. */
  around(execution: ExecutionContext, handle: () => Promise<unknown>): Promise<unknown> {
    const { isPublic, permission, withoutTransaction } = routeAccess(this.reflector, execution);
    if (withoutTransaction) return handle();
    const request = execution.switchToHttp().getRequest<FastifyRequest>();
    const params = (request.params ?? {}) as Record<string, string>;

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
        });
        if (access) this.context.setAccess(access);
      } else if (tenant) {
        await setTenantInTransaction(this.txHost.tx, tenant.agencyId);
      }
      return handle();
    });
  }
}
