import type { Pool as PgPool } from 'pg';
import { Client, Pool } from 'pg';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { DataSource } from 'typeorm';
import { TenantRunner } from '../src/core/context/tenant-db';
import { PreparingClient } from '../src/core/database/prepared-statements';
import { agencyId, signedInStaff } from './factories/identity';
import {
  activeAward,
  api,
  approve,
  orgApi,
  reimbursement,
  requestPayment,
} from './factories/finance';
import { readyApplication, submitApplication } from './factories/grants';
import { PgBouncer, startPgBouncer } from './support/pgbouncer';
import { expectStatus } from './support/test-app';
import { TEST_APP } from './support/test-database-env';
import { useTestApp } from './support/use-test-app';

/**
 * The app behind a real PgBouncer in transaction mode, with DATABASE_PREPARED_STATEMENTS=false:
 * ten client connections share two server connections, so consecutive transactions of
 * different agencies run on the same PostgreSQL backend. What must hold: the tenant is
 * transaction-local and nothing of one transaction's agency reaches the next; the app keeps no
 * session state. And why the settings are what they are: session state does leak, and
 * prepared statements (on, without PgBouncer's own support) break.
 */
describe('PgBouncer in transaction mode', () => {
  let bouncer: PgBouncer;
  const upstream = new URL(process.env.GC_TEST_ADMIN_URL!);
  const SERVER_CONNECTIONS = 2;

  beforeAll(async () => {
    bouncer = await startPgBouncer({
      upstream: { host: upstream.hostname, port: Number(upstream.port || 5432) },
      users: { [TEST_APP]: TEST_APP },
      poolSize: SERVER_CONNECTIONS,
      // One server connection, for the demonstrations of what a pooler shares.
      databases: {
        gc_one_server: `host=${upstream.hostname} port=${upstream.port || 5432} dbname=postgres pool_size=1`,
      },
    });
  });

  const t = useTestApp({
    env: (db) => ({
      DATABASE_URL: bouncer.url(TEST_APP, TEST_APP, db.name),
      DATABASE_PREPARED_STATEMENTS: 'false',
      DATABASE_POOL_SIZE: '10',
      // The outbox relay's LISTEN needs a session: straight to PostgreSQL, as in production.
      // (Through the pooler, notifications reach server connections other clients then use;
      // PgBouncer drops such a server: "got packet 'A' from server when not linked".)
      DATABASE_LISTEN_URL: db.appUrl,
    }),
    clock: '2026-10-05T15:00:00Z',
  });

  afterAll(async () => {
    await bouncer?.stop(); // after the app closed (declared after useTestApp)
  });

  /** A failure shows what PgBouncer said (a server login refused, a client waiting too long). */
  const withBouncerLog = async (work: () => Promise<void>) => {
    try {
      await work();
    } catch (error) {
      (error as Error).message += `\n--- pgbouncer log (tail) ---\n${bouncer.log().slice(-4000)}`;
      throw error;
    }
  };

  /** PgBouncer's own account of its server connections to this file's database. */
  const serverConnections = async () => {
    const admin = await bouncer.admin();
    try {
      const { rows } = await admin.query<{ database: string }>('SHOW SERVERS');
      return rows.filter((r) => r.database === t.db.name).length;
    } finally {
      await admin.end();
    }
  };
  const appPool = () => (t.app.get(DataSource).driver as unknown as { master: PgPool }).master;

  it(`runs concurrent submissions and payments of two agencies over ${SERVER_CONNECTIONS} server connections`, () =>
    withBouncerLog(async () => {
      const ready = await Promise.all(
        ['mo-dese', 'ks-ksde', 'mo-dese', 'ks-ksde', 'mo-dese', 'ks-ksde'].map(async (code) => ({
          code,
          ...(await readyApplication(t, code)),
        })),
      );
      const submitted = await Promise.all(
        ready.map((r) =>
          submitApplication(t, r.code, r.organization.id, r.application.id, r.team.representative),
        ),
      );
      expect(submitted.map((res) => res.status)).toEqual(ready.map(() => 201));

      const awards = await Promise.all(
        ['mo-dese', 'ks-ksde'].map(async (code) => ({ code, ...(await activeAward(t, code)) })),
      );
      const requests = await Promise.all(
        awards.flatMap((a) =>
          ['1000.00', '2000.00', '3000.00'].map((amount) =>
            requestPayment(t, a.code, a.organization.id, a.award.id, a.team.grantWriter, {
              ...reimbursement(amount),
            }),
          ),
        ),
      );
      expect(requests.map((res) => res.status)).toEqual(requests.map(() => 201));
      const approvals = await Promise.all(
        requests.map((res, i) =>
          approve(
            t,
            awards[Math.floor(i / 3)].code,
            res.json().id,
            awards[Math.floor(i / 3)].financeA,
          ),
        ),
      );
      expect(approvals.map((res) => res.status)).toEqual(approvals.map(() => 200));

      // No server connection carried session state PgBouncer had to drop (a LISTEN's notices).
      expect(bouncer.log()).not.toMatch(/when not linked/);
      // The app opened more client connections than PgBouncer had server connections.
      expect(appPool().totalCount).toBeGreaterThan(SERVER_CONNECTIONS);
      expect(await serverConnections()).toBeLessThanOrEqual(SERVER_CONNECTIONS);

      // Each agency's reads show its own work only.
      for (const code of ['mo-dese', 'ks-ksde']) {
        for (const r of ready) {
          const res = await t.request({
            method: 'GET',
            url: `${api(code)}/programs/${r.program.id}/applications`,
            token: r.officer.token,
          });
          if (r.code === code) {
            expect(res.json().items.map((a: { id: string }) => a.id)).toEqual([r.application.id]);
          } else {
            expect(res.status).toBe(404); // another agency's officer, or its program
          }
        }
        const award = awards.find((a) => a.code === code)!;
        const listed = await t.request({
          method: 'GET',
          url: `${api(code)}/payment-requests`,
          token: award.financeA.token,
        });
        expect(listed.json().items).toHaveLength(3);
        const orgList = await t.request({
          method: 'GET',
          url: `${orgApi(code, award.organization.id)}/payment-requests`,
          token: award.team.grantWriter.token,
        });
        expect(orgList.json().items).toHaveLength(3);

        // The audit chain, written by transactions interleaved on shared server connections.
        const admin = await signedInStaff(t, code, ['agency_admin']);
        const verified = await t.request({
          method: 'GET',
          url: `${api(code)}/audit/verify`,
          token: admin.token,
        });
        expectStatus(verified, 200, 'verify audit chain');
        expect(verified.json()).toMatchObject({ ok: true });
      }
    }));

  it('hands a server connection from one agency to another with nothing of the first left', async () => {
    const runner = t.app.get(TenantRunner);
    const mo = await agencyId(t, 'mo-dese');
    const ks = await agencyId(t, 'ks-ksde');
    const system = { kind: 'system' as const };
    const backends = { mo: new Set<number>(), ks: new Set<number>(), none: new Set<number>() };
    type Seen = { pid: number; agency: string | null; mine: number; theirs: number };
    const txHost = t.app.get<TransactionHost<TransactionalAdapterTypeOrm>>(TransactionHost);
    const look = (other: string) =>
      txHost.tx
        .query<Seen[]>(
          `SELECT pg_backend_pid() AS pid,
                  NULLIF(current_setting('app.agency_id', true), '') AS agency,
                  (SELECT count(*)::int FROM applications) AS mine,
                  (SELECT count(*)::int FROM applications WHERE agency_id = $1) AS theirs`,
          [other],
        )
        .then((rows) => rows[0]);
    for (let i = 0; i < 10; i++) {
      // Missouri, then Kansas, then no agency: one transaction each, one after another.
      const seenMo = await runner.run({ agencyId: mo, agencyCode: 'mo-dese' }, system, () =>
        look(ks),
      );
      expect(seenMo).toMatchObject({ agency: mo, theirs: 0 });
      expect(seenMo.mine).toBeGreaterThan(0);
      backends.mo.add(seenMo.pid);
      const seenKs = await runner.run({ agencyId: ks, agencyCode: 'ks-ksde' }, system, () =>
        look(mo),
      );
      expect(seenKs).toMatchObject({ agency: ks, theirs: 0 });
      backends.ks.add(seenKs.pid);
      const seenNone = await runner.runWithoutTenant(system, () => look(mo));
      expect(seenNone).toMatchObject({ agency: null, mine: 0, theirs: 0 });
      backends.none.add(seenNone.pid);
    }
    // The same PostgreSQL backends served all three: the isolation above is per transaction.
    const shared = [...backends.mo].filter((pid) => backends.ks.has(pid) && backends.none.has(pid));
    expect(shared.length).toBeGreaterThan(0);
    expect(new Set([...backends.mo, ...backends.ks, ...backends.none]).size).toBeLessThanOrEqual(
      SERVER_CONNECTIONS,
    );
  });

  describe('why the app keeps no session state (one server connection, two clients)', () => {
    const oneServer = () =>
      Promise.all(
        [0, 1].map(async () => {
          const client = new Client({
            connectionString: bouncer.url(TEST_APP, TEST_APP, 'gc_one_server'),
          });
          await client.connect();
          return client;
        }),
      );

    it('a session-level SET and a session advisory lock belong to the server connection, not the client', async () => {
      const [first, second] = await oneServer();
      try {
        await first.query(`SET gc_demo.agency = 'first'`);
        const seen = await second.query<{ v: string }>(
          `SELECT current_setting('gc_demo.agency', true) AS v`,
        );
        expect(seen.rows[0].v).toBe('first'); // leaked to another client
        // Transaction-local (what the app uses): gone at commit.
        await first.query('BEGIN');
        await first.query(`SELECT set_config('gc_demo.local', 'first', true)`);
        await first.query('COMMIT');
        const local = await second.query<{ v: string | null }>(
          `SELECT NULLIF(current_setting('gc_demo.local', true), '') AS v`,
        );
        expect(local.rows[0].v).toBeNull();
        // A session advisory lock taken by one client is released by the other.
        await first.query('SELECT pg_advisory_lock(727999)');
        const unlocked = await second.query<{ ok: boolean }>(
          'SELECT pg_advisory_unlock(727999) AS ok',
        );
        expect(unlocked.rows[0].ok).toBe(true);
      } finally {
        await first.query('RESET ALL').catch(() => undefined);
        await Promise.all([first.end(), second.end()]);
      }
    });

    it('prepared statements on: broken behind PgBouncer < 1.21 (fine with max_prepared_statements); off: fine', async () => {
      const preparing = new Pool({
        connectionString: bouncer.url(TEST_APP, TEST_APP, 'gc_one_server'),
        max: 2,
        Client: PreparingClient,
      });
      try {
        const [a, b] = await Promise.all([preparing.connect(), preparing.connect()]);
        const text = 'SELECT $1::int + 1 AS next';
        try {
          expect((await a.query(text, [1])).rows).toEqual([{ next: 2 }]);
          const second = b.query(text, [2]);
          if (bouncer.preparedStatements) {
            // >= 1.21 with max_prepared_statements: PgBouncer renames and re-prepares per server.
            expect((await second).rows).toEqual([{ next: 3 }]);
          } else {
            // The name is the server connection's, already taken there (or missing on another).
            await expect(second).rejects.toMatchObject({
              code: expect.stringMatching(/^(42P05|26000)$/),
            });
          }
        } finally {
          a.release(true);
          b.release(true);
        }
      } finally {
        await preparing.end();
      }
      // DATABASE_PREPARED_STATEMENTS=false: the unnamed statement of plain node-postgres.
      const plain = new Pool({
        connectionString: bouncer.url(TEST_APP, TEST_APP, 'gc_one_server'),
        max: 2,
      });
      try {
        const [a, b] = await Promise.all([plain.connect(), plain.connect()]);
        try {
          const text = 'SELECT $1::int + 1 AS next';
          expect((await a.query(text, [1])).rows).toEqual([{ next: 2 }]);
          expect((await b.query(text, [2])).rows).toEqual([{ next: 3 }]);
        } finally {
          a.release();
          b.release();
        }
      } finally {
        await plain.end();
      }
    });
  });
});
