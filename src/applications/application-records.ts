import { Injectable } from '@nestjs/common';
import { RequestContext } from '../core/context/request-context';
import { TenantDb } from '../core/context/tenant-db';
import { etagOf, IfMatch, ifMatchHolds } from '../core/idempotency/etag';
import { Application, ApplicationStatus } from './entities/application.entity';
import { StatusEvent } from './entities/status-event.entity';
import {
  ApplicationNotEditableError,
  ApplicationNotFoundError,
  ApplicationPreconditionRequiredError,
  ApplicationStaleError,
} from './applications.errors';
import { isUuid } from '../core/ids';
import { entitySql, sql } from '../core/database/sql-statement';

/** Where an application is reached from: its organization (applicants) or its program (staff). */
export type ApplicationScope = { organizationId: string } | { programId: string };

export const EDITABLE: ApplicationStatus[] = ['draft', 'returned'];

const findSql = (scope: string, lock: boolean) =>
  entitySql(
    `applications.find-by-${scope}${lock ? '-for-update' : ''}`,
    Application,
    'a',
    `SELECT {columns} FROM applications a
      WHERE a.agency_id = $1 AND a.id = $2 AND a.${scope}_id = $3${lock ? ' FOR UPDATE' : ''}`,
  );

// A CTE, so that the statement answers rows as a SELECT does (TypeORM answers an UPDATE with
// [rows, count]) and the entity's select list applies to what the UPDATE returned.
const editSql = (scope: string) =>
  entitySql(
    `applications.edit-in-place-by-${scope}`,
    Application,
    'a',
    `WITH a AS (
     UPDATE applications
        SET answers = CASE WHEN $5 THEN $6::jsonb ELSE answers END,
            amount_requested = CASE WHEN $7 THEN $8::numeric ELSE amount_requested END,
            project_title = CASE WHEN $9 THEN $10::text ELSE project_title END,
            version = version + 1, updated_at = CURRENT_TIMESTAMP
      WHERE agency_id = $1 AND id = $2 AND ${scope}_id = $3
        AND status IN (${EDITABLE.map((s) => `'${s}'`).join(', ')})
        AND ($4::int[] IS NULL OR version = ANY($4::int[]))
     RETURNING *)
   SELECT {columns} FROM a`,
  );

const EDIT_SQL = { organization: editSql('organization'), program: editSql('program') };

const FIND_SQL = {
  organization: findSql('organization', false),
  'organization:lock': findSql('organization', true),
  program: findSql('program', false),
  'program:lock': findSql('program', true),
};

/** The working copy's mutable columns (no reload: only updated_at comes back). */
const SAVE = sql<Pick<Application, 'updatedAt'>>(
  'applications.save',
  `UPDATE applications
      SET status = $3, project_title = $4, amount_requested = $5, answers = $6::jsonb,
          version = $7, submission_count = $8, submitted_at = $9, returned_at = $10,
          return_comment = $11, revision_due_at = $12, withdrawn_at = $13,
          updated_at = CURRENT_TIMESTAMP
    WHERE agency_id = $1 AND id = $2
    RETURNING updated_at AS "updatedAt"`,
);

const RECORD_STATUS = sql(
  'applications.status-event-insert',
  `INSERT INTO application_status_events
     (agency_id, application_id, from_status, to_status, comment, submission_number, actor_user_id)
   VALUES ($1, $2, $3, $4, $5, $6, $7)`,
);

/**
 * Loading applications within the path's scope (an application of another organization is
 * "not found", never "forbidden"), locking, the ETag check and the status history.
 */
@Injectable()
export class ApplicationRecords {
  constructor(
    private readonly db: TenantDb,
    private readonly context: RequestContext,
  ) {}

