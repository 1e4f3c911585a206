import { Inject, Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { TENANT_DIRECTORY, TenantDirectory } from '../../core/access/access.ports';
import { RequestContext } from '../../core/context/request-context';
import { setTenantInTransaction } from '../../core/context/tenant-session';
import { NotFoundError } from '../../core/errors/domain-error';

/**
 * A transaction in one agency's context, for account pages that are not under an agency's path
 * (a sign-up or reset from the deployment's front door): their emails are outbox jobs, and every
 * job runs in an agency, whose sender and branding the email then carries. The caller draws the
 * boundary after any password hashing, so no pooled connection waits on argon2.
 */
@Injectable()
export class AgencyTransactions {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly context: RequestContext,
    @Inject(TENANT_DIRECTORY) private readonly directory: TenantDirectory,
  ) {}

  run<R>(agencyCode: string, work: () => Promise<R>): Promise<R> {
    const tenant = this.directory.findByCode(agencyCode);
    if (!tenant) throw new NotFoundError('agency', 'agency.not_found');
    return this.txHost.withTransaction(async () => {
      this.context.setTenant(tenant);
      await setTenantInTransaction(this.txHost.tx, tenant.agencyId);
      return work();
    });
  }
}
