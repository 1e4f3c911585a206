import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { AgencyDirectory } from '../src/agencies/agency-directory';
import { AuditEvents } from '../src/core/audit/audit-events';
import { AuditLog } from '../src/core/audit/audit-log';
import { AuditSealSchedule } from '../src/core/audit/audit-seal.schedule';
import { AuditVerifier } from '../src/core/audit/audit-verifier';
import { describeVerification, verifyAllAuditLogs } from '../src/core/audit/verify-all';
import { Actor, Tenant } from '../src/core/context/request-context';
import { TenantRunner } from '../src/core/context/tenant-db';
import { NoTenantContextError } from '../src/core/errors/domain-error';
import { waitFor } from './jobs/waiting';
import { connect } from './support/database';
import { useTestApp } from './support/use-test-app';

const SYSTEM: Actor = { kind: 'system' };

describe('audit log: append-only, hash-chained per agency', () => {
  const t = useTestApp();
  let audit: AuditLog;
  let verifier: AuditVerifier;
  let runner: TenantRunner;
  let mo: Tenant;
  let ks: Tenant;
  let owner: Client;
  let app: Client;

  /** Records events in one agency transaction, as a job or request would. */
  const record = (tenant: Tenant, count: number, entityId = randomUUID(), actor = SYSTEM) =>
    runner.run(tenant, actor, async () => {
      for (let i = 0; i < count; i += 1) {
        await audit.record({
          action: 'grant.changed',
          entityType: 'grant',
          entityId,
          before: { step: i },
          after: { step: i + 1 },
        });
      }
    });

  /** Runs SQL as the owner with the agency set (RLS is forced for the owner too). */
  async function asOwner<R>(agencyId: string, work: () => Promise<R>): Promise<R> {
    await owner.query('BEGIN');
    try {
      await owner.query(`SELECT set_config('app.agency_id', $1, true)`, [agencyId]);
      const result = await work();
      await owner.query('COMMIT');
      return result;
    } catch (error) {
      await owner.query('ROLLBACK');
      throw error;
    }
  }

  /**
   * Seals until every event of the agency committed so far is linked (sealCommitted, again if
   * need be). The sealer's horizon is the cluster's oldest open transaction, in any database:
   * other test files run beside this one, so one pass may link nothing yet. Waits for the event,
   * not for one pass. Events below the watermark that no link names are orphans, not pending.
   */
  const sealUpToNow = (tenant: Tenant) =>
    waitFor('every committed event of the agency linked', async () => {
      await verifier.sealCommitted(tenant);
      const pending = await asOwner(tenant.agencyId, async () => {
        const { rows } = await owner.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM audit_events e
            WHERE e.tx_id >= coalesce(
                    (SELECT l.watermark FROM audit_chain l ORDER BY l.position DESC LIMIT 1), 0)
              AND NOT EXISTS (SELECT 1 FROM audit_chain l
                               WHERE l.agency_id = e.agency_id AND l.event_id = e.id)`,
        );
        return rows[0].n;
      });
      return pending === 0;
    });

  const chainLength = (tenant: Tenant) =>
    asOwner(tenant.agencyId, async () => {
      const { rows } = await owner.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM audit_chain`,
      );
      return rows[0].n;
    });

  /** The event at a chain position. */
  async function eventAt(tenant: Tenant, position: number): Promise<{ id: string; after: any }> {
    return asOwner(tenant.agencyId, async () => {
      const { rows } = await owner.query(
        `SELECT e.id, e.after FROM audit_chain l
           JOIN audit_events e ON e.agency_id = l.agency_id AND e.id = l.event_id
          WHERE l.position = $1`,
        [position],
      );
      return rows[0];
    });
  }

  /** An owner bypassing the append-only trigger, as an attacker with the owner's password would. */
  async function tamper(tenant: Tenant, sql: string, params: unknown[]): Promise<void> {
    await asOwner(tenant.agencyId, async () => {
      await owner.query(`ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only`);
      await owner.query(`ALTER TABLE audit_chain DISABLE TRIGGER audit_chain_append_only`);
      await owner.query(sql, params);
      await owner.query(`ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only`);
      await owner.query(`ALTER TABLE audit_chain ENABLE TRIGGER audit_chain_append_only`);
    });
  }

  beforeAll(async () => {
    audit = t.app.get(AuditLog);
    verifier = t.app.get(AuditVerifier);
    runner = t.app.get(TenantRunner);
    const directory = t.app.get(AgencyDirectory);
    mo = directory.findByCode('mo-dese')!;
    ks = directory.findByCode('ks-ksde')!;
    owner = await connect(t.db.ownerUrl);
    app = await connect(t.db.appUrl);
  });

  t.cleanup(async () => {
    await owner.end();
    await app.end();
  });

  it('records actor, agency, request id, UTC time and secret-free summaries in the caller’s transaction', async () => {
    const entityId = randomUUID();
    const userId = randomUUID();
    await runner.run(
      mo,
      { kind: 'user', userId },
      () =>
        audit.record({
          action: 'payee.updated',
          entityType: 'payee',
          entityId,
          before: { name: 'Old', bankAccount: '000123', routingNumber: '011000015' },
          after: { name: 'New', password: 'x', nested: { refreshToken: 'y' } },
        }),
      'req-audit-1',
    );
    const rows = await asOwner(mo.agencyId, async () => {
      const result = await owner.query(
        `SELECT agency_id, actor_kind, actor_user_id, action, entity_type, before, after,
                request_id, client_ip, length(content_hash) AS hash_length, tx_id > 0 AS stamped,
                abs(extract(epoch FROM now() - occurred_at)) < 60 AS recent
           FROM audit_events WHERE entity_id = $1`,
        [entityId],
      );
      return result.rows;
    });
    expect(rows).toEqual([
      {
        agency_id: mo.agencyId,
        actor_kind: 'user',
        actor_user_id: userId,
        action: 'payee.updated',
        entity_type: 'payee',
        before: { name: 'Old', bankAccount: '[redacted]', routingNumber: '[redacted]' },
        after: { name: 'New', password: '[redacted]', nested: { refreshToken: '[redacted]' } },
        request_id: 'req-audit-1',
        client_ip: null,
        hash_length: 64,
        stamped: true,
        recent: true,
      },
    ]);
  });

  it('refuses to record an agency event with no agency in context', async () => {
    await expect(
      runner.runWithoutTenant(SYSTEM, () =>
        audit.record({ action: 'x.y', entityType: 'x', entityId: '1' }),
      ),
    ).rejects.toBeInstanceOf(NoTenantContextError);
  });

  it('rolls back with the change, except what is recorded independently', async () => {
    const entityId = randomUUID();
    await expect(
      runner.run(mo, SYSTEM, async () => {
        await audit.record({ action: 'grant.changed', entityType: 'grant', entityId });
        await audit.recordIndependently({
          action: 'auth.forbidden',
          entityType: 'permission',
          entityId,
          agencyId: mo.agencyId,
          actorUserId: '00000000-0000-4000-8000-000000000001',
        });
        await audit.recordIndependently({
          action: 'auth.login_failed',
          entityType: 'user',
          entityId,
          after: { email: 'nobody@example.org', reason: 'invalid_credentials' },
        });
        throw new Error('the request fails');
      }),
    ).rejects.toThrow('the request fails');

    const agencyRows = await asOwner(mo.agencyId, async () => {
      const result = await owner.query(
        `SELECT action, actor_user_id FROM audit_events WHERE entity_id = $1`,
        [entityId],
      );
      return result.rows;
    });
    expect(agencyRows).toEqual([
      { action: 'auth.forbidden', actor_user_id: '00000000-0000-4000-8000-000000000001' },
    ]);
    // No agency: the platform log, not an agency's.
    const platform = await owner.query(
      `SELECT action, actor_kind, after FROM platform_audit_events WHERE entity_id = $1`,
      [entityId],
    );
    expect(platform.rows).toEqual([
      {
        action: 'auth.login_failed',
        actor_kind: 'system',
        after: { email: 'nobody@example.org', reason: 'invalid_credentials' },
      },
    ]);
  });

  it('lets the app role only insert and read; refuses UPDATE, DELETE and TRUNCATE even to the owner', async () => {
    await record(mo, 1);
    await app.query('BEGIN');
    await app.query(`SELECT set_config('app.agency_id', $1, true)`, [mo.agencyId]);
    await expect(app.query(`UPDATE audit_events SET action = 'x'`)).rejects.toThrow(
      'permission denied',
    );
    await app.query('ROLLBACK');
    for (const table of ['audit_events', 'audit_chain', 'platform_audit_events']) {
      await expect(app.query(`DELETE FROM ${table}`)).rejects.toThrow('permission denied');
    }

    await sealUpToNow(mo); // so audit_chain has rows for the owner to try
    for (const table of ['audit_events', 'audit_chain']) {
      for (const statement of [
        `UPDATE ${table} SET agency_id = agency_id`,
        `DELETE FROM ${table}`,
      ]) {
        await expect(asOwner(mo.agencyId, () => owner.query(statement))).rejects.toThrow(
          /append-only: (UPDATE|DELETE) on/,
        );
      }
      await expect(owner.query(`TRUNCATE ${table} CASCADE`)).rejects.toThrow(
        'append-only: TRUNCATE',
      );
    }
    await expect(owner.query(`DELETE FROM platform_audit_events`)).rejects.toThrow('append-only');
  });

  it('never makes a writer wait for another open transaction in the agency; seals only what has committed', async () => {
    const slow = await connect(t.db.appUrl);
    const fast = await connect(t.db.appUrl);
    try {
      await sealUpToNow(mo);
      const linkedBefore = await chainLength(mo);
      const insert = `INSERT INTO audit_events (agency_id, actor_kind, action, entity_type, entity_id)
                      VALUES ($1, 'system', 'grant.changed', 'grant', $2) RETURNING id`;
      await slow.query('BEGIN');
      await slow.query(`SELECT set_config('app.agency_id', $1, true)`, [mo.agencyId]);
      const held = await slow.query(insert, [mo.agencyId, 'slow']);

      // A second writer in the same agency commits while the first is still open.
      await fast.query(`SET statement_timeout = '2s'`);
      await fast.query('BEGIN');
      await fast.query(`SELECT set_config('app.agency_id', $1, true)`, [mo.agencyId]);
      const quick = await fast.query(insert, [mo.agencyId, 'fast']);
      await fast.query('COMMIT');

      // The sealer runs meanwhile: it links nothing at or after the open transaction.
      expect(await verifier.seal(mo)).toBe(0);
      await slow.query('COMMIT');
      // Then exactly these two are linked (in as many passes as the cluster's horizon takes).
      await sealUpToNow(mo);
      expect((await chainLength(mo)) - linkedBefore).toBe(2);

      const linked = await asOwner(mo.agencyId, async () => {
        const result = await owner.query(
          `SELECT event_id FROM audit_chain WHERE event_id = ANY($1::uuid[]) ORDER BY position`,
          [[held.rows[0].id, quick.rows[0].id]],
        );
        return result.rows.map((r) => r.event_id);
      });
      expect(linked).toEqual([held.rows[0].id, quick.rows[0].id]);
      expect((await verifier.verifyAgency(mo)).ok).toBe(true);
    } finally {
      await slow.end();
      await fast.end();
    }
  });

  it('links many concurrent writers without losing or duplicating an event', async () => {
    await Promise.all(Array.from({ length: 40 }, () => record(ks, 3)));
    const result = await verifier.verifyAgency(ks);
    const total = await asOwner(ks.agencyId, async () => {
      const { rows } = await owner.query(`SELECT count(*)::int AS n FROM audit_events`);
      return rows[0].n;
    });
    expect(result).toMatchObject({ ok: true, checked: total, head: { position: total } });
  });

  it('passes on untouched data and names the first broken link when the owner alters a row', async () => {
    await record(mo, 4);
    const clean = await verifier.verifyAgency(mo);
    expect(clean.ok).toBe(true);
    expect(clean.firstBrokenLink).toBeUndefined();

    const victim = await eventAt(mo, 3);
    const later = await eventAt(mo, 5);
    // Tamper with two rows: the verifier reports the earlier one.
    for (const target of [later, victim]) {
      await tamper(mo, `UPDATE audit_events SET after = '{"step": 999}' WHERE id = $1`, [
        target.id,
      ]);
    }
    const broken = await verifier.verifyAgency(mo);
    expect(broken).toEqual({
      ok: false,
      checked: 3,
      firstBrokenLink: { position: 3, eventId: victim.id, problem: 'event_altered' },
    });

    // Rewriting the stored content hash to match does not help: the link still remembers it.
    await tamper(
      mo,
      `UPDATE audit_events e SET content_hash = audit_content_hash(e.agency_id, e.id, e.occurred_at,
         e.actor_kind, e.actor_user_id, e.action, e.entity_type, e.entity_id, e.before, e.after,
         e.request_id, e.client_ip, e.tx_id) WHERE id = $1`,
      [victim.id],
    );
    expect((await verifier.verifyAgency(mo)).firstBrokenLink).toEqual({
      position: 3,
      eventId: victim.id,
      problem: 'event_hash_mismatch',
    });

    // Restoring the original content restores the chain: the check is exact, not heuristic.
    for (const target of [victim, later]) {
      await tamper(mo, `UPDATE audit_events SET after = $2::jsonb WHERE id = $1`, [
        target.id,
        target.after === null ? null : JSON.stringify(target.after),
      ]);
    }
    await tamper(
      mo,
      `UPDATE audit_events e SET content_hash = audit_content_hash(e.agency_id, e.id, e.occurred_at,
         e.actor_kind, e.actor_user_id, e.action, e.entity_type, e.entity_id, e.before, e.after,
         e.request_id, e.client_ip, e.tx_id) WHERE id = $1`,
      [victim.id],
    );
    expect((await verifier.verifyAgency(mo)).ok).toBe(true);

    // A rewritten link breaks the chain at that link.
    await tamper(mo, `UPDATE audit_chain SET prev_hash = repeat('f', 64) WHERE position = 2`, []);
    expect((await verifier.verifyAgency(mo)).firstBrokenLink).toMatchObject({
      position: 2,
      problem: 'link_altered',
    });
    await tamper(
      mo,
      `UPDATE audit_chain l SET prev_hash = p.link_hash FROM audit_chain p
        WHERE l.position = 2 AND p.position = 1 AND p.agency_id = l.agency_id`,
      [],
    );
    expect((await verifier.verifyAgency(mo)).ok).toBe(true);
  });

  it('finds an event slipped in behind the chain', async () => {
    await record(ks, 2);
    await sealUpToNow(ks);
    const forged = randomUUID();
    await asOwner(ks.agencyId, async () => {
      await owner.query(`ALTER TABLE audit_events DISABLE TRIGGER audit_events_stamp`);
      await owner.query(
        `INSERT INTO audit_events (agency_id, id, actor_kind, action, entity_type, entity_id, tx_id, content_hash)
         VALUES ($1, $2, 'system', 'grant.changed', 'grant', 'forged', 1, 'x')`,
        [ks.agencyId, forged],
      );
      await owner.query(`ALTER TABLE audit_events ENABLE TRIGGER audit_events_stamp`);
    });
    const result = await verifier.verifyAgency(ks);
    expect(result.firstBrokenLink).toEqual({
      position: null,
      eventId: forged,
      problem: 'unchained_event',
    });

    // The command-line verifier checks every log and says which is broken, and where.
    const all = await verifyAllAuditLogs(t.db.appUrl, t.app.get(AgencyDirectory).allTenants());
    const lines = all.map(describeVerification);
    expect(lines).toEqual([
      expect.stringMatching(
        /^ks-ksde: BROKEN outside the chain: event [0-9a-f-]{36} \(unchained_event\)$/,
      ),
      expect.stringMatching(/^mo-dese: ok \(\d+ links, head \d+ [0-9a-f]{64}\)$/),
      expect.stringMatching(/^platform: ok \(\d+ links/),
    ]);
    expect(lines[0]).toContain(forged);
  });

  it('seals every agency and the platform log on its schedule', async () => {
    // The sealing horizon is the cluster's oldest open transaction: on a shared, busy server a
    // pass may link nothing yet. So: seal until this test's events are linked (an event, not a
    // count per pass), then check each is linked once and nothing is left for another pass.
    const entityId = randomUUID();
    await record(mo, 2, entityId);
    await record(ks, 1, entityId);
    await audit.recordIndependently({
      action: 'auth.login_failed',
      entityType: 'user',
      entityId,
    });
    const links = async () => {
      const agencyLinks: number[] = [];
      for (const tenant of [mo, ks]) {
        // One owner connection: one agency transaction at a time.
        agencyLinks.push(
          await asOwner(tenant.agencyId, async () => {
            const { rows } = await owner.query<{ n: number }>(
              `SELECT count(l.event_id)::int AS n FROM audit_events e
                 LEFT JOIN audit_chain l ON l.agency_id = e.agency_id AND l.event_id = e.id
                WHERE e.entity_id = $1`,
              [entityId],
            );
            return rows[0].n;
          }),
        );
      }
      const { rows } = await owner.query<{ n: number }>(
        `SELECT count(l.event_id)::int AS n FROM platform_audit_events e
           LEFT JOIN platform_audit_chain l ON l.event_id = e.id
          WHERE e.entity_id = $1`,
        [entityId],
      );
      return [...agencyLinks, rows[0].n];
    };
    const seal = t.app.get(AuditSealSchedule);
    let linked = 0;
    await waitFor('the new events linked in every log', async () => {
      linked += await seal.sealAll();
      const [moLinks, ksLinks, platformLinks] = await links();
      return moLinks >= 2 && ksLinks >= 1 && platformLinks >= 1;
    });
    expect(linked).toBeGreaterThanOrEqual(4);
    expect(await links()).toEqual([2, 1, 1]); // each event linked exactly once
    expect(await seal.sealAll()).toBe(0);
  });

  it('chains the platform log the same way', async () => {
    await audit.recordIndependently({
      action: 'auth.login_failed',
      entityType: 'user',
      entityId: 'a',
    });
    const result = await verifier.verifyPlatform();
    expect(result.ok).toBe(true);
    expect(result.checked).toBeGreaterThanOrEqual(1);
  });

  describe('querying events', () => {
    const entityId = randomUUID();
    const actorUserId = randomUUID();
    const list = (tenant: Tenant, query: Record<string, unknown>) =>
      runner.run(tenant, SYSTEM, () => t.app.get(AuditEvents).list(query));

    beforeAll(async () => {
      // Seven events in one transaction share one occurred_at: the id breaks the tie.
      await record(mo, 7, entityId, { kind: 'user', userId: actorUserId });
      await record(mo, 2, entityId);
    });

    it('pages by keyset, newest first, without gaps or repeats', async () => {
      const seen: string[] = [];
      let cursor: string | undefined;
      const sizes: number[] = [];
      do {
        const page = await list(mo, { entityType: 'grant', entityId, limit: 4, cursor });
        sizes.push(page.items.length);
        seen.push(...page.items.map((item) => item.id));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(sizes).toEqual([4, 4, 1]);
      expect(new Set(seen).size).toBe(9);

      const all = await list(mo, { entityType: 'grant', entityId, limit: 50 });
      expect(all.items.map((item) => item.id)).toEqual(seen);
      const order = all.items.map((item) => `${item.occurredAt}|${item.id}`);
      expect(order).toEqual([...order].sort().reverse());
      expect(all.nextCursor).toBeNull();
    });

    it('filters by actor and time, within the agency only', async () => {
      const byActor = await list(mo, { actorUserId });
      expect(byActor.items).toHaveLength(7);
      expect(byActor.items[0]).toMatchObject({
        actor: { kind: 'user', userId: actorUserId },
        entityType: 'grant',
        entityId,
        action: 'grant.changed',
      });
      const future = await list(mo, {
        entityType: 'grant',
        entityId,
        from: '2999-01-01T00:00:00Z',
      });
      expect(future.items).toEqual([]);
      const past = await list(mo, { entityType: 'grant', entityId, to: '2000-01-01T00:00:00Z' });
      expect(past.items).toEqual([]);
      expect((await list(ks, { entityType: 'grant', entityId })).items).toEqual([]);
    });

    it('refuses a forged cursor and an entity id without its type', async () => {
      await expect(list(mo, { cursor: 'not-a-cursor' })).rejects.toMatchObject({
        code: 'pagination.invalid_cursor',
      });
      await expect(list(mo, { entityId })).rejects.toMatchObject({ code: 'request.invalid' });
    });
  });
});
