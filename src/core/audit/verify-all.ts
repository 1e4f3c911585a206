import { Client } from 'pg';
import type { ObjectLiteral } from 'typeorm';
import { Tenant } from '../context/request-context';
import { ChainScope, ChainVerification, Sql, verifyChain } from './audit-chain';
import { SqlStatement, sqlText } from '../database/sql-statement';
import { SET_TENANT } from '../context/tenant-session';

export interface LogVerification {
  /** The agency code, or "platform". */
  log: string;
  result: ChainVerification;
}

/**
 * Seals and verifies the agencies' chains (pass every agency, active or not: a deactivated
 * agency's trail still matters; the tenant directory's allTenants) and the platform chain, each
 * in a transaction of its own, as the app role.
 */
export async function verifyAllAuditLogs(
  appUrl: string,
  agencies: Tenant[],
): Promise<LogVerification[]> {
  const client = new Client({ connectionString: appUrl, application_name: 'grant-commons-audit' });
  await client.connect();
  const sql: Sql = async <T>(statement: SqlStatement<T>, params: unknown[]) =>
    statement.shape((await client.query<ObjectLiteral>(sqlText(statement), params)).rows);
  const inTransaction = async (scope: ChainScope) => {
    await client.query('BEGIN');
    try {
      if (scope !== 'platform') {
        await client.query(sqlText(SET_TENANT), [scope.agencyId]);
      }
      const result = await verifyChain(sql, scope);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    }
  };
  try {
    const results: LogVerification[] = [];
    for (const agency of agencies) {
      results.push({
        log: agency.agencyCode,
        result: await inTransaction({ agencyId: agency.agencyId }),
      });
    }
    results.push({ log: 'platform', result: await inTransaction('platform') });
    return results;
  } finally {
    await client.end();
  }
}

/** One line per log, as `npm run audit:verify` prints it. */
export function describeVerification({ log, result }: LogVerification): string {
  if (result.ok) {
    const head = result.head ? `, head ${result.head.position} ${result.head.hash}` : '';
    return `${log}: ok (${result.checked} links${head})`;
  }
  const broken = result.firstBrokenLink!;
  const at = broken.position === null ? 'outside the chain' : `at position ${broken.position}`;
  return `${log}: BROKEN ${at}: event ${broken.eventId} (${broken.problem})`;
}
