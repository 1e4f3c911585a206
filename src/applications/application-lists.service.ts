import { Injectable } from '@nestjs/common';
import { AgencyDirectory } from '../agencies/agency-directory';
import { formatInZone, parseAgencyDateTime } from '../core/clock/zoned-time';
import { RecheckedTransaction } from '../core/context/rechecked-transactions';
import { ReadReplica } from '../core/context/read-replica';
import { TenantDb } from '../core/context/tenant-db';
import { csvRow } from '../core/csv/csv';
import { ValidationFailedError } from '../core/errors/domain-error';
import { decodeCursor, pageLimit, TIME_AND_ID, toPage } from '../core/pagination/keyset-cursor';
import { OrganizationDirectory } from '../organizations/organization-directory';
import { ProgramCatalog } from '../programs/program-catalog';
import { applicationSummary } from './application.view';
import { ApplicationListQuery } from './dto/application.dto';
import { Application } from './entities/application.entity';
import { entitySql } from '../core/database/sql-statement';

const CSV_HEADER = [
  'application_id',
  'organization_id',
  'organization_name',
  'status',
  'project_title',
  'amount_requested',
  'budget_total',
  'submission_count',
  'submitted_at_utc',
  'submitted_at_local',
  'created_at_utc',
];

/**
 * One keyset page of a program's applications, newest first, each filter off when its parameter
 * is null (one text, prepared once per connection). A list shows no answers: not reading them
 * saves parsing 50 JSON documents.
 */
const PAGE = entitySql(
  'applications.program-page',
  Application,
  'a',
  `SELECT {columns} FROM applications a
    WHERE a.agency_id = $1 AND a.program_id = $2
      AND ($3::text IS NULL OR a.status = $3::text)
      AND ($4::uuid IS NULL OR a.organization_id = $4::uuid)
      AND ($5::timestamptz IS NULL OR a.submitted_at >= $5::timestamptz)
      AND ($6::timestamptz IS NULL OR a.submitted_at < $6::timestamptz)
      AND ($7::timestamptz IS NULL OR (a.created_at, a.id) < ($7::timestamptz, $8::uuid))
    ORDER BY a.created_at DESC, a.id DESC LIMIT $9`,
  { omit: ['answers'] },
);

/**
 * Program officers' lists of a program's applications: filtered, keyset-paginated on
 * (created_at, id) with indexes led by agency_id, and a CSV export that reads the same keyset
 * pages, each in a short transaction of its own, and streams each page out (memory stays flat,
 * and a slow client holds no transaction open).
 */
@Injectable()
export class ApplicationLists {
  constructor(
    private readonly db: TenantDb,
    private readonly catalog: ProgramCatalog,
    private readonly organizations: OrganizationDirectory,
    private readonly agencies: AgencyDirectory,
    private readonly replica: ReadReplica,
  ) {}

  /** Rows per export page: one short transaction each (tests lower it to get many pages). */
  exportPageSize = 1000;

  /** A date (YYYY-MM-DD: local midnight in the agency) or a date-time, as an instant. */
  private instant(value: string, pointer: string, endOfDay: boolean): Date {
    const timeZone = this.agencies.configOf(this.db.agencyId).timeZone;
    const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(value);
    const parsed = parseAgencyDateTime(dateOnly ? `${value}T00:00` : value, timeZone);
    if (!parsed.ok)
      throw new ValidationFailedError([{ pointer, detail: 'must be a date or date-time' }]);
    return dateOnly && endOfDay ? new Date(parsed.instant.getTime() + 86_400_000) : parsed.instant;
  }

  private query(programId: string, query: ApplicationListQuery) {
    const qb = this.db
      .repo(Application)
      .createQueryBuilder('a')
      .where('a.agency_id = :agencyId AND a.program_id = :programId', {
        agencyId: this.db.agencyId,
        programId,
      });
    if (query.status) qb.andWhere('a.status = :status', { status: query.status });
    if (query.organizationId)
      qb.andWhere('a.organization_id = :organizationId', { organizationId: query.organizationId });
    if (query.submittedFrom) {
      qb.andWhere('a.submitted_at >= :from', {
        from: this.instant(query.submittedFrom, '/submittedFrom', false),
      });
    }
    if (query.submittedTo) {
      // A date means "through that day": strictly before the next local midnight.
      qb.andWhere('a.submitted_at < :to', {
        to: this.instant(query.submittedTo, '/submittedTo', true),
      });
    }
    return qb;
  }

