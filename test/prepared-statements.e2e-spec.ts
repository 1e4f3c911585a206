import { Pool } from 'pg';
import {
  MAX_PREPARED_PER_CONNECTION,
  PreparingClient,
} from '../src/core/database/prepared-statements';
import { connect, createTestDatabase, TestDatabase } from './support/database';

/**
 * The app pool prepares parameterised statements per connection. What must hold: results are
 * the same, row-level security still follows the tenant of each transaction (a cached generic
 * plan must not freeze the first caller's agency), and a connection holds a bounded number.
 */
describe('prepared statements on the app pool', () => {
  let db: TestDatabase;
  let pool: Pool;
  const agencies: string[] = [];

  const prepared = async (client: { query: Pool['query'] }) =>
    (await client.query(`SELECT name, statement FROM pg_prepared_statements`)).rows as Array<{
      name: string;
      statement: string;
    }>;

  beforeAll(async () => {
    db = await createTestDatabase();
    const owner = await connect(db.ownerUrl);
    try {
      for (const code of ['prep-a', 'prep-b']) {
        const { rows } = await owner.query(
          `INSERT INTO agencies (code, name, jurisdiction, time_zone, config, config_hash, active)
           VALUES ($1, $1, 'XX', 'America/Chicago', '{}'::jsonb, $1, true) RETURNING id`,
          [code],
        );
        agencies.push(rows[0].id as string);
      }
      const { rows: users } = await owner.query(
        `INSERT INTO users (email, name) VALUES ('prep@example.org', 'Prep') RETURNING id`,
      );
      for (const agencyId of agencies) {
        await owner.query('BEGIN');
        await owner.query(`SELECT set_config('app.agency_id', $1, true)`, [agencyId]);
        await owner.query(
          `INSERT INTO notifications (agency_id, user_id, template, subject, body)
           SELECT $1, $2, 't', 's', 'b' FROM generate_series(1, 3)`,
          [agencyId, users[0].id],
        );
        await owner.query('COMMIT');
      }
    } finally {
      await owner.end();
    }
    pool = new Pool({ connectionString: db.appUrl, max: 1, Client: PreparingClient });
  });

  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  it('prepares a parameterised statement once per connection, and not a bare one', async () => {
    const client = await pool.connect();
    try {
      const text = 'SELECT $1::int + 1 AS next';
      expect((await client.query(text, [1])).rows).toEqual([{ next: 2 }]);
      expect((await client.query(text, [41])).rows).toEqual([{ next: 42 }]);
      await client.query('SELECT 1 AS bare');
      const statements = await prepared(client);
      expect(statements.filter((s) => s.statement === text)).toHaveLength(1);
      expect(statements.some((s) => s.statement.includes('bare'))).toBe(false);
    } finally {
      client.release();
    }
  });

  it('keeps row-level security per transaction when the plan is cached and generic', async () => {
    const client = await pool.connect();
    try {
      await client.query(`SET plan_cache_mode = force_generic_plan`);
      const text = `SELECT count(*)::int AS n, min(agency_id::text) AS agency
                      FROM notifications WHERE template = $1`;
      for (let round = 0; round < 8; round++) {
        const agencyId = agencies[round % 2];
        await client.query('BEGIN');
        await client.query(`SELECT set_config('app.agency_id', $1, true)`, [agencyId]);
        const { rows } = await client.query(text, ['t']);
        await client.query('COMMIT');
        expect(rows).toEqual([{ n: 3, agency: agencyId }]);
      }
      expect((await prepared(client)).filter((s) => s.statement === text)).toHaveLength(1);
    } finally {
      await client.query(`RESET plan_cache_mode`);
      client.release();
    }
  });

  it('sends START TRANSACTION with the first statement and still opens a real transaction', async () => {
    const client = await pool.connect();
    const setting = async () =>
      (await client.query(`SELECT current_setting($1, true) AS v`, ['app.probe'])).rows[0].v as
        string | null;
    try {
      // First statement without parameters: it carries the held-back BEGIN.
      await client.query('START TRANSACTION');
      const first = await client.query(`SELECT set_config('app.probe', 'inside', true) AS v`);
      expect(first.rows).toEqual([{ v: 'inside' }]);
      expect(await setting()).toBe('inside'); // transaction-local, so a transaction is open
      await client.query('ROLLBACK');
      expect(await setting()).toBeFalsy();

      // First statement with parameters: BEGIN goes first, on its own.
      await client.query('START TRANSACTION');
      await client.query(`SELECT set_config('app.probe', $1, true)`, ['again']);
      expect(await setting()).toBe('again');
      await client.query('COMMIT');
      expect(await setting()).toBeFalsy();

      // An empty transaction commits cleanly.
      await client.query('START TRANSACTION');
      await client.query('COMMIT');
      expect((await client.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      client.release();
    }
  });

  it('stops preparing at the per-connection cap and still answers', async () => {
    const client = await pool.connect();
    try {
      for (let i = 0; i < MAX_PREPARED_PER_CONNECTION + 10; i++) {
        const { rows } = await client.query(`SELECT $1::int AS v, ${i} AS i`, [i]);
        expect(rows[0]).toEqual({ v: i, i });
      }
      expect((await prepared(client)).length).toBe(MAX_PREPARED_PER_CONNECTION);
    } finally {
      client.release();
    }
  });
});
