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

/**
 * A pg Client that runs every parameterised statement as a named prepared statement on its
 * connection: PostgreSQL parses and plans it once per connection instead of on every call
 * (measured on the application GET: planning was 0.7 ms of its 2 ms of database time).
 *
 * TypeORM sends `query(text, values)`; statements without parameters (BEGIN, COMMIT, DDL in
 * migrations, multi-statement scripts) keep the simple protocol. Named statements outlive the
 * transaction but not the connection, so they do not work behind a pooler in transaction mode
 * that lacks prepared-statement support (PgBouncer < 1.21): DATABASE_PREPARED_STATEMENTS=false.
 */
export class PreparingClient extends Client {
  override query(...args: unknown[]): Promise<QueryResult> {
    const [text, values] = args;
    if (
      typeof text === 'string' &&
      Array.isArray(values) &&
      values.length > 0 &&
      args.length === 2
    ) {
      const name = statementName(text);
      if (this.hasRoomFor(name)) return super.query({ name, text, values });
    }
    return (super.query as (...a: unknown[]) => Promise<QueryResult>)(...args);
  }

  private hasRoomFor(name: string): boolean {
    const parsed = (this as unknown as ConnectionInternals).connection?.parsedStatements;
    if (!parsed) return false;
    return name in parsed || Object.keys(parsed).length < MAX_PREPARED_PER_CONNECTION;
  }
}
