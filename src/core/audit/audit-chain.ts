import { createHash } from 'node:crypto';
import { sql, SqlStatement } from '../database/sql-statement';

/**
 * The hash chain over the audit log, and its verifier.
 *
 * Why a separate sealing step: chaining at insert time would make every audited write in an agency
 * wait for the previous writer's transaction (one lock per agency, held until commit). Instead:
 *
 * 1. Each event is inserted freely; a trigger stamps `content_hash` (sha256 of its fields) and
 *    `tx_id` (the inserting transaction).
 * 2. The sealer, in a short transaction of its own per agency (a periodic timer, and every
 *    verification), takes the agency's sealing lock (an advisory lock only sealers contend for),
 *    reads the snapshot's xmin (every transaction below it has finished, so all its committed
 *    events are visible), and appends one `audit_chain` link per unlinked event with
 *    `tx_id` in [previous watermark, xmin), ordered by (tx_id, occurred_at, id):
 *    link_hash = sha256(prev_hash : position : event content_hash). The link remembers the
 *    watermark, so the next seal starts where this one stopped and never scans the whole log.
 * 3. The verifier seals until everything committed before it was called is linked, then walks the links in order, recomputing each event's hash from
 *    its stored fields and each link from its predecessor. The first mismatch is the first
 *    broken link. Events below the watermark that no link names are reported too.
 *
 * Both tables refuse UPDATE/DELETE/TRUNCATE by trigger. What this cannot catch is an owner who
 * rewrites the whole chain consistently; anchoring the head hash outside the database (it is
 * returned by verify) closes that gap. Between insert and sealing (seconds) an event is covered
 * by its own content hash only.
 */
/** Runs a chain statement on whatever connection the caller holds (a manager, a pg client). */
export type Sql = <T>(statement: SqlStatement<T>, params: unknown[]) => Promise<T[]>;

/** An agency's log, or the platform log (events that belong to no agency). */
export type ChainScope = { agencyId: string } | 'platform';

export const GENESIS_HASH = '0'.repeat(64);
const SEAL_BATCH = 1000;
const VERIFY_BATCH = 2000;

export type BrokenLinkProblem =
  | 'position_gap'
  | 'event_missing'
  | 'event_altered'
  | 'event_hash_mismatch'
  | 'link_altered'
  | 'unchained_event';

export interface BrokenLink {
  /** The chain position, or null for an event no link names. */
  position: number | null;
  eventId: string;
  problem: BrokenLinkProblem;
}

export interface ChainVerification {
  ok: boolean;
  /** Links examined (up to and including the first broken one). */
  checked: number;
  head?: { position: number; hash: string };
  firstBrokenLink?: BrokenLink;
}

export function linkHash(prevHash: string, position: number, eventHash: string): string {
  return createHash('sha256').update(`${prevHash}:${position}:${eventHash}`).digest('hex');
}

/** Table names and the agency filter of a log; `$1` is the agency id when there is one. */
function tablesOf(kind: 'agency' | 'platform') {
  if (kind === 'platform') {
    return {
      events: 'platform_audit_events',
      chain: 'platform_audit_chain',
      eventFilter: 'TRUE',
      linkFilter: 'TRUE',
      join: 'e.id = l.event_id',
      agencyArg: 'NULL::uuid',
      occurred: { select: '', column: '', array: '' },
      agencyColumn: '',
      agencyValue: '',
      n: 0,
    };
  }
  return {
    events: 'audit_events',
    chain: 'audit_chain',
    eventFilter: 'e.agency_id = $1',
    linkFilter: 'l.agency_id = $1',
    // With the partition key, the join reaches one month's partition (run-time pruning).
    join: 'e.agency_id = l.agency_id AND e.id = l.event_id AND e.occurred_at = l.event_occurred_at',
    agencyArg: 'e.agency_id',
    // The event's partition key travels with the link as text (a JS Date drops microseconds).
    occurred: {
      select: ', e.occurred_at::text AS occurred_at',
      column: ', event_occurred_at',
      array: ', $8::timestamptz[]',
    },
    agencyColumn: 'agency_id, ',
    agencyValue: '$1::uuid, ',
    n: 1,
  };
}

