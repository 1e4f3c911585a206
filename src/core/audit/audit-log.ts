import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Pool } from 'pg';
import { APP_CONFIG } from '../config/config.module';
import { AppConfig } from '../config/env';
import { RequestContext } from '../context/request-context';
import { NoTransactionError } from '../context/tenant-db';
import { auditSummary } from './audit-summary';
import { sql, sqlRows, sqlText } from '../database/sql-statement';
import { SET_TENANT } from '../context/tenant-session';

/** What changed. `before`/`after` are summaries; secrets in them are redacted on the way in. */
export interface AuditEventInput {
  /** `<entity>.<verb>`, e.g. `application.submitted`, `auth.login_failed`. */
  action: string;
  entityType: string;
  entityId: string;
  before?: unknown;
  after?: unknown;
}

export interface IndependentAuditEventInput extends AuditEventInput {
  /** The agency's log; omitted, the event goes to the platform log (e.g. login of no agency). */
  agencyId?: string;
  /** Who acted when the context has no signed-in user yet (a login attempt). */
  actorUserId?: string;
}

const COLUMNS = `actor_kind, actor_user_id, action, entity_type, entity_id, before, after, request_id, client_ip`;
const INSERT_AGENCY_EVENT = sql(
  'core.audit-event-insert',
  `INSERT INTO audit_events (agency_id, ${COLUMNS})
  VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9, $10)`,
);
const INSERT_PLATFORM_EVENT = sql(
  'core.platform-audit-event-insert',
  `INSERT INTO platform_audit_events (${COLUMNS})
  VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8, $9)`,
);

function asJson(value: unknown): string | null {
  const summary = auditSummary(value);
  return summary === null ? null : JSON.stringify(summary);
}

/**
 * The record of who did what. `record` writes in the caller's transaction, so the event exists if
 * and only if the change committed. `recordIndependently` commits on its own (logins,
 * authorization failures), through a small pool of its own so a request holding its connection
 * can never wait on the request pool for it. Time is the database's now(): UTC, one clock.
 */
@Injectable()
export class AuditLog implements OnApplicationShutdown {
  private pool?: Pool;

  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly context: RequestContext,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** A state change in the current agency, in the current request or job transaction. */
  async record(event: AuditEventInput): Promise<void> {
    const tenant = this.context.requireTenant();
    if (!this.txHost.isTransactionActive()) throw new NoTransactionError();
    await sqlRows(this.txHost.tx, INSERT_AGENCY_EVENT, [tenant.agencyId, ...this.values(event)]);
  }

  /** A platform-level state change (no agency: sessions, agency onboarding), in the current transaction. */
  async recordPlatform(event: AuditEventInput): Promise<void> {
    if (!this.txHost.isTransactionActive()) throw new NoTransactionError();
    await sqlRows(this.txHost.tx, INSERT_PLATFORM_EVENT, this.values(event));
  }

  /** Committed in a short transaction of its own: kept even when the request rolls back. */
  async recordIndependently(event: IndependentAuditEventInput): Promise<void> {
    const values = this.values(event, event.actorUserId);
    const client = await this.independentPool().connect();
    try {
      await client.query('BEGIN');
      if (event.agencyId) {
        await client.query(sqlText(SET_TENANT), [event.agencyId]);
        await client.query(sqlText(INSERT_AGENCY_EVENT), [event.agencyId, ...values]);
      } else {
        await client.query(sqlText(INSERT_PLATFORM_EVENT), values);
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pool?.end();
    this.pool = undefined;
  }

  private independentPool(): Pool {
    if (!this.pool) {
      this.pool = new Pool({
        connectionString: this.config.databaseUrl,
        max: 2,
        idleTimeoutMillis: 10_000,
        application_name: 'grant-commons-audit',
      });
      // An idle client dropped by the server (restart, or Ctrl-C reaching the embedded PostgreSQL
      // first) must not crash the process; the pool replaces it on next use. Once per pool: a
      // listener per call leaked one per independently audited event (each refused request).
      this.pool.on('error', () => undefined);
    }
    return this.pool;
  }

  private values(event: AuditEventInput, actorUserId?: string): unknown[] {
    if (!event.action || !event.entityType || event.entityId === undefined) {
      throw new Error('an audit event needs an action, an entity type and an entity id');
    }
    const actor = this.context.actor;
    const userId = actorUserId ?? actor?.userId ?? null;
    const kind = userId ? 'user' : (actor?.kind ?? 'anonymous');
    return [
      kind,
      userId,
      event.action,
      event.entityType,
      String(event.entityId),
      asJson(event.before),
      asJson(event.after),
      this.context.requestId ?? null,
      this.context.ip ?? null,
    ];
  }
}
