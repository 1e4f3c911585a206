import { randomBytes } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { ReadReplica } from '../src/core/context/read-replica';
import { READ_DATA_SOURCE } from '../src/core/database/database.module';
import { parseCsv } from '../src/core/csv/csv';
import { agencyId, signedInPlatformAdmin, signedInStaff } from './factories/identity';
import {
  activeAward,
  api,
  inAgency,
  orgApi,
  reimbursement,
  requestPayment,
} from './factories/finance';
import { submittedApplication } from './factories/grants';
import { connect } from './support/database';
import { bootTestApp, expectStatus } from './support/test-app';
import { roleUrl, TEST_APP } from './support/test-database-env';
import { useTestApp } from './support/use-test-app';

/**
 * DATABASE_READ_URL: lists, exports and reports read through a second pool. Here it connects
 * to the file's own database as a role of the test's own (a member of the app role, so the same
 * grants and row-level security; default_transaction_read_only on), so what ran where can be
 * told apart: each pool's statements are recorded as the app sends them.
 */
const READER = `gc_test_reader_${randomBytes(4).toString('hex')}`;

/** Every statement text the pool's clients are asked to run, from now on. */
function recordStatements(dataSource: DataSource): string[] {
  const pool = (dataSource.driver as unknown as { master: Pool }).master;
  const seen: string[] = [];
  const wrapped = new WeakSet<PoolClient>();
  const wrap = (client: PoolClient) => {
    if (wrapped.has(client)) return;
    wrapped.add(client);
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as { query: unknown }).query = (...args: unknown[]) => {
      const first = args[0] as string | { text?: string };
      seen.push(typeof first === 'string' ? first : (first?.text ?? ''));
      return query(...args);
    };
  };
  pool.on('acquire', wrap);
  return seen;
}

const WRITES =
  /^\s*(INSERT|UPDATE|DELETE|MERGE|CREATE|ALTER|DROP|TRUNCATE|LOCK|COPY)\b|\bFOR (NO KEY )?UPDATE\b|\bFOR (KEY )?SHARE\b/i;