/** The chain's statements for one kind of log (the agency's, or the platform's). */
function chainStatements(kind: 'agency' | 'platform') {
  const t = tablesOf(kind);
  const n = t.n;
  const name = (what: string) => `core.audit-chain-${kind}-${what}`;
  return {
    head: sql<{ position: string; link_hash: string; watermark: string }>(
      name('head'),
      `SELECT l.position::text, l.link_hash, l.watermark::text FROM ${t.chain} l
        WHERE ${t.linkFilter} ORDER BY l.position DESC LIMIT 1`,
    ),
    // One statement, one snapshot: the horizon and the events read agree.
    unlinked: sql<{
      id: string;
      content_hash: string;
      tx_id: string;
      horizon: string;
      occurred_at?: string;
    }>(
      name('unlinked'),
      `SELECT e.id, e.content_hash, e.tx_id::text AS tx_id${t.occurred.select},
              pg_snapshot_xmin(pg_current_snapshot())::text AS horizon
         FROM ${t.events} e
        WHERE ${t.eventFilter}
          AND e.tx_id >= $${n + 1}::bigint
          AND e.tx_id < pg_snapshot_xmin(pg_current_snapshot())::text::bigint
          AND NOT EXISTS (SELECT 1 FROM ${t.chain} l WHERE ${t.join})
        ORDER BY e.tx_id, e.occurred_at, e.id
        LIMIT ${SEAL_BATCH}`,
    ),
    link: sql(
      name('link'),
      `INSERT INTO ${t.chain} (${t.agencyColumn}position, event_id, event_hash, prev_hash, link_hash${t.occurred.column}, watermark)
       SELECT ${t.agencyValue}*, $${n + 6}::bigint
         FROM unnest($${n + 1}::bigint[], $${n + 2}::uuid[], $${n + 3}::text[], $${n + 4}::text[], $${n + 5}::text[]${t.occurred.array})`,
    ),
    target: sql<{ target: string | null }>(
      name('target'),
      `SELECT max(e.tx_id)::text AS target FROM ${t.events} e WHERE ${t.eventFilter}`,
    ),
    pending: sql<{ pending: number }>(
      name('pending'),
      `SELECT count(*)::int AS pending FROM ${t.events} e
        WHERE ${t.eventFilter} AND e.tx_id <= $${n + 1}::bigint AND e.tx_id >= $${n + 2}::bigint
          AND NOT EXISTS (SELECT 1 FROM ${t.chain} l WHERE ${t.join})`,
    ),
    links: sql<LinkRow>(
      name('links'),
      `SELECT l.position::text, l.event_id, l.event_hash, l.prev_hash, l.link_hash,
              e.id IS NOT NULL AS present, e.content_hash,
              audit_content_hash(${t.agencyArg}, e.id, e.occurred_at, e.actor_kind,
                e.actor_user_id, e.action, e.entity_type, e.entity_id, e.before, e.after,
                e.request_id, e.client_ip, e.tx_id) AS recomputed
         FROM ${t.chain} l LEFT JOIN ${t.events} e ON ${t.join}
        WHERE ${t.linkFilter} AND l.position > $${n + 1}::bigint
        ORDER BY l.position
        LIMIT ${VERIFY_BATCH}`,
    ),
    // Every event of a transaction below the watermark was linked when sealed: one that is not
    // was slipped in behind the chain's back.
    orphan: sql<{ id: string }>(
      name('orphan'),
      `SELECT e.id FROM ${t.events} e
        WHERE ${t.eventFilter} AND e.tx_id < $${n + 1}::bigint
          AND NOT EXISTS (SELECT 1 FROM ${t.chain} l WHERE ${t.join})
        ORDER BY e.tx_id, e.occurred_at, e.id LIMIT 1`,
    ),
  };
}

const CHAIN = { agency: chainStatements('agency'), platform: chainStatements('platform') };
const LOCK = sql('core.audit-chain-lock', `SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`);
const TRY_LOCK = sql<{ acquired: boolean }>(
  'core.audit-chain-try-lock',
  `SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0)) AS acquired`,
);

/** A scope's statements, the agency id they take first, and its sealing lock. */
function scopeOf(scope: ChainScope) {
  return scope === 'platform'
    ? { q: CHAIN.platform, params: [] as unknown[], lockKey: 'audit_chain:platform' }
    : {
        q: CHAIN.agency,
        params: [scope.agencyId] as unknown[],
        lockKey: `audit_chain:${scope.agencyId}`,
      };
}

interface Head {
  position: number;
  hash: string;
  watermark: string;
}

async function readHead(sql: Sql, scope: ChainScope): Promise<Head | undefined> {
  const t = scopeOf(scope);
  const rows = await sql(t.q.head, t.params);
  const row = rows[0];
  return row && { position: Number(row.position), hash: row.link_hash, watermark: row.watermark };
}

/**
 * Links the scope's committed, unlinked events. Must run inside a transaction (with the tenant
 * set for an agency scope). With `wait: false` it returns 0 at once when another process is
 * sealing the same log. Returns the number of events linked.
 */
