import { EntityManager } from 'typeorm';

/**
 * The only way the tenant reaches PostgreSQL: a transaction-local setting read by every
 * row-level security policy. Never a session-level SET, which would outlive the transaction
 * and leak to the next user of the pooled connection.
 */
export async function setTenantInTransaction(
  manager: EntityManager,
  agencyId: string,
): Promise<void> {
  await manager.query(`SELECT set_config('app.agency_id', $1, true)`, [agencyId]);
}
