import { Inject, Injectable, Optional } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { ClsService } from 'nestjs-cls';
import { ACCESS_POLICY, AccessPolicy } from '../access/access.ports';
import { GrantCommonsStore } from './request-context';

/** Runs `work` in a short transaction of its own, access decided again first. */
export type RecheckedTransaction = <R>(work: () => Promise<R>) => Promise<R>;

/**
 * For work that outlives its request's transaction (a streamed export read page by page): holding
 * the request's one transaction across a slow client would pin a connection and a snapshot for
 * as long as the client takes (and idle_in_transaction_session_timeout would end it). Instead
 * each piece runs in a fresh context and transaction that repeats what the request did first:
 * the tenant set, the caller's grants loaded and the route's permission decided, so access
 * revoked mid-stream stops it.
 */
@Injectable()
export class RecheckedTransactions {
  constructor(
    private readonly cls: ClsService<GrantCommonsStore>,
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    @Optional() @Inject(ACCESS_POLICY) private readonly policy?: AccessPolicy,
  ) {}

  /** Captures the current request's caller and agency for `permission` on a route with `params`. */
  forRequest(permission: string, params: Record<string, string>): RecheckedTransaction {
    const { requestId, ip, actor, tenant } = {
      requestId: this.cls.get('requestId'),
      ip: this.cls.get('ip'),
      actor: this.cls.get('actor'),
      tenant: this.cls.get('tenant'),
    };
    const policy = this.policy;
    if (!policy) throw new Error('no ACCESS_POLICY is bound: cannot re-check access');
    return <R>(work: () => Promise<R>) =>
      // 'override': a fresh store, so the request's finished transaction is not reused.
      this.cls.run({ ifNested: 'override' }, () => {
        this.cls.set('requestId', requestId);
        this.cls.set('ip', ip);
        this.cls.set('actor', actor && { ...actor });
        this.cls.set('tenant', tenant);
        return this.txHost.withTransaction(async () => {
          const access = await policy.authorize({
            actor: this.cls.get('actor'),
            tenant,
            permission,
            params,
          });
          if (access) this.cls.set('access', access);
          return work();
        });
      });
  }
}