export async function sealChain(
  sql: Sql,
  scope: ChainScope,
  options: { wait: boolean },
): Promise<number> {
  const t = scopeOf(scope);
  if (options.wait) {
    await sql(LOCK, [t.lockKey]);
  } else {
    const [lock] = await sql(TRY_LOCK, [t.lockKey]);
    if (!lock.acquired) return 0;
  }

  let head = await readHead(sql, scope);
  let linked = 0;
  for (;;) {
    const rows = await sql(t.q.unlinked, [...t.params, head?.watermark ?? '0']);
    if (rows.length === 0) return linked;
    // A full batch may stop inside one transaction's events: the next pass restarts at its tx_id.
    const full = rows.length === SEAL_BATCH;
    const watermark = full ? rows[rows.length - 1].tx_id : rows[0].horizon;
    let prev = head?.hash ?? GENESIS_HASH;
    let position = head?.position ?? 0;
    const links = rows.map((row) => {
      position += 1;
      const hash = linkHash(prev, position, row.content_hash);
      const link = {
        position,
        eventId: row.id,
        eventHash: row.content_hash,
        prev,
        hash,
        occurredAt: row.occurred_at,
      };
      prev = hash;
      return link;
    });
    await sql(t.q.link, [
      ...t.params,
      links.map((l) => l.position),
      links.map((l) => l.eventId),
      links.map((l) => l.eventHash),
      links.map((l) => l.prev),
      links.map((l) => l.hash),
      watermark,
      ...(scope === 'platform' ? [] : [links.map((l) => l.occurredAt)]),
    ]);
    linked += links.length;
    head = { position, hash: prev, watermark };
    if (!full) return linked;
  }
}

const CATCH_UP_MS = 10_000;

/**
 * Seals until every event committed before this call is linked. The sealing horizon is the
 * cluster's oldest open transaction, so a long transaction anywhere (another database on the same
 * server included) holds sealing back; this waits it out, up to a bound, instead of verifying a
 * chain that is behind. Runs inside a transaction; each pass sees a fresh snapshot.
 */
export async function sealCommitted(sql: Sql, scope: ChainScope): Promise<number> {
  const t = scopeOf(scope);
  const [{ target }] = await sql(t.q.target, t.params);
  let linked = await sealChain(sql, scope, { wait: true });
  if (target === null) return linked;
  const deadline = Date.now() + CATCH_UP_MS;
  for (;;) {
    // Below the watermark an unlinked event is an orphan for the verifier to report, not pending.
    const watermark = (await readHead(sql, scope))?.watermark ?? '0';
    const [{ pending }] = await sql(t.q.pending, [...t.params, target, watermark]);
    if (pending === 0 || Date.now() > deadline) return linked;
    await new Promise((resolve) => setTimeout(resolve, 50));
    linked += await sealChain(sql, scope, { wait: true });
  }
}

interface LinkRow {
  position: string;
  event_id: string;
  event_hash: string;
  prev_hash: string;
  link_hash: string;
  present: boolean;
  content_hash: string | null;
  recomputed: string | null;
}

function checkLink(row: LinkRow, expectedPosition: number, prevHash: string) {
  const position = Number(row.position);
  if (position !== expectedPosition) return 'position_gap';
  if (!row.present) return 'event_missing';
  if (row.recomputed !== row.content_hash) return 'event_altered';
  if (row.content_hash !== row.event_hash) return 'event_hash_mismatch';
  if (row.prev_hash !== prevHash) return 'link_altered';
  if (row.link_hash !== linkHash(row.prev_hash, position, row.event_hash)) return 'link_altered';
  return undefined;
}

/**
 * Seals, then verifies the whole chain of a scope. Runs inside a transaction (tenant set for an
 * agency); holds the sealing lock until that transaction ends, so the chain cannot grow under it.
 */
export async function verifyChain(sql: Sql, scope: ChainScope): Promise<ChainVerification> {
  await sealCommitted(sql, scope);
  const t = scopeOf(scope);
  let prevHash = GENESIS_HASH;
  let position = 0;
  let checked = 0;
  for (;;) {
    const rows = await sql(t.q.links, [...t.params, position]);
    for (const row of rows) {
      checked += 1;
      const problem = checkLink(row, position + 1, prevHash);
      if (problem) {
        return {
          ok: false,
          checked,
          firstBrokenLink: { position: Number(row.position), eventId: row.event_id, problem },
        };
      }
      position += 1;
      prevHash = row.link_hash;
    }
    if (rows.length < VERIFY_BATCH) break;
  }

  const head = await readHead(sql, scope);
  if (head) {
    const orphans = await sql(t.q.orphan, [...t.params, head.watermark]);
    if (orphans[0]) {
      return {
        ok: false,
        checked,
        head: { position: head.position, hash: head.hash },
        firstBrokenLink: { position: null, eventId: orphans[0].id, problem: 'unchained_event' },
      };
    }
  }
  return {
    ok: true,
    checked,
    ...(head ? { head: { position: head.position, hash: head.hash } } : {}),
  };
}
