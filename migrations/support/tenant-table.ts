import { QueryRunner } from 'typeorm';

/** The agency of the current transaction, as every policy reads it (NULL when unset). */
export const CURRENT_AGENCY = `NULLIF(current_setting('app.agency_id', true), '')::uuid`;

/**
 * Makes a table tenant-owned: row-level security enabled and forced (the owner is not exempt),
 * one policy that confines reads and writes to the current agency, and the app group's DML
 * privileges. Every table with an agency_id column goes through this (a catalog test checks).
 */
export async function makeTenantTable(
  q: QueryRunner,
  table: string,
  privileges = 'SELECT, INSERT, UPDATE, DELETE',
): Promise<void> {
  await q.query(`ALTER TABLE "${table}" ENABLE ROW LEVEL SECURITY`);
  await q.query(`ALTER TABLE "${table}" FORCE ROW LEVEL SECURITY`);
  await q.query(
    `CREATE POLICY "${table}_tenant_isolation" ON "${table}"
       USING (agency_id = ${CURRENT_AGENCY})
       WITH CHECK (agency_id = ${CURRENT_AGENCY})`,
  );
  await q.query(`GRANT ${privileges} ON "${table}" TO gc_app`);
}
