import type { Client } from 'pg';
import { GENESIS_HASH, linkHash } from '../../src/core/audit/audit-chain';

const INSERT_BATCH = 5000;

/**
 * Links an agency's seeded audit events into its hash chain, as the sealer would, in one pass.
 * The sealer's own loop re-reads a transaction's events batch by batch (fine for the few events
 * a request writes, quadratic for the hundred thousand one seed transaction writes), so the seed
 * links them here with the same rules: order (tx_id, occurred_at, id), link_hash =
 * sha256(prev:position:content_hash), watermark = the snapshot's xmin. Returns the links written.
 */
export async function sealSeededAudit(client: Client, agencyId: string): Promise<number> {
  await client.query('BEGIN');
  try {
    await client.query(`SELECT set_config('app.agency_id', $1, true)`, [agencyId]);
    await client.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [
      `audit_chain:${agencyId}`,
    ]);
    const head = await client.query<{ position: string; link_hash: string; watermark: string }>(
      `SELECT position::text, link_hash, watermark::text FROM audit_chain
        WHERE agency_id = $1 ORDER BY position DESC LIMIT 1`,
      [agencyId],
    );
    const { rows } = await client.query<{
      id: string;
      content_hash: string;
      occurred_at: string;
      horizon: string;
    }>(
      `SELECT e.id, e.content_hash, e.occurred_at::text AS occurred_at,
              pg_snapshot_xmin(pg_current_snapshot())::text AS horizon
         FROM audit_events e
        WHERE e.agency_id = $1 AND e.tx_id >= $2::bigint
          AND e.tx_id < pg_snapshot_xmin(pg_current_snapshot())::text::bigint
          AND NOT EXISTS (SELECT 1 FROM audit_chain l
                           WHERE l.agency_id = e.agency_id AND l.event_id = e.id
                             AND l.event_occurred_at = e.occurred_at)
        ORDER BY e.tx_id, e.occurred_at, e.id`,
      [agencyId, head.rows[0]?.watermark ?? '0'],
    );
    let prev = head.rows[0]?.link_hash ?? GENESIS_HASH;
    let position = Number(head.rows[0]?.position ?? 0);
    for (let i = 0; i < rows.length; i += INSERT_BATCH) {
      const batch = rows.slice(i, i + INSERT_BATCH);
      const positions: number[] = [];
      const prevs: string[] = [];
      const links: string[] = [];
      for (const row of batch) {
        position += 1;
        const hash = linkHash(prev, position, row.content_hash);
        positions.push(position);
        prevs.push(prev);
        links.push(hash);
        prev = hash;
      }
      await client.query(
        `INSERT INTO audit_chain (agency_id, position, event_id, event_hash, prev_hash, link_hash, event_occurred_at, watermark)
         SELECT $1::uuid, *, $7::bigint
           FROM unnest($2::bigint[], $3::uuid[], $4::text[], $5::text[], $6::text[], $8::timestamptz[])`,
        [
          agencyId,
          positions,
          batch.map((r) => r.id),
          batch.map((r) => r.content_hash),
          prevs,
          links,
          rows[0].horizon,
          batch.map((r) => r.occurred_at),
        ],
      );
    }
    await client.query('COMMIT');
    return rows.length;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
