import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { ClsService } from 'nestjs-cls';
import { EntityManager, EntityTarget, ObjectLiteral, Repository } from 'typeorm';
import { SqlStatement, sqlRows, sqlRun } from '../database/sql-statement';
import { DomainError } from '../errors/domain-error';
import { Actor, GrantCommonsStore, RequestContext, Tenant } from './request-context';
import { setTenantInTransaction } from './tenant-session';

export class NoTransactionError extends DomainError {
  constructor() {
    super('internal.no_transaction', 500, 'Data was accessed outside a transaction.');
  }
}

/**
 * The data access services use: the current transaction's EntityManager, available only inside a
 * tenant context. Reaching tenant data without one throws instead of silently seeing nothing.
 */
@Injectable()
export class TenantDb {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly context: RequestContext,
    private readonly cls: ClsService<GrantCommonsStore>,
  ) {}

  /** The request's transaction, or the read pool's inside ReadReplica.lagTolerant. */
  get manager(): EntityManager {
    this.context.requireTenant();
    const replica = this.cls.get('replica');
    if (replica) return replica();
    if (!this.txHost.isTransactionActive()) throw new NoTransactionError();
    return this.txHost.tx;
  }

  get agencyId(): string {
    return this.context.agencyId;
  }

  repo<T extends ObjectLiteral>(entity: EntityTarget<T>): Repository<T> {
    return this.manager.getRepository(entity);
  }

  /** A hand-written statement's rows (src/core/database/sql-statement.ts). */
  rows<Row>(statement: SqlStatement<Row>, parameters: unknown[]): Promise<Row[]> {
    return sqlRows(this.manager, statement, parameters);
  }

  /** A hand-written statement's rows and how many rows it changed (UPDATE, DELETE). */
  run<Row>(
    statement: SqlStatement<Row>,
    parameters: unknown[],
  ): Promise<{ rows: Row[]; count: number }> {
    return sqlRun(this.manager, statement, parameters);
  }
}

/**
 * Runs work outside HTTP (job handlers, scripts, schedules) the same way a request runs: a fresh
 * context, one transaction, the tenant set first.
 */
@Injectable()
export class TenantRunner {
  constructor(
    private readonly cls: ClsService<GrantCommonsStore>,
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
  ) {}

  run<R>(tenant: Tenant, actor: Actor, work: () => Promise<R>, requestId?: string): Promise<R> {
    return this.cls.run(async () => {
      this.cls.set('tenant', tenant);
      this.cls.set('actor', actor);
      this.cls.set('replica', undefined); // its own transaction, on the primary
      if (requestId) this.cls.set('requestId', requestId);
      return this.txHost.withTransaction(async () => {
        await setTenantInTransaction(this.txHost.tx, tenant.agencyId);
        return work();
      });
    });
  }

  /** Platform-level work with no tenant (e.g. syncing agencies): a transaction, no agency. */
  runWithoutTenant<R>(actor: Actor, work: () => Promise<R>): Promise<R> {
    return this.cls.run(async () => {
      this.cls.set('actor', actor);
      this.cls.set('replica', undefined);
      return this.txHost.withTransaction(work);
    });
  }
}
