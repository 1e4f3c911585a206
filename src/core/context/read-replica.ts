import { Inject, Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { ClsService } from 'nestjs-cls';
import { DataSource, EntityManager } from 'typeorm';
import { READ_DATA_SOURCE } from '../database/database.module';
import { sql, sqlInline, sqlText } from '../database/sql-statement';
import { GrantCommonsStore } from './request-context';

/**
 * The read transaction's first statement, in one round trip with its BEGIN: the tenant as on the
 * primary (transaction-local, so row-level security holds on the read pool too), and the
 * transaction read-only, so a write that strays in fails (25006) instead of reaching a replica
 * (where it would fail anyway) or, with the read URL pointed at the primary, succeeding unseen.
 */
const READ_ONLY_IN_AGENCY = sql(
  'core.replica-read-in-agency',
  `SELECT set_config('app.agency_id', $1, true), set_config('transaction_read_only', 'on', true)`,
);
/** The same outside an agency (platform reports through SECURITY DEFINER functions). */
const READ_ONLY = sql(
  'core.replica-read',
  `SELECT set_config('transaction_read_only', 'on', true)`,
);

/**
 * Where a service says "this read tolerates replica lag": lists, exports, reports. With
 * DATABASE_READ_URL set, `lagTolerant(work)` runs `work` in a read-only transaction of its own on
 * the read pool, with the current agency set; TenantDb (and the manager passed to `work`) then
 * reads there. Without it, `work` runs in the current transaction on the primary, as before.
 *
 * Not for a read that must see what the caller just wrote (a GET after its POST, idempotency
 * replays, checks before a write, access decisions): a replica may be seconds behind. Access is
 * decided on the primary by the request's own transaction before the handler runs; only the
 * rows shown come from here.
 */
@Injectable()
export class ReadReplica {
  constructor(
    private readonly cls: ClsService<GrantCommonsStore>,
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    @Inject(READ_DATA_SOURCE) private readonly readSource: DataSource | null,
  ) {}

  /** Whether lag-tolerant reads go to a read pool of their own. */
  get enabled(): boolean {
    return this.readSource !== null;
  }

  lagTolerant<R>(work: (manager: EntityManager) => Promise<R>): Promise<R> {
    const source = this.readSource;
    const current = this.cls.isActive() ? this.cls.get('replica') : undefined;
    if (current) return work(current());
    if (!source) return work(this.txHost.tx);
    const agencyId = this.cls.isActive() ? this.cls.get('tenant')?.agencyId : undefined;
    // 'inherit': a copy of the caller's store (tenant, actor, access), the replica manager set in
    // the copy only, so it ends with `work`.
    return this.cls.run({ ifNested: 'inherit' }, () =>
      source.transaction(async (manager) => {
        await manager.query(
          agencyId ? sqlInline(READ_ONLY_IN_AGENCY, [agencyId]) : sqlText(READ_ONLY),
        );
        this.cls.set('replica', () => manager);
        return work(manager);
      }),
    );
  }
}
