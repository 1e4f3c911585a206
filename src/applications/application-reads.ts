import { Injectable } from '@nestjs/common';
import { TenantDb } from '../core/context/tenant-db';
import type { ApplicationScope } from './application-records';
import { ApplicationNotFoundError } from './applications.errors';
import type { AttachmentView } from './attachments/application-attachments.service';
import type { BudgetLineValue } from './budget/budget-math';
import { Application } from './entities/application.entity';
import { isUuid } from '../core/ids';
import { computedColumns, entitySql } from '../core/database/sql-statement';

/** Instants travel as epoch milliseconds (what a JS Date holds), free of the session time zone. */
const MS = (column: string) => `floor(extract(epoch FROM ${column}) * 1000)::bigint`;

/**
 * The working copy and everything shown with it, in one statement: the budget lines (amounts as
 * text: money never becomes a JSON number), the current attachments and the status history.
 */
const DETAIL = (scopeColumn: string) => `
  SELECT {columns},
    (SELECT COALESCE(json_agg(json_build_object(
              'functionCode', l.function_code, 'objectCode', l.object_code,
              'description', l.description, 'amount', l.amount::text, 'indirect', l.indirect)
            ORDER BY l.position), '[]'::json)
       FROM application_budget_lines l
      WHERE l.agency_id = a.agency_id AND l.application_id = a.id) AS "_lines",
    (SELECT COALESCE(json_agg(json_build_object(
              'id', x.id, 'requirementKey', x.requirement_key, 'filename', x.filename,
              'contentType', x.content_type, 'sizeBytes', x.size_bytes, 'sha256', x.sha256,
              'createdAt', ${MS('x.created_at')})
            ORDER BY x.created_at), '[]'::json)
       FROM application_attachments x
      WHERE x.agency_id = a.agency_id AND x.application_id = a.id AND x.removed_at IS NULL)
      AS "_attachments",
    (SELECT COALESCE(json_agg(json_build_object(
              'from', e.from_status, 'to', e.to_status, 'comment', e.comment,
              'submissionNumber', e.submission_number, 'at', ${MS('e.at')})
            ORDER BY e.at), '[]'::json)
       FROM application_status_events e
      WHERE e.agency_id = a.agency_id AND e.application_id = a.id) AS "_history"
  FROM applications a
  WHERE a.agency_id = $1 AND a.id = $2 AND a.${scopeColumn} = $3`;
const detail = (scope: string) =>
  entitySql(`applications.detail-by-${scope}`, Application, 'a', DETAIL(`${scope}_id`), {
    computed: computedColumns<{
      _lines: BudgetLineValue[];
      _attachments: Array<Omit<AttachmentView, 'createdAt'> & { createdAt: number }>;
      _history: Array<Omit<ApplicationHistoryEntry, 'at'> & { at: number }>;
    }>(),
  });
const DETAIL_BY_ORGANIZATION = detail('organization');
const DETAIL_BY_PROGRAM = detail('program');

export interface ApplicationHistoryEntry {
  from: string | null;
  to: string;
  comment: string | null;
  submissionNumber: number | null;
  at: string;
}

export interface ApplicationDetailRecord {
  application: Application;
  lines: BudgetLineValue[];
  attachments: AttachmentView[];
  history: ApplicationHistoryEntry[];
}

const iso = (epochMs: number) => new Date(epochMs).toISOString();

/**
 * The application GET, the most frequent read, in one round trip and without the query builder,
 * which cost more CPU than the rest of the request
 * (docs/decisions/0002-application-get-in-one-statement.md).
 * Same scoping as ApplicationRecords.find: another organization's or program's application is
 * "not found".
 */
@Injectable()
export class ApplicationReads {
  constructor(private readonly db: TenantDb) {}

  async detail(scope: ApplicationScope, applicationId: string): Promise<ApplicationDetailRecord> {
    const byOrganization = 'organizationId' in scope;
    const scopeId = byOrganization ? scope.organizationId : scope.programId;
    if (!isUuid(applicationId) || !isUuid(scopeId)) throw new ApplicationNotFoundError();
    const [row] = await this.db.rows(byOrganization ? DETAIL_BY_ORGANIZATION : DETAIL_BY_PROGRAM, [
      this.db.agencyId,
      applicationId,
      scopeId,
    ]);
    if (!row) throw new ApplicationNotFoundError();
    const { _lines, _attachments, _history, ...application } = row;
    return {
      application,
      lines: _lines,
      attachments: _attachments.map((a) => ({ ...a, createdAt: iso(a.createdAt) })),
      history: _history.map((h) => ({ ...h, at: iso(h.at) })),
    };
  }
}
