import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { AuditLog } from '../audit/audit-log';
import { decodeCursor as decodeKeysetCursor, TIME_AND_ID } from '../pagination/keyset-cursor';
import { DeadLetterPage, RetriedJobView } from './dto/dead-letters.dto';
import { JobNotDeadError, JobNotFoundError } from './jobs.errors';
import { isUuid } from '../ids';
import { sql, sqlRows } from '../database/sql-statement';
import { OutboxJob } from './entities/outbox-job.entity';

/** Dead jobs of every agency, newest first, keyset by (finished_at, id). */
const DEAD = sql<
  Pick<OutboxJob, 'id' | 'name' | 'attempts' | 'maxAttempts' | 'lastError' | 'createdAt'> & {
    agencyCode: string;
    finishedAt: NonNullable<OutboxJob['finishedAt']>;
    finishedText: string;
  }
>(
  'core.jobs-dead-letters',
  `SELECT id, agency_code AS "agencyCode", name, attempts, max_attempts AS "maxAttempts",
          last_error AS "lastError", created_at AS "createdAt", finished_at AS "finishedAt",
          finished_at::text AS "finishedText"
     FROM jobs_outbox_dead_letters($1, $2, $3)`,
);

const RETRY = sql<{
  agencyCode: string;
  name: OutboxJob['name'];
  previousState: OutboxJob['state'];
}>(
  'core.jobs-dead-letter-retry',
  `SELECT agency_code AS "agencyCode", name, previous_state AS "previousState"
     FROM jobs_outbox_retry($1)`,
);

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
    const rows = await sqlRows(this.txHost.tx, DEAD, [
      limit + 1,
      after?.finishedAt ?? null,
      after?.id ?? null,
    ]);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(({ finishedAt, finishedText: _text, ...r }) => ({
        ...r,
        createdAt: r.createdAt.toISOString(),
        deadAt: finishedAt.toISOString(),
      })),
      nextCursor: rows.length > limit && last ? encodeCursor(last.finishedText, last.id) : null,
    };
  }

  async retry(id: string): Promise<RetriedJobView> {
    if (!isUuid(id)) throw new JobNotFoundError();
    const rows = await sqlRows(this.txHost.tx, RETRY, [id]);
    const row = rows[0];
    if (!row) throw new JobNotFoundError();
    if (row.previousState !== 'dead') throw new JobNotDeadError(row.previousState);
    await this.audit.recordPlatform({
      action: 'job.retried',
      entityType: 'job',
      entityId: id,
      before: { state: 'dead', agencyCode: row.agencyCode, name: row.name },
      after: { state: 'pending' },
    });
    return { id, agencyCode: row.agencyCode, name: row.name, state: 'pending' };
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
