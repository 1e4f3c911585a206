import { TenantDb } from '../src/core/context/tenant-db';
import { entitySql } from '../src/core/database/sql-statement';
import { Program } from '../src/programs/entities/program.entity';
import { inAgency } from './factories/finance';
import { createProgram, signedInStaff } from './factories';
import { useTestApp } from './support/use-test-app';

// The program, and the same row again as a nested JSON array (what a request's lines are).
const PROGRAM = entitySql(
  'test.program-with-itself',
  Program,
  'p',
  `SELECT {columns},
     (SELECT json_agg({json:q}) FROM programs q WHERE q.agency_id = p.agency_id AND q.id = p.id)
       AS itself
     FROM programs p WHERE p.agency_id = $1 AND p.id = $2`,
  { nested: { itself: { entity: Program, alias: 'q' } } },
);

/**
 * Hot reads bypass the query builder with hand-written SQL (TenantDb.rows, entitySql). What they
 * return must be what TypeORM would have hydrated, type for type: dates as 'YYYY-MM-DD' strings,
 * money as strings, instants as Dates, JSON as objects; and so must an entity's rows nested as
 * JSON in another's.
 */
describe('entity rows from hand-written SQL', () => {
  const t = useTestApp();

  it('match what the repository hydrates for the same row', async () => {
    const officer = await signedInStaff(t, 'mo-dese', ['program_officer']);
    const created = (await createProgram(t, 'mo-dese', officer)) as { id: string };
    const [raw, hydrated] = await inAgency(t, 'mo-dese', async () => {
      const db = t.app.get(TenantDb);
      const rows = await db.rows(PROGRAM, [db.agencyId, created.id]);
      const entity = await db
        .repo(Program)
        .findOneByOrFail({ agencyId: db.agencyId, id: created.id });
      return [rows, entity] as const;
    });
    expect(raw).toHaveLength(1);
    const { itself, ...row } = raw[0];
    expect(row).toEqual({ ...hydrated });
    expect(itself).toEqual([{ ...hydrated }]);
    expect(itself[0].createdAt).toBeInstanceOf(Date);
    expect(itself[0].fundsAvailable).toBe('1500000.00');
    expect(raw[0].performanceStart).toBe('2026-07-01');
    expect(raw[0].fundsAvailable).toBe('1500000.00');
    expect(raw[0].createdAt).toBeInstanceOf(Date);
  });
});
