import {
  CallHandler,
  ExecutionContext,
  Inject,
  Injectable,
  NestInterceptor,
  Optional,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import type { FastifyRequest } from 'fastify';
import { from, lastValueFrom, Observable } from 'rxjs';
import {
  PUBLIC_ROUTE,
  REQUIRED_PERMISSION,
  WITHOUT_TRANSACTION,
} from '../access/access.decorators';
import {
  ACCESS_POLICY,
  AccessPolicy,
  TENANT_DIRECTORY,
  TenantDirectory,
} from '../access/access.ports';
import { NotFoundError } from '../errors/domain-error';
import { RequestContext } from './request-context';
import { setTenantInTransaction } from './tenant-session';

/**
 * One transaction per request. On agency routes its first statement is
 * set_config('app.agency_id', ..., true) (transaction-local, so it cannot leak through the pool),
 * then the access policy checks membership and permission, then the handler runs.
 */
@Injectable()
export class TenantTransactionInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly context: RequestContext,
    @Optional() @Inject(TENANT_DIRECTORY) private readonly directory?: TenantDirectory,
    @Optional() @Inject(ACCESS_POLICY) private readonly policy?: AccessPolicy,
  ) {}

  intercept(execution: ExecutionContext, next: CallHandler): Observable<unknown> {
    const targets = [execution.getHandler(), execution.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(WITHOUT_TRANSACTION, targets))
      return next.handle();
    const isPublic = this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets) === true;
    const permission = this.reflector.getAllAndOverride<string>(REQUIRED_PERMISSION, targets);
    const request = execution.switchToHttp().getRequest<FastifyRequest>();
    const params = (request.params ?? {}) as Record<string, string>;

    return from(
      this.txHost.withTransaction(async () => {
        const agencyCode = params.agencyCode;
        if (agencyCode !== undefined) {
          const tenant = this.directory?.findByCode(agencyCode);
          if (!tenant) throw new NotFoundError('agency', 'agency.not_found');
          await setTenantInTransaction(this.txHost.tx, tenant.agencyId);
          this.context.setTenant(tenant);
        }
        if (this.policy && (permission || this.context.tenant)) {
          const access = await this.policy.authorize({
            actor: this.context.actor,
            tenant: this.context.tenant,
            permission: isPublic ? undefined : permission,
            params,
          });
          if (access) this.context.setAccess(access);
        }
        return lastValueFrom<unknown, undefined>(next.handle(), { defaultValue: undefined });
      }),
    );
  }
}
