import { Client, Pool, PoolClient } from 'pg';
import { AgencyDirectory } from '../src/agencies/agency-directory';
import { AuditLog } from '../src/core/audit/audit-log';
import { GENESIS_HASH, linkHash } from '../src/core/audit/audit-chain';
import { AuditVerifier } from '../src/core/audit/audit-verifier';
import { TenantRunner } from '../src/core/context/tenant-db';
import { connect } from './support/database';
import { useTestApp } from './support/use-test-app';

/**
 * Row-level security is the second wall between agencies. Everything here runs as the APP role
 * (the role the server uses), except seeding, which the owner does with the tenant set.
 */
describe('row-level security, as the app role', () => {
  const t = useTestApp();
  let app: Client;
  let mo: string;
  let ks: string;

  /** Every table in schema public with an agency_id column: discovered, never listed by hand. */
  async function tenantTables(): Promise<string[]> {
    const { rows } = await app.query(
      `SELECT c.relname AS name
         FROM pg_class c
         JOIN pg_namespace n ON n.oid = c.relnamespace
         JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'agency_id' AND NOT a.attisdropped
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
        ORDER BY c.relname`,
    );
    return rows.map((r) => r.name as string);
  }

  /** Links the agency's events into its audit chain, in sealing order; returns how many. */
  async function linkChain(agencyId: string): Promise<number> {
    await app.query('BEGIN');
    try {
      await app.query(`SELECT set_config('app.agency_id', $1, true)`, [agencyId]);
      const { rows } = await app.query<{
        id: string;
        content_hash: string;
        tx_id: string;
        occurred_at: string;
      }>(
        `SELECT id, content_hash, tx_id::text, occurred_at::text FROM audit_events
          ORDER BY tx_id, occurred_at, id`,
      );
      let prev = GENESIS_HASH;
      for (const [i, row] of rows.entries()) {
        const hash = linkHash(prev, i + 1, row.content_hash);
        await app.query(
          `INSERT INTO audit_chain (agency_id, position, event_id, event_hash, prev_hash, link_hash, watermark, event_occurred_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7::bigint + 1, $8)`,
          [
            agencyId,
            i + 1,
            row.id,
            row.content_hash,
            prev,
            hash,
            rows[rows.length - 1].tx_id,
            row.occurred_at,
          ],
        );
        prev = hash;
      }
      await app.query('COMMIT');
      return rows.length;
    } catch (error) {
      await app.query('ROLLBACK');
      throw error;
    }
  }

  beforeAll(async () => {
    app = await connect(t.db.appUrl);
    const directory = t.app.get(AgencyDirectory);
    mo = directory.findByCode('mo-dese')!.agencyId;
    ks = directory.findByCode('ks-ksde')!.agencyId;

    // Rows for both agencies, written the way the application writes them.
    const runner = t.app.get(TenantRunner);
    const audit = t.app.get(AuditLog);
    for (const [agencyId, agencyCode] of [
      [mo, 'mo-dese'],
      [ks, 'ks-ksde'],
    ]) {
      await runner.run({ agencyId, agencyCode }, { kind: 'system' }, async () => {
        for (let i = 0; i < 5; i += 1) {
          await audit.record({
            action: 'rls.seeded',
            entityType: 'probe',
            entityId: `${agencyCode}-${i}`,
            after: { agencyCode, i },
          });
        }
      });
    }
    // Link them into each agency's chain, so audit_chain holds rows of both agencies too. The
    // links are written here as the sealer writes them (same hashes, as the app role, tenant
    // set), not by the sealer: its horizon is the cluster's oldest open transaction, which any
    // other database on the server (another test file's, another run's) can hold back.
    const verifier = t.app.get(AuditVerifier);
    for (const [agencyId, agencyCode] of [
      [mo, 'mo-dese'],
      [ks, 'ks-ksde'],
    ]) {
      expect(await linkChain(agencyId)).toBe(5);
      // The chain verifies: the links are the ones the sealer would have written.
      expect(await verifier.verifyAgency({ agencyId, agencyCode })).toMatchObject({
        ok: true,
        checked: 5,
      });
    }
    // And as the owner (forced RLS applies to it too, so it must set the tenant as well).
    const owner = await connect(t.db.ownerUrl);
    try {
      await owner.query('BEGIN');
      await owner.query(`SELECT set_config('app.agency_id', $1, true)`, [ks]);
      await owner.query(
        `INSERT INTO audit_events (agency_id, actor_kind, action, entity_type, entity_id)
         VALUES ($1, 'system', 'rls.seeded_by_owner', 'probe', 'owner')`,
        [ks],
      );
      await owner.query('COMMIT');
    } finally {
      await owner.end();
    }
  });

  t.cleanup(async () => {
    await app.end();
  });

  it('(a) forces RLS with a policy on every table that has agency_id; the app role owns nothing and bypasses nothing', async () => {
    const tables = await tenantTables();
    expect(tables).toEqual(expect.arrayContaining(['audit_events', 'audit_chain']));
    const { rows } = await app.query(
      `SELECT c.relname AS name, c.relrowsecurity AS enabled, c.relforcerowsecurity AS forced,
              (SELECT count(*)::int FROM pg_policy p WHERE p.polrelid = c.oid) AS policies,
              pg_get_userbyid(c.relowner) = current_user AS owned_by_app
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relname = ANY($1::text[])
        ORDER BY c.relname`,
      [tables],
    );
    expect(rows.map((r) => r.name)).toEqual(tables);
    const unprotected = rows.filter(
      (r) => !r.enabled || !r.forced || r.policies < 1 || r.owned_by_app,
    );
    expect(unprotected).toEqual([]);

    const role = await app.query(
      `SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user`,
    );
    expect(role.rows[0]).toEqual({ rolsuper: false, rolbypassrls: false });
    // Not through membership either: no role the app role belongs to may bypass RLS or own tables.
    const inherited = await app.query(
      `SELECT r.rolname FROM pg_roles r
        WHERE pg_has_role(current_user, r.oid, 'MEMBER')
          AND (r.rolsuper OR r.rolbypassrls
               OR EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                           WHERE n.nspname = 'public' AND c.relowner = r.oid))`,
    );
    expect(inherited.rows).toEqual([]);
  });

  it('(b) shows no row of any tenant table when no agency is set', async () => {
    // Not vacuous: with a tenant set, the seeded rows are there.
    await app.query('BEGIN');
    await app.query(`SELECT set_config('app.agency_id', $1, true)`, [mo]);
    const seen = await app.query(
      `SELECT (SELECT count(*)::int FROM audit_events) AS events,
              (SELECT count(*)::int FROM audit_chain) AS links`,
    );
    await app.query('COMMIT');
    expect(seen.rows[0]).toEqual({ events: 5, links: 5 });

    const counts: Record<string, number> = {};
    const { rows: tables } = await app.query<{ name: string; readable: boolean; part: boolean }>(
      `SELECT c.relname AS name, has_table_privilege(c.oid, 'SELECT') AS readable,
              c.relispartition AS part
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relname = ANY($1::text[])`,
      [await tenantTables()],
    );
    for (const table of tables) {
      if (!table.readable) {
        // Monthly partitions (migration 1790001200000) are read through their parent only.
        expect(table).toMatchObject({ part: true });
        await expect(app.query(`SELECT count(*) FROM "${table.name}"`)).rejects.toMatchObject({
          code: '42501',
        });
        continue;
      }
      const { rows } = await app.query(`SELECT count(*)::int AS n FROM "${table.name}"`);
      counts[table.name] = rows[0].n;
    }
    expect(Object.keys(counts).length).toBeGreaterThanOrEqual(2);
    expect(counts).toEqual(Object.fromEntries(Object.keys(counts).map((name) => [name, 0])));

    // An empty string (what a reset setting reads as) is "no agency" too, not an error.
    await app.query('BEGIN');
    await app.query(`SELECT set_config('app.agency_id', '', true)`);
    const blank = await app.query(`SELECT count(*)::int AS n FROM audit_events`);
    await app.query('COMMIT');
    expect(blank.rows[0].n).toBe(0);
  });

  it('refuses to write a row into another agency than the one set', async () => {
    await app.query('BEGIN');
    await app.query(`SELECT set_config('app.agency_id', $1, true)`, [mo]);
    await expect(
      app.query(
        `INSERT INTO audit_events (agency_id, actor_kind, action, entity_type, entity_id)
         VALUES ($1, 'system', 'rls.smuggled', 'probe', 'x')`,
        [ks],
      ),
    ).rejects.toThrow(/row-level security/);
    await app.query('ROLLBACK');
  });

  it('(c) 1,000 interleaved transactions of two agencies through 5 pooled connections never see the other agency', async () => {
    const pool = new Pool({ connectionString: t.db.appUrl, max: 5 });
    const agencies = [mo, ks];
    let failedOnPurpose = 0;
    let leaked = 0;
    let rowsSeen = 0;
    const yieldToOthers = () => new Promise((resolve) => setImmediate(resolve));

    const transaction = async (i: number) => {
      const agencyId = agencies[i % 2];
      const client: PoolClient = await pool.connect();
      try {
        await client.query('BEGIN');
        await client.query(`SELECT set_config('app.agency_id', $1, true)`, [agencyId]);
        await yieldToOthers();
        if (i % 7 === 3) {
          // Fails mid-transaction after the tenant was set: the setting must die with it.
          failedOnPurpose += 1;
          await expect(client.query('SELECT 1 / 0')).rejects.toThrow('division by zero');
          await client.query('ROLLBACK');
          return;
        }
        const { rows } = await client.query(`SELECT agency_id FROM audit_events`);
        rowsSeen += rows.length;
        leaked += rows.filter((r) => r.agency_id !== agencyId).length;
        await yieldToOthers();
        if (i % 11 === 5) await client.query('ROLLBACK');
        else await client.query('COMMIT');
      } finally {
        client.release();
      }
    };

    // Not sequential: all 1,000 are in flight, contending for the 5 connections.
    await Promise.all(Array.from({ length: 1000 }, (_, i) => transaction(i)));
    expect(failedOnPurpose).toBeGreaterThan(100);
    expect(rowsSeen).toBeGreaterThan(2500);
    expect(leaked).toBe(0);

    // Every pooled connection, taken at once, has no agency left over.
    const held = await Promise.all(Array.from({ length: 5 }, () => pool.connect()));
    try {
      for (const client of held) {
        const { rows } = await client.query(
          `SELECT current_setting('app.agency_id', true) AS agency,
                  (SELECT count(*)::int FROM audit_events) AS visible`,
        );
        expect([null, '']).toContain(rows[0].agency);
        expect(rows[0].visible).toBe(0);
      }
    } finally {
      held.forEach((client) => client.release());
      await pool.end();
    }

    const fresh = await connect(t.db.appUrl);
    try {
      const { rows } = await fresh.query(`SELECT current_setting('app.agency_id', true) AS agency`);
      expect([null, '']).toContain(rows[0].agency);
    } finally {
      await fresh.end();
    }
  });
});
