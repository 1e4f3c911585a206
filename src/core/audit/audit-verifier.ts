import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { EntityManager } from 'typeorm';
import { RequestContext, Tenant } from '../context/request-context';
import { TenantRunner } from '../context/tenant-db';
import { sqlRows } from '../database/sql-statement';
import {
  ChainScope,
  ChainVerification,
  sealChain,
  sealCommitted,
  Sql,
  verifyChain,
} from './audit-chain';

const SYSTEM = { kind: 'system' as const };

export function sqlOfManager(manager: EntityManager): Sql {
  return (statement, params) => sqlRows(manager, statement, params);
}

/** Seals and verifies audit chains: in the current transaction, or in one of their own. */
@Injectable()
export class AuditVerifier {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly context: RequestContext,
    private readonly runner: TenantRunner,
  ) {}

  /** The current agency's chain, inside the current request or job transaction. */
  verifyCurrentAgency(): Promise<ChainVerification> {
    const { agencyId } = this.context.requireTenant();
    return verifyChain(sqlOfManager(this.txHost.tx), { agencyId });
  }

  verifyAgency(tenant: Tenant): Promise<ChainVerification> {
    return this.runner.run(tenant, SYSTEM, () => this.verifyCurrentAgency());
  }

  verifyPlatform(): Promise<ChainVerification> {
    return this.runner.runWithoutTenant(SYSTEM, () =>
      verifyChain(sqlOfManager(this.txHost.tx), 'platform'),
    );
  }

  /** Links everything committed before the call, waiting out older open transactions (bounded). */
  sealCommitted(tenant: Tenant): Promise<number> {
    return this.runner.run(tenant, SYSTEM, () =>
      sealCommitted(sqlOfManager(this.txHost.tx), { agencyId: tenant.agencyId }),
    );
  }

  /** Links what has committed; skips (returns 0) when another process is sealing this log. */
  seal(tenant: Tenant | 'platform'): Promise<number> {
    const scope: ChainScope = tenant === 'platform' ? 'platform' : { agencyId: tenant.agencyId };
    const work = () => sealChain(sqlOfManager(this.txHost.tx), scope, { wait: false });
    return tenant === 'platform'
      ? this.runner.runWithoutTenant(SYSTEM, work)
      : this.runner.run(tenant, SYSTEM, work);
  }
}
