import { createHash } from 'node:crypto';
import { Client, QueryResult } from 'pg';

/**
 * Statements a connection keeps prepared at most. Each holds a parse tree and a cached plan in
 * its PostgreSQL backend; beyond this, further distinct statements run unnamed (planned per call).
 */
export const MAX_PREPARED_PER_CONNECTION = 256;

/** Statement names by SQL text, shared by all connections (TypeORM builds the same texts again). */
const names = new Map<string, string>();
const MAX_NAMES = 4096;

function statementName(text: string): string {
  let name = names.get(text);
  if (name === undefined) {
    if (names.size >= MAX_NAMES) names.clear();
    name = `gc_${createHash('sha1').update(text).digest('base64url')}`;
    names.set(text, name);
  }
  return name;
}

interface ConnectionInternals {
  connection?: { parsedStatements?: Record<string, string> };
}

/** What TypeORM sends to open a transaction; it is held back and sent with the next statement. */
const BEGIN = 'START TRANSACTION';
const BEGUN = {
  command: 'START',
  rowCount: null,
  oid: 0,
  rows: [],
  fields: [],
} as unknown as QueryResult;

const lastResult = (result: QueryResult | QueryResult[]) =>
  Array.isArray(result) ? result[result.length - 1] : result;

/**
 * The app pool's pg Client. It saves round trips and planning, which cost more CPU than most
 * statements (figures: docs/decisions/0001-prepared-statements-per-connection.md):
 *
 * - Every parameterised statement runs as a named prepared statement on its connection:
 *   PostgreSQL parses and plans it once per connection instead of on every call.
 * - START TRANSACTION is held back and sent with the transaction's first statement when that one
 *   has no parameters (the access check that sets the tenant, or set_config), as one simple
 *   query: one round trip instead of two, like pgjdbc's piggybacked BEGIN. Otherwise it is sent
 *   first, as before.
 *
 * Statements without parameters (COMMIT, DDL in migrations, scripts) keep the simple protocol.
 * Named statements outlive the transaction but not the connection, so they do not work behind a
 * pooler in transaction mode without prepared-statement support (PgBouncer < 1.21): set
 * DATABASE_PREPARED_STATEMENTS=false there.
 */
export class PreparingClient extends Client {
  private beginHeld = false;

  override query(...args: unknown[]): Promise<QueryResult> {
    const [text, values] = args;
    const plain = (...a: unknown[]) =>
      (super.query as (...q: unknown[]) => Promise<QueryResult>).apply(this, a);
    const simple =
      typeof text === 'string' && args.length <= 2 && (values === undefined || isEmpty(values));
    if (this.beginHeld) {
      this.beginHeld = false;
      if (simple) return plain(`${BEGIN}; ${text}`).then(lastResult);
      if (typeof text === 'string') return plain(BEGIN).then(() => this.query(...args));
      // A submittable (cursor, stream) must be returned as is: BEGIN is queued ahead of it, and
      // pg runs its queue in order (BEGIN fails only with the connection, which fails this too).
      plain(BEGIN).catch(() => undefined);
    }
    if (simple && text === BEGIN) {
      this.beginHeld = true;
      return Promise.resolve(BEGUN);
    }
    if (
      typeof text === 'string' &&
      Array.isArray(values) &&
      values.length > 0 &&
      args.length === 2
    ) {
      const name = statementName(text);
      if (this.hasRoomFor(name)) return super.query({ name, text, values });
    }
    return plain(...args);
  }

  private hasRoomFor(name: string): boolean {
    const parsed = (this as unknown as ConnectionInternals).connection?.parsedStatements;
    if (!parsed) return false;
    return name in parsed || Object.keys(parsed).length < MAX_PREPARED_PER_CONNECTION;
  }
}

const isEmpty = (values: unknown) => Array.isArray(values) && values.length === 0;