  /**
   * One keyset page, newest first. Hand-written SQL: the list is the officers' busiest read and
   * the query builder and entity hydration cost more CPU than the database spends on the page.
   */
  private async page(
    programId: string,
    query: ApplicationListQuery,
    cursor: string | undefined,
    limit: number,
  ): Promise<Array<Omit<Application, 'answers'>>> {
    const after = decodeCursor(cursor, TIME_AND_ID);
    return this.db.rows(PAGE, [
      this.db.agencyId,
      programId,
      query.status ?? null,
      query.organizationId ?? null,
      query.submittedFrom ? this.instant(query.submittedFrom, '/submittedFrom', false) : null,
      // A date means "through that day": strictly before the next local midnight.
      query.submittedTo ? this.instant(query.submittedTo, '/submittedTo', true) : null,
      after?.[0] ?? null,
      after?.[1] ?? null,
      limit + 1,
    ]);
  }

  async listForProgram(programId: string, query: ApplicationListQuery) {
    await this.catalog.terms(programId); // 404 for a program of no concern (on the primary)
    const limit = pageLimit(query.limit);
    // The rows may be a little behind: a list is looked at, not acted on in the same breath.
    const { rows, names } = await this.replica.lagTolerant(async () => {
      const page = await this.page(programId, query, query.cursor, limit);
      return {
        rows: page,
        names: await this.organizations.names(page.map((r) => r.organizationId)),
      };
    });
    return toPage(
      rows,
      limit,
      (a) => [a.createdAt.toISOString(), a.id],
      (a) => applicationSummary(a, names.get(a.organizationId) ?? ''),
    );
  }

  /** Checks the request before any byte is sent (errors after the header cannot be problem+json). */
  async prepareExport(
    programId: string,
    query: ApplicationListQuery,
  ): Promise<{ filename: string }> {
    const terms = await this.catalog.terms(programId);
    this.query(programId, query); // validates the date filters
    return { filename: `applications-${terms.code}.csv` };
  }

  /**
   * Streams the CSV through `write` (which waits when the client is slow), one keyset page at a
   * time. Each page is read inside `inTransaction` (a short transaction that re-checks access,
   * see RecheckedTransactions) and written after it has committed, so however long `write`
   * waits, no transaction stays open. Keyset pages over (created_at, id) need no snapshot
   * across pages: each page starts strictly after the last row written.
   */
  async exportCsv(
    programId: string,
    query: ApplicationListQuery,
    write: (chunk: string) => Promise<void>,
    inTransaction: RecheckedTransaction,
  ): Promise<number> {
    const timeZone = this.agencies.configOf(this.db.agencyId).timeZone;
    await write(`\ufeff${csvRow(CSV_HEADER)}`);
    let after: [string, string] | undefined;
    let count = 0;
    for (;;) {
      // Access is checked again on the primary; the page itself is a lag-tolerant read.
      const { rows, names } = await inTransaction(() =>
        this.replica.lagTolerant(() => this.exportPage(programId, query, after)),
      );
      if (rows.length === 0) break;
      await write(
        rows
          .map((a) =>
            csvRow([
              a.id,
              a.organization_id,
              names.get(a.organization_id) ?? '',
              a.status,
              a.project_title,
              a.amount_requested,
              a.budget_total ?? '0.00',
              a.submission_count,
              a.submitted_at?.toISOString() ?? '',
              a.submitted_at ? formatInZone(a.submitted_at, timeZone) : '',
              a.created_at.toISOString(),
            ]),
          )
          .join(''),
      );
      count += rows.length;
      if (rows.length < this.exportPageSize) break;
      const last = rows[rows.length - 1];
      after = [last.created_at.toISOString(), last.id];
    }
    return count;
  }

  private async exportPage(
    programId: string,
    query: ApplicationListQuery,
    after: [string, string] | undefined,
  ): Promise<{ rows: ExportRow[]; names: Map<string, string> }> {
    // Raw rows (no entity hydration) with the budget total computed in the same statement.
    const qb = this.query(programId, query)
      .select([
        'a.id AS id',
        'a.organization_id AS organization_id',
        'a.status AS status',
        'a.project_title AS project_title',
        'a.amount_requested::text AS amount_requested',
        'a.submission_count AS submission_count',
        'a.submitted_at AS submitted_at',
        'a.created_at AS created_at',
      ])
      .addSelect(
        `(SELECT sum(l.amount)::numeric(14,2)::text FROM application_budget_lines l
             WHERE l.agency_id = a.agency_id AND l.application_id = a.id)`,
        'budget_total',
      );
    if (after)
      qb.andWhere('(a.created_at, a.id) < (:at::timestamptz, :id::uuid)', {
        at: after[0],
        id: after[1],
      });
    const rows = await qb
      .orderBy('a.created_at', 'DESC')
      .addOrderBy('a.id', 'DESC')
      .limit(this.exportPageSize)
      .getRawMany<ExportRow>();
    const names = await this.organizations.names(rows.map((r) => r.organization_id));
    return { rows, names };
  }
}

interface ExportRow {
  id: string;
  organization_id: string;
  status: string;
  project_title: string | null;
  amount_requested: string | null;
  submission_count: number;
  submitted_at: Date | null;
  created_at: Date;
  budget_total: string | null;
}