describe('read replica: lag-tolerant reads on DATABASE_READ_URL', () => {
  beforeAll(async () => {
    const admin = await connect(process.env.GC_TEST_ADMIN_URL!);
    try {
      await admin.query(`CREATE ROLE ${READER} LOGIN PASSWORD '${READER}' IN ROLE ${TEST_APP}`);
      await admin.query(`ALTER ROLE ${READER} SET default_transaction_read_only = on`);
    } finally {
      await admin.end();
    }
  });

  const t = useTestApp({
    env: (db) => ({
      DATABASE_READ_URL: roleUrl(db.adminUrl, READER, db.name),
      DATABASE_READ_POOL_SIZE: '2',
    }),
    clock: '2026-10-05T15:00:00Z',
  });

  let primary: string[];
  let replica: string[];
  const both = () => {
    primary.length = 0;
    replica.length = 0;
  };

  beforeAll(() => {
    primary = recordStatements(t.app.get(DataSource));
    const readSource = t.app.get<DataSource>(READ_DATA_SOURCE);
    replica = recordStatements(readSource);
    // Before the app closes: its read pool ends first, then the role nobody uses any more.
    t.cleanup(async () => {
      await readSource.destroy();
      const admin = await connect(process.env.GC_TEST_ADMIN_URL!);
      try {
        await admin.query(`DROP ROLE IF EXISTS ${READER}`);
      } finally {
        await admin.end();
      }
    });
  });

  const get = async (url: string, token: string) => {
    const res = await t.request({ method: 'GET', url, token });
    expectStatus(res, 200, `GET ${url}`);
    return res;
  };

  it('runs list, export, audit-trail, payment-list and usage reads on the read pool, and none on the primary', async () => {
    const mo = await activeAward(t, 'mo-dese');
    const ks = await submittedApplication(t, 'ks-ksde');
    expectStatus(
      await requestPayment(
        t,
        'mo-dese',
        mo.organization.id,
        mo.award.id,
        mo.team.grantWriter,
        reimbursement('1200.00'),
      ),
      201,
      'request payment',
    );
    const admin = await signedInStaff(t, 'mo-dese', ['agency_admin']);
    const platform = await signedInPlatformAdmin(t);
    const programUrl = `${api('mo-dese')}/programs/${mo.program.id}/applications`;

    both();
    const list = (await get(programUrl, mo.officer.token)).json();
    expect(list.items.map((a: { id: string }) => a.id)).toEqual([mo.application.id]);
    expect(replica.some((s) => s.includes('a.program_id = $2'))).toBe(true);
    expect(primary.some((s) => s.includes('a.program_id = $2'))).toBe(false);

    both();
    const csv = parseCsv((await get(`${programUrl}/export.csv`, mo.officer.token)).body);
    expect(csv.map((r) => r.fields[0])).toEqual(['application_id', mo.application.id]);
    // The CSV's budget totals come from the read pool; the access re-check from the primary.
    expect(replica.some((s) => s.includes('application_budget_lines'))).toBe(true);
    expect(primary.some((s) => s.includes('application_budget_lines'))).toBe(false);

    both();
    const payments = (await get(`${api('mo-dese')}/payment-requests`, mo.financeA.token)).json();
    expect(payments.items).toHaveLength(1);
    const orgPayments = (
      await get(
        `${orgApi('mo-dese', mo.organization.id)}/payment-requests`,
        mo.team.grantWriter.token,
      )
    ).json();
    expect(orgPayments.items).toHaveLength(1);
    expect(replica.filter((s) => s.includes('"payment_requests"')).length).toBeGreaterThanOrEqual(
      2,
    );
    expect(primary.some((s) => s.includes('"payment_requests"'))).toBe(false);

    both();
    const events = (await get(`${api('mo-dese')}/audit/events?limit=5`, admin.token)).json();
    expect(events.items.length).toBeGreaterThan(0);
    expect(replica.some((s) => s.includes('FROM audit_events e'))).toBe(true);
    expect(primary.some((s) => s.includes('FROM audit_events e'))).toBe(false);

    both();
    await get(`${api('mo-dese')}/usage`, admin.token);
    const report = (await get('/api/v1/platform/usage', platform.token)).json();
    expect(report.agencies.map((a: { agencyCode: string }) => a.agencyCode)).toEqual(
      expect.arrayContaining(['mo-dese', 'ks-ksde']),
    );
    expect(replica.some((s) => s.includes('agency_usage_report('))).toBe(true);
    expect(replica.some((s) => s.includes('FROM agency_usage WHERE agency_id = $1'))).toBe(true);
    expect(primary.some((s) => s.includes('agency_usage'))).toBe(false);

    // The application just submitted in Kansas shows in no Missouri read.
    expect(JSON.stringify([list, csv, payments, events])).not.toContain(ks.application.id);
  });

  it('never writes through the read pool: the app sends none, and one that strays in is refused', async () => {
    // Everything recorded in this file so far (submissions, awards, payments above) included.
    both();
    const mo = await submittedApplication(t, 'mo-dese');
    await get(`${api('mo-dese')}/programs/${mo.program.id}/applications`, mo.officer.token);
    expect(replica.length).toBeGreaterThan(0);
    expect(replica.filter((s) => WRITES.test(s))).toEqual([]);

    const reads = t.app.get(ReadReplica);
    const facts = await inAgency(t, 'mo-dese', () =>
      reads.lagTolerant(async (m) => {
        const [row] = await m.query<Array<{ role: string; ro: string }>>(
          `SELECT current_user AS role, current_setting('transaction_read_only') AS ro`,
        );
        return row;
      }),
    );
    expect(facts).toEqual({ role: READER, ro: 'on' });
    await expect(
      inAgency(t, 'mo-dese', () =>
        reads.lagTolerant((m) =>
          m.query(`UPDATE applications SET project_title = 'changed' WHERE id = $1`, [
            mo.application.id,
          ]),
        ),
      ),
    ).rejects.toMatchObject({ driverError: { code: '25006' } });
  });

  it('keeps agencies apart on the read pool: row-level security, not the WHERE clause', async () => {
    const ks = await submittedApplication(t, 'ks-ksde');
    const mo = await submittedApplication(t, 'mo-dese');
    const moId = await agencyId(t, 'mo-dese');
    const ksId = await agencyId(t, 'ks-ksde');
    const reads = t.app.get(ReadReplica);
    // Missouri's context asks the read pool for Kansas rows by Kansas's own id: nothing.
    const count = (agencyCode: string, table: string, id: string) =>
      inAgency(t, agencyCode, () =>
        reads.lagTolerant(async (m) => {
          const [row] = await m.query<Array<{ n: number }>>(
            `SELECT count(*)::int AS n FROM ${table} WHERE agency_id = $1`,
            [id],
          );
          return row.n;
        }),
      );
    for (const table of ['applications', 'agency_memberships', 'audit_events']) {
      expect(await count('mo-dese', table, ksId)).toBe(0);
      expect(await count('ks-ksde', table, ksId)).toBeGreaterThan(0); // the rows are there
    }
    const agencies = await inAgency(t, 'mo-dese', () =>
      reads.lagTolerant(async (m) =>
        (
          await m.query<Array<{ agency_id: string }>>(`SELECT DISTINCT agency_id FROM applications`)
        ).map((r) => r.agency_id),
      ),
    );
    expect(agencies).toEqual([moId]);

    // Through HTTP: Missouri's officer reaches Kansas's program neither by its path nor by Missouri's.
    for (const url of [
      `${api('ks-ksde')}/programs/${ks.program.id}/applications`,
      `${api('mo-dese')}/programs/${ks.program.id}/applications`,
      `${api('mo-dese')}/programs/${ks.program.id}/applications/export.csv`,
    ]) {
      const res = await t.request({ method: 'GET', url, token: mo.officer.token });
      expect(res.status).toBe(404);
    }
  });

  it('reports the read pool in readiness', async () => {
    const res = await t.request({ method: 'GET', url: '/health/ready' });
    expect(res.status).toBe(200);
    expect(res.json().checks).toMatchObject({ database: 'up', databaseRead: 'up' });
  });

  it('refuses to start when DATABASE_READ_URL connects as a role that escapes row-level security', async () => {
    await expect(bootTestApp((db) => ({ DATABASE_READ_URL: db.ownerUrl }))).rejects.toThrow(
      /DATABASE_READ_URL connects as role "gc_test_owner", which is the owner role/,
    );
  });
});
