import { EntityManager } from 'typeorm';
import { isUuid } from '../ids';
import { sql, sqlInline } from '../database/sql-statement';

/** The tenant as a transaction-local setting (a parameter where the text need not travel alone). */
export const SET_TENANT = sql('core.tenant-set', `SELECT set_config('app.agency_id', $1, true)`);

/**
 * The only way the tenant reaches PostgreSQL: a transaction-local setting read by every
 * row-level security policy. Never a session-level SET, which would outlive the transaction
 * and leak to the next user of the pooled connection.
 *
 * The id is a literal, not a parameter, so the statement travels in one round trip with the
 * transaction's BEGIN (see prepared-statements.ts); it comes from the agency directory and is
 * checked to be a UUID first, so nothing a client sends reaches the SQL text.
 */
export async function setTenantInTransaction(
  manager: EntityManager,
  agencyId: string,
): Promise<void> {
  if (!isUuid(agencyId)) throw new Error('an agency id must be a UUID');
  await manager.query(sqlInline(SET_TENANT, [agencyId]));
}
