import { TenantDb } from '../src/core/context/tenant-db';
import { Program } from '../src/programs/entities/program.entity';
import { inAgency } from './factories/finance';
import { createProgram, signedInStaff } from './factories';
import { useTestApp } from './support/use-test-app';

/**
 * Hot reads bypass the query builder with hand-written SQL (TenantDb.rows). What they return
 * must be what TypeORM would have hydrated, type for type: dates as 'YYYY-MM-DD' strings,
 * money as strings, instants as Dates, JSON as objects.
 */
describe('entity rows from hand-written SQL', () => {
  const t = useTestApp();

  it('match what the repository hydrates for the same row', async () => {
    const officer = await signedInStaff(t, 'mo-dese', ['program_officer']);
    const created = (await createProgram(t, 'mo-dese', officer)) as { id: string };
    const [raw, hydrated] = await inAgency(t, 'mo-dese', async () => {
      const db = t.app.get(TenantDb);
      const rows = await db.rows(
        Program,
        'p',
        'SELECT {columns} FROM programs p WHERE p.agency_id = $1 AND p.id = $2',
        [db.agencyId, created.id],
      );
      const entity = await db
        .repo(Program)
        .findOneByOrFail({ agencyId: db.agencyId, id: created.id });
      return [rows, entity] as const;
    });
    expect(raw).toHaveLength(1);
    expect(raw[0]).toEqual({ ...hydrated });
    expect(raw[0].performanceStart).toBe('2026-07-01');
    expect(raw[0].fundsAvailable).toBe('1500000.00');
    expect(raw[0].createdAt).toBeInstanceOf(Date);
  });
});
