import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { AuditVerifier } from '../src/core/audit/audit-verifier';
import { JobScheduler } from '../src/core/jobs';
import {
  CREATE_PARTITIONS_SCHEDULE,
  PARTITION_MONTHS_AHEAD,
  TimePartitions,
} from '../src/core/jobs/time-partitions';
import { agencyId, asAgencyOwner, ownerPool } from './factories';
import { waitFor } from './factories/finance';
import { connect } from './support/database';
import { useTestApp } from './support/use-test-app';

/** The UTC month `offset` months from now, as a partition suffix: 2027_01. */
function monthSuffix(offset: number): string {
  const now = new Date();
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1));
  return `${d.getUTCFullYear()}_${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

/**
 * The audit log is partitioned by month (migration 1790001200000): rows land in their UTC month,
 * the daily schedule keeps the next months ready, a DEFAULT partition takes what no month holds,
 * row-level security holds through the parent and each partition is closed to the app role, and
 * the audit chain verifies across months.
 */
describe('time-partitioned append-only tables', () => {
  // Schedules are fired by the tests, never by a timer.
  const t = useTestApp({ env: { WORKER_IN_PROCESS: 'false' } });
  let app: Client;
  let mo: string;
  let ks: string;

  beforeAll(async () => {
    app = await connect(t.db.appUrl);
    mo = await agencyId(t, 'mo-dese');
    ks = await agencyId(t, 'ks-ksde');
  });
  t.cleanup(async () => {
    await app?.end();
  });

  /** Inserts an audit event as the app role in the agency, `at` an SQL timestamptz expression. */
  async function auditEventAt(agency: string, at: string): Promise<string> {
    const id = randomUUID();
    await app.query('BEGIN');
    try {
      await app.query(`SELECT set_config('app.agency_id', $1, true)`, [agency]);
      await app.query(
        `INSERT INTO audit_events (agency_id, id, occurred_at, actor_kind, action, entity_type, entity_id)
         VALUES ($1, $2::uuid, ${at}, 'system', 'test.partitioned', 'test', $2::text)`,
        [agency, id],
      );
      await app.query('COMMIT');
    } catch (error) {
      await app.query('ROLLBACK');
      throw error;
    }
    return id;
  }

  /** The partition holding an audit event (read as the owner, in the agency). */
  const auditPartitionOf = (agency: string, id: string) =>
    asAgencyOwner(t, agency === mo ? 'mo-dese' : 'ks-ksde', async (client) => {
      const { rows } = await client.query(
        `SELECT tableoid::regclass::text AS partition FROM audit_events WHERE id = $1`,
        [id],
      );
      return rows[0]?.partition as string;
    });

  it("puts an audit event in its month's partition, whatever the session's time zone", async () => {
    const event = await auditEventAt(mo, 'now()');
    expect(await auditPartitionOf(mo, event)).toBe(`audit_events_p${monthSuffix(0)}`);
    // Months are UTC months: the first microsecond of a month, written from a session west of
    // UTC (where it is still the previous month's evening), lands in the new month.
    await app.query(`SET TIME ZONE 'America/Chicago'`);
    try {
      const first = await auditEventAt(mo, `date_trunc('month', now(), 'UTC')`);
      expect(await auditPartitionOf(mo, first)).toBe(`audit_events_p${monthSuffix(0)}`);
    } finally {
      await app.query(`SET TIME ZONE 'UTC'`);
    }
  });

  it('keeps a row dated past the prepared months in DEFAULT; the schedule creates months ahead, idempotently', async () => {
    const ahead = PARTITION_MONTHS_AHEAD;
    const far = await auditEventAt(mo, `now() + interval '${ahead + 2} months'`);
    expect(await auditPartitionOf(mo, far)).toBe('audit_events_default');

    const partitions = t.app.get(TimePartitions);
    // The migration made the current month and the next ones: the daily run has nothing to do.
    await t.app.get(JobScheduler).fire(CREATE_PARTITIONS_SCHEDULE);
    expect(await partitions.createAhead()).toEqual([]);
    // One month further: created once.
    expect(await partitions.createAhead(ahead + 1)).toEqual([
      `audit_events_p${monthSuffix(ahead + 1)}`,
    ]);
    expect(await partitions.createAhead(ahead + 1)).toEqual([]);
    // The month whose row waits in DEFAULT is not created (that row would no longer belong to
    // DEFAULT: an owner moves it first); that month's inserts keep landing in DEFAULT meanwhile.
    expect(await partitions.createAhead(ahead + 2)).toEqual([]);
    const exists = await app.query(`SELECT to_regclass($1) IS NOT NULL AS present`, [
      `audit_events_p${monthSuffix(ahead + 2)}`,
    ]);
    expect(exists.rows[0].present).toBe(false);
    const later = await auditEventAt(mo, `now() + interval '${ahead + 2} months'`);
    expect(await auditPartitionOf(mo, later)).toBe('audit_events_default');

    // A new partition is protected like the others: RLS forced with a policy, no app grant,
    // and TRUNCATE refused by its own trigger.
    const { rows } = await app.query(
      `SELECT c.relrowsecurity AS enabled, c.relforcerowsecurity AS forced,
              (SELECT count(*)::int FROM pg_policy p WHERE p.polrelid = c.oid) AS policies,
              (SELECT count(*)::int FROM pg_trigger g WHERE g.tgrelid = c.oid AND g.tgname LIKE '%_no_truncate') AS truncate_guards,
              has_table_privilege(c.oid, 'SELECT') AS app_may_read
         FROM pg_class c WHERE c.relname = $1`,
      [`audit_events_p${monthSuffix(ahead + 1)}`],
    );
    expect(rows).toEqual([
      { enabled: true, forced: true, policies: 1, truncate_guards: 1, app_may_read: false },
    ]);
    await expect(
      ownerPool(t).query(`TRUNCATE audit_events_p${monthSuffix(ahead + 1)} CASCADE`),
    ).rejects.toThrow(/append-only/);
  });

  it('gives the app role no way to make or shape partitions itself', async () => {
    const refused = async (statement: string) =>
      expect(app.query(statement)).rejects.toMatchObject({ code: '42501' });
    await refused(
      `CREATE TABLE audit_events_p2099_01 PARTITION OF audit_events
         FOR VALUES FROM ('2099-01-01 00:00+00') TO ('2099-02-01 00:00+00')`,
    );
    await refused(`SELECT time_partition_create('audit_events', DATE '2099-01-01')`);
    await refused(`SELECT time_partition_protect('audit_events', 'audit_events_default')`);
    await expect(app.query(`SELECT time_partitions_ensure(25)`)).rejects.toMatchObject({
      code: '22023',
    });
  });

  it("keeps agency A out of agency B's audit events, through the parent and by partition name", async () => {
    const bEvent = await auditEventAt(ks, 'now()');
    await app.query('BEGIN');
    try {
      await app.query(`SELECT set_config('app.agency_id', $1, true)`, [mo]);
      const events = await app.query(`SELECT agency_id FROM audit_events WHERE id = $1`, [bEvent]);
      expect(events.rows).toEqual([]);
      const mine = await app.query(
        `SELECT DISTINCT agency_id FROM audit_events WHERE occurred_at > now() - interval '1 hour'`,
      );
      expect(mine.rows.map((r) => r.agency_id)).toEqual([mo]);
    } finally {
      await app.query('ROLLBACK');
    }
    for (const partition of [`audit_events_p${monthSuffix(0)}`, 'audit_events_default']) {
      await app.query('BEGIN');
      try {
        await app.query(`SELECT set_config('app.agency_id', $1, true)`, [mo]);
        await expect(app.query(`SELECT agency_id FROM ${partition}`)).rejects.toMatchObject({
          code: '42501',
        });
      } finally {
        await app.query('ROLLBACK');
      }
      // Nor write into one past the parent's policy.
      await expect(
        app.query(`INSERT INTO ${partition} (agency_id) VALUES ($1)`, [ks]),
      ).rejects.toMatchObject({ code: '42501' });
    }
    // Even the owner, reading a partition by name, sees only the agency it set (FORCE RLS).
    const seen = await asAgencyOwner(t, 'mo-dese', async (client) => {
      const { rows } = await client.query(
        `SELECT DISTINCT agency_id FROM audit_events_p${monthSuffix(0)}`,
      );
      return rows.map((r) => r.agency_id as string);
    });
    expect(seen).toEqual([mo]);
  });

  it('verifies the audit chain across a month boundary', async () => {
    const lastOfMonth = await auditEventAt(
      mo,
      `date_trunc('month', now(), 'UTC') + interval '1 month' - interval '1 microsecond'`,
    );
    const firstOfNext = await auditEventAt(
      mo,
      `date_trunc('month', now(), 'UTC') + interval '1 month'`,
    );
    expect(await auditPartitionOf(mo, lastOfMonth)).toBe(`audit_events_p${monthSuffix(0)}`);
    expect(await auditPartitionOf(mo, firstOfNext)).toBe(`audit_events_p${monthSuffix(1)}`);

    const verifier = t.app.get(AuditVerifier);
    const tenant = { agencyId: mo, agencyCode: 'mo-dese' };
    // Sealing waits for the cluster's older transactions (other test files share the server).
    const links = await waitFor('both events linked into the chain', async () => {
      await verifier.sealCommitted(tenant);
      // Each link names its event by the whole key (microseconds included).
      const rows = await asAgencyOwner(t, 'mo-dese', async (client) => {
        const result = await client.query(
          `SELECT l.event_id, e.tableoid::regclass::text AS partition
             FROM audit_chain l JOIN audit_events e
               ON e.agency_id = l.agency_id AND e.id = l.event_id AND e.occurred_at = l.event_occurred_at
            WHERE l.event_id = ANY($1::uuid[]) ORDER BY l.position`,
          [[lastOfMonth, firstOfNext]],
        );
        return result.rows;
      });
      return rows.length === 2 && rows;
    });
    expect(await verifier.verifyAgency(tenant)).toMatchObject({ ok: true });
    expect(links).toEqual([
      { event_id: lastOfMonth, partition: `audit_events_p${monthSuffix(0)}` },
      { event_id: firstOfNext, partition: `audit_events_p${monthSuffix(1)}` },
    ]);
  });
});
