import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { AuditLog } from '../../core/audit/audit-log';
import { Clock } from '../../core/clock/clock';
import { parseAgencyDateTime } from '../../core/clock/zoned-time';
import { RequestContext } from '../../core/context/request-context';
import { TenantDb } from '../../core/context/tenant-db';
import { ValidationFailedError } from '../../core/errors/domain-error';
import { canonicalJson } from '../../core/idempotency/canonical-json';
import { ProgramCatalog, ProgramTerms, windowState } from '../../programs/program-catalog';
import { ApplicationRecords, EDITABLE } from '../application-records';
import {
  ApplicationIncompleteError,
  ApplicationNotFoundError,
  ApplicationTransitionError,
  WindowClosedError,
  WindowNotOpenError,
} from '../applications.errors';
import { CertificationDto, ReturnDto } from '../dto/application.dto';
import { Application, ApplicationStatus } from '../entities/application.entity';
import { Submission } from '../entities/submission.entity';
import { ApplicationNotices } from './application-notices';
import { SubmissionReadiness } from './submission-readiness';
import { sql } from '../../core/database/sql-statement';
import { UsageMeter } from '../../core/usage/usage-meter';
import { WebhookEvents } from '../../webhooks/webhook-events';

/** What the authorized representative certifies (2 CFR 200.415 style), stored with each version. */
export const CERTIFICATION_STATEMENT =
  'By submitting this application, I certify that the statements herein are true, complete and accurate ' +
  'to the best of my knowledge, that I am authorized to submit it on behalf of the organization, and that ' +
  'any false, fictitious or fraudulent statement may subject me to criminal, civil or administrative penalties ' +
  '(U.S. Code Title 18, Section 1001).';

const SUBMIT_SQL = sql<Pick<Application, 'updatedAt'>>(
  'applications.submit',
  `WITH app AS (
    UPDATE applications
       SET status = 'submitted', submission_count = $3, submitted_at = $4, version = version + 1,
           updated_at = CURRENT_TIMESTAMP
     WHERE agency_id = $1 AND id = $2
    RETURNING agency_id, id, answers, updated_at
  ), frozen AS (
    INSERT INTO application_submissions
      (agency_id, application_id, number, form_version, project_title, amount_requested, answers,
       budget, attachments, certified_by, certifier_name, certifier_title,
       certification_statement, certified_at, certified_ip, content_sha256)
    SELECT agency_id, id, $3, $5, $6, $7, answers, $8::jsonb, $9::jsonb, $10, $11, $12, $13, $4,
           $14, $15
      FROM app
  ), history AS (
    INSERT INTO application_status_events
      (agency_id, application_id, from_status, to_status, comment, submission_number,
       actor_user_id)
    SELECT agency_id, id, $16, 'submitted', NULL, $3, $10 FROM app
  )
  SELECT updated_at AS "updatedAt" FROM app`,
);

const WITHDRAWABLE: ApplicationStatus[] = ['draft', 'submitted', 'returned', 'under_review'];

export function submissionReceipt(application: Application, s: Submission) {
  return {
    applicationId: application.id,
    status: application.status,
    version: application.version,
    submission: {
      number: s.number,
      submittedAt: s.certifiedAt.toISOString(),
      amountRequested: s.amountRequested,
      contentSha256: s.contentSha256,
      certification: {
        userId: s.certifiedBy,
        name: s.certifierName,
        title: s.certifierTitle,
        statement: s.certificationStatement,
        at: s.certifiedAt.toISOString(),
        ip: s.certifiedIp,
      },
    },
  };
}

/** Submission (certified, immutable versions), withdrawal, and return for revision. */
@Injectable()
export class ApplicationSubmissions {
  constructor(
    private readonly db: TenantDb,
    private readonly context: RequestContext,
    private readonly records: ApplicationRecords,
    private readonly catalog: ProgramCatalog,
    private readonly readiness: SubmissionReadiness,
    private readonly notices: ApplicationNotices,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly usage: UsageMeter,
    private readonly webhooks: WebhookEvents,
  ) {}

  /**
   * The window is judged by the server's clock against the program's closing instant plus grace.
   * A returned application may be resubmitted until its revision deadline, if one was set.
   */
  private assertWindow(application: Application, terms: ProgramTerms, now: Date): void {
    if (application.status === 'returned' && application.revisionDueAt) {
      if (now <= application.revisionDueAt) return;
      throw new WindowClosedError({
        closesAt: application.revisionDueAt.toISOString(),
        acceptsUntil: application.revisionDueAt.toISOString(),
        now: now.toISOString(),
      });
    }
    const state = windowState(terms, now);
    if (state === 'not_yet_open')
      throw new WindowNotOpenError({
        opensAt: terms.opensAt?.toISOString() ?? null,
        now: now.toISOString(),
      });
    if (state === 'closed') {
      throw new WindowClosedError({
        closesAt: terms.closesAt?.toISOString() ?? null,
        acceptsUntil: terms.acceptsUntil?.toISOString() ?? null,
        now: now.toISOString(),
      });
    }
  }