  async find(scope: ApplicationScope, applicationId: string, lock = false): Promise<Application> {
    if (!isUuid(applicationId)) throw new ApplicationNotFoundError();
    const byOrganization = 'organizationId' in scope;
    const scopeId = byOrganization ? scope.organizationId : scope.programId;
    if (!isUuid(scopeId)) throw new ApplicationNotFoundError();
    // Plain SQL, one stable text per variant (prepared per connection): this is on every path.
    const rows = await this.db.rows(
      FIND_SQL[`${byOrganization ? 'organization' : 'program'}${lock ? ':lock' : ''}`],
      [this.db.agencyId, applicationId, scopeId],
    );
    if (rows.length === 0) throw new ApplicationNotFoundError();
    return Object.assign(new Application(), rows[0]);
  }

  /** Locks the working copy for an edit: it must be editable and If-Match must hold. */
  async forEdit(
    scope: ApplicationScope,
    applicationId: string,
    ifMatch: IfMatch,
  ): Promise<Application> {
    if (ifMatch.kind === 'missing') throw new ApplicationPreconditionRequiredError();
    const application = await this.find(scope, applicationId, true);
    if (!ifMatchHolds(ifMatch, application.version))
      throw new ApplicationStaleError(etagOf(application.version));
    if (!EDITABLE.includes(application.status))
      throw new ApplicationNotEditableError(application.status);
    return application;
  }

  /**
   * A draft save as one statement: bumps the version and writes the given fields only when the
   * copy is in scope, editable and If-Match holds. Null when it did not (the caller then takes
   * the locking path, which finds out why with the usual errors); a later error rolls it back.
   */
  async editInPlace(
    scope: ApplicationScope,
    applicationId: string,
    ifMatch: IfMatch,
    fields: { answers?: unknown; amountRequested?: string | null; projectTitle?: string | null },
  ): Promise<Application | null> {
    if (ifMatch.kind === 'missing' || !isUuid(applicationId)) return null;
    const byOrganization = 'organizationId' in scope;
    const scopeId = byOrganization ? scope.organizationId : scope.programId;
    if (!isUuid(scopeId)) return null;
    const rows = await this.db.rows(byOrganization ? EDIT_SQL.organization : EDIT_SQL.program, [
      this.db.agencyId,
      applicationId,
      scopeId,
      ifMatch.kind === 'versions' ? ifMatch.versions : null,
      fields.answers !== undefined,
      fields.answers === undefined ? null : JSON.stringify(fields.answers),
      fields.amountRequested !== undefined,
      fields.amountRequested ?? null,
      fields.projectTitle !== undefined,
      fields.projectTitle ?? null,
    ]);
    return rows.length === 0 ? null : Object.assign(new Application(), rows[0]);
  }

  /** Writes the working copy's mutable columns (no reload: only updated_at comes back). */
  async save(application: Application): Promise<Application> {
    const rows = await this.db.rows(SAVE, [
      this.db.agencyId,
      application.id,
      application.status,
      application.projectTitle,
      application.amountRequested,
      JSON.stringify(application.answers),
      application.version,
      application.submissionCount,
      application.submittedAt,
      application.returnedAt,
      application.returnComment,
      application.revisionDueAt,
      application.withdrawnAt,
    ]);
    if (rows.length === 0) throw new ApplicationNotFoundError();
    application.updatedAt = rows[0].updatedAt;
    return application;
  }

  async recordStatus(
    application: Application,
    from: ApplicationStatus | null,
    comment?: string | null,
    submissionNumber?: number,
  ): Promise<void> {
    await this.db.rows(RECORD_STATUS, [
      this.db.agencyId,
      application.id,
      from,
      application.status,
      comment ?? null,
      submissionNumber ?? null,
      this.context.actor?.userId ?? null,
    ]);
  }

  async history(applicationId: string) {
    const events = await this.db.repo(StatusEvent).find({
      where: { agencyId: this.db.agencyId, applicationId },
      order: { at: 'ASC' },
    });
    return events.map((e) => ({
      from: e.fromStatus,
      to: e.toStatus,
      comment: e.comment,
      submissionNumber: e.submissionNumber,
      at: e.at.toISOString(),
    }));
  }
}
