import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { AuditLog } from '../audit/audit-log';
import { decodeCursor as decodeKeysetCursor, TIME_AND_ID } from '../pagination/keyset-cursor';
import { DeadLetterPage, RetriedJobView } from './dto/dead-letters.dto';
import { JobNotDeadError, JobNotFoundError } from './jobs.errors';
import { isUuid } from '../ids';

interface DeadRow {
  id: string;
  agency_code: string;
  name: string;
  attempts: number;
  max_attempts: number;
  last_error: string | null;
  created_at: Date;
  finished_at: Date;
  finished_text: string;
}

/**
 * Dead letters for the platform operator: every agency's jobs that ran out of attempts. The
 * listing shows what failed and why, never the payload (that is agency data). Retrying puts the
 * job back in the outbox with fresh attempts; the change is audited in the platform log.
 */
@Injectable()
export class DeadLetters {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly audit: AuditLog,
  ) {}

  async list(limit = 50, cursor?: string): Promise<DeadLetterPage> {
    const after = cursor ? decodeCursor(cursor) : undefined;
    const rows: DeadRow[] = await this.txHost.tx.query(
      `SELECT *, finished_at::text AS finished_text FROM jobs_outbox_dead_letters($1, $2, $3)`,
      [limit + 1, after?.finishedAt ?? null, after?.id ?? null],
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map((r) => ({
        id: r.id,
        agencyCode: r.agency_code,
        name: r.name,
        attempts: r.attempts,
        maxAttempts: r.max_attempts,
        lastError: r.last_error,
        createdAt: new Date(r.created_at).toISOString(),
        deadAt: new Date(r.finished_at).toISOString(),
      })),
      nextCursor: rows.length > limit && last ? encodeCursor(last.finished_text, last.id) : null,
    };
  }

  async retry(id: string): Promise<RetriedJobView> {
    if (!isUuid(id)) throw new JobNotFoundError();
    const rows: Array<{
      agency_id: string;
      agency_code: string;
      name: string;
      previous_state: string;
    }> = await this.txHost.tx.query(`SELECT * FROM jobs_outbox_retry($1)`, [id]);
    const row = rows[0];
    if (!row) throw new JobNotFoundError();
    if (row.previous_state !== 'dead') throw new JobNotDeadError(row.previous_state);
    await this.audit.recordPlatform({
      action: 'job.retried',
      entityType: 'job',
      entityId: id,
      before: { state: 'dead', agencyCode: row.agency_code, name: row.name },
      after: { state: 'pending' },
    });
    return { id, agencyCode: row.agency_code, name: row.name, state: 'pending' };
  }
}

function encodeCursor(finishedAt: string, id: string): string {
  // Microseconds matter for keyset order: keep the database's text form, not a JS Date.
  return Buffer.from(JSON.stringify([finishedAt, id])).toString('base64url');
}

function decodeCursor(cursor: string): { finishedAt: string; id: string } {
  const [finishedAt, id] = decodeKeysetCursor(cursor, TIME_AND_ID) as [string, string];
  return { finishedAt, id };
}