  async submit(organizationId: string, applicationId: string, certification: CertificationDto) {
    const user = this.context.requireUser();
    const application = await this.records.find({ organizationId }, applicationId, true);
    if (!EDITABLE.includes(application.status))
      throw new ApplicationTransitionError(application.status, 'submitted');
    const terms = await this.catalog.terms(application.programId);
    const now = this.clock.now();
    this.assertWindow(application, terms, now);
    const { problems, lines, attachments, organization } = await this.readiness.assess(
      application,
      terms,
    );
    if (problems.length > 0) throw new ApplicationIncompleteError(problems);

    const content = {
      formVersion: application.formVersion,
      projectTitle: application.projectTitle,
      amountRequested: application.amountRequested!,
      answers: application.answers,
      budget: lines.map((l) => ({
        ...l,
        indirect: l.indirect ?? false,
      })),
      attachments: attachments.map((a) => ({
        id: a.id,
        requirementKey: a.requirementKey,
        filename: a.filename,
        contentType: a.contentType,
        sizeBytes: Number(a.sizeBytes),
        sha256: a.sha256,
      })),
    };
    const number = application.submissionCount + 1;
    const submission: Submission = Object.assign(new Submission(), {
      ...content,
      agencyId: this.db.agencyId,
      applicationId: application.id,
      number,
      certifiedBy: user.userId,
      certifierName: certification.name.trim(),
      certifierTitle: certification.title.trim(),
      certificationStatement: CERTIFICATION_STATEMENT,
      certifiedAt: now,
      certifiedIp: this.context.ip ?? null,
      contentSha256: createHash('sha256').update(canonicalJson(content)).digest('hex'),
    });
    const from = application.status;
    // The transition, the frozen version and the history entry as one statement (the version's
    // answers are the locked row's own).
    const [row] = await this.db.rows(SUBMIT_SQL, [
      submission.agencyId,
      submission.applicationId,
      submission.number,
      submission.certifiedAt,
      submission.formVersion,
      submission.projectTitle,
      submission.amountRequested,
      JSON.stringify(submission.budget),
      JSON.stringify(submission.attachments),
      submission.certifiedBy,
      submission.certifierName,
      submission.certifierTitle,
      submission.certificationStatement,
      submission.certifiedIp,
      submission.contentSha256,
      from,
    ]);
    if (!row) throw new ApplicationNotFoundError();
    application.status = 'submitted';
    application.submissionCount = number;
    application.submittedAt = now;
    application.version += 1;
    application.updatedAt = row.updatedAt;
    await this.audit.record({
      action: number === 1 ? 'application.submitted' : 'application.resubmitted',
      entityType: 'application',
      entityId: application.id,
      before: { status: from },
      after: {
        status: 'submitted',
        submissionNumber: number,
        contentSha256: submission.contentSha256,
        amountRequested: content.amountRequested,
      },
    });
    await this.notices.submitted(application, terms, number, organization);
    await this.webhooks.publish('application.submitted', {
      agencyCode: this.webhooks.agencyCode,
      applicationId: application.id,
      organizationId: application.organizationId,
      programId: application.programId,
      submissionNumber: number,
      amountRequested: content.amountRequested,
      submittedAt: now.toISOString(),
    });
    // Last, so the agency's usage row is locked only for the commit.
    await this.usage.add({ applicationsSubmitted: 1 });
    return submissionReceipt(application, submission);
  }

  async withdraw(organizationId: string, applicationId: string, reason?: string) {
    const application = await this.records.find({ organizationId }, applicationId, true);
    if (!WITHDRAWABLE.includes(application.status))
      throw new ApplicationTransitionError(application.status, 'withdrawn');
    const from = application.status;
    application.status = 'withdrawn';
    application.withdrawnAt = this.clock.now();
    application.version += 1;
    await this.records.save(application);
    await this.records.recordStatus(application, from, reason ?? null);
    await this.audit.record({
      action: 'application.withdrawn',
      entityType: 'application',
      entityId: application.id,
      before: { status: from },
      after: { status: 'withdrawn', reason },
    });
    return { id: application.id, status: application.status, version: application.version };
  }

  /** A program officer sends a submission back with comments (and optionally a new deadline). */
  async return(programId: string, applicationId: string, dto: ReturnDto) {
    const application = await this.records.find({ programId }, applicationId, true);
    if (!['submitted', 'under_review'].includes(application.status))
      throw new ApplicationTransitionError(application.status, 'returned');
    const terms = await this.catalog.terms(application.programId);
    const now = this.clock.now();
    let due: Date | null = null;
    if (dto.revisionDueAt) {
      const parsed = parseAgencyDateTime(dto.revisionDueAt, terms.timeZone);
      if (!parsed.ok || parsed.instant <= now) {
        throw new ValidationFailedError([
          {
            pointer: '/revisionDueAt',
            detail: `must be a future date-time (agency time ${terms.timeZone}, or ISO with offset)`,
          },
        ]);
      }
      due = parsed.instant;
    }
    const from = application.status;
    application.status = 'returned';
    application.returnedAt = now;
    application.returnComment = dto.comment;
    application.revisionDueAt = due;
    application.version += 1;
    await this.records.save(application);
    await this.records.recordStatus(application, from, dto.comment, application.submissionCount);
    await this.audit.record({
      action: 'application.returned',
      entityType: 'application',
      entityId: application.id,
      before: { status: from },
      after: {
        status: 'returned',
        comment: dto.comment,
        revisionDueAt: due?.toISOString() ?? null,
      },
    });
    await this.notices.returned(application, terms);
    return {
      id: application.id,
      status: application.status,
      version: application.version,
      returnComment: dto.comment,
      revisionDueAt: due?.toISOString() ?? null,
    };
  }
}
