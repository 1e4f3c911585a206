import { Injectable } from '@nestjs/common';
import { In } from 'typeorm';
import { AuditLog } from '../core/audit/audit-log';
import { TenantDb } from '../core/context/tenant-db';
import { ApplicationRecords } from './application-records';
import { ApplicationAttachments } from './attachments/application-attachments.service';
import {
  ApplicationNotFoundError,
  ApplicationTransitionError,
  SubmissionNotFoundError,
} from './applications.errors';
import { Application, ApplicationStatus } from './entities/application.entity';
import { Submission, SubmittedBudgetLine } from './entities/submission.entity';
import { isUuid } from '../core/ids';
import { entitySql } from '../core/database/sql-statement';

const IDS_WITH_STATUS = entitySql(
  'applications.ids-with-status',
  Application,
  'a',
  `SELECT {columns} FROM applications a WHERE a.agency_id = $1 AND a.program_id = $2 AND a.status = ANY($3::text[])`,
  { pick: ['id'] },
);

/** A submitted application as review intake sees it. */
export interface SubmittedApplication {
  applicationId: string;
  programId: string;
  organizationId: string;
  submissionNumber: number;
  submittedAt: Date;
  amountRequested: string;
}

export type DecisionStatus = 'approved' | 'denied' | 'waitlisted';

/**
 * The applications module's public surface for the review module: which applications are
 * submitted, the content reviewers read (the latest submitted version, never the working copy),
 * and the status moves review makes (into review, closed at screening, decided). Each move
 * writes the applicant-visible status history and an audit event in the caller's transaction.
 */
@Injectable()
export class ApplicationDirectory {
  constructor(
    private readonly db: TenantDb,
    private readonly records: ApplicationRecords,
    private readonly attachments: ApplicationAttachments,
    private readonly audit: AuditLog,
  ) {}

  /** The program's applications in `submitted` status (optionally only these ids), oldest first. */
  async submitted(programId: string, applicationIds?: string[]): Promise<SubmittedApplication[]> {
    const rows = await this.db.repo(Application).find({
      where: {
        agencyId: this.db.agencyId,
        programId,
        status: 'submitted',
        ...(applicationIds ? { id: In(applicationIds) } : {}),
      },
      order: { submittedAt: 'ASC', id: 'ASC' },
    });
    return rows.map((a) => ({
      applicationId: a.id,
      programId: a.programId,
      organizationId: a.organizationId,
      submissionNumber: a.submissionCount,
      submittedAt: a.submittedAt!,
      amountRequested: a.amountRequested!,
    }));
  }

  /** Ids of the program's applications currently in one of these statuses. */
  async idsWithStatus(programId: string, statuses: ApplicationStatus[]): Promise<Set<string>> {
    const rows = await this.db.rows(IDS_WITH_STATUS, [this.db.agencyId, programId, statuses]);
    return new Set(rows.map((r) => r.id));
  }

  /** The latest submitted version: what reviewers score. */
  async submittedContent(applicationId: string) {
    const application = await this.load(applicationId);
    const s = await this.db.repo(Submission).findOne({
      where: { agencyId: this.db.agencyId, applicationId, number: application.submissionCount },
    });
    if (!s) throw new SubmissionNotFoundError();
    return {
      applicationId,
      programId: application.programId,
      organizationId: application.organizationId,
      submissionNumber: s.number,
      submittedAt: s.certifiedAt.toISOString(),
      formVersion: s.formVersion,
      projectTitle: s.projectTitle,
      amountRequested: s.amountRequested,
      answers: s.answers,
      budget: s.budget,
      attachments: s.attachments,
      contentSha256: s.contentSha256,
    };
  }

  /** A file of the latest submitted version (what reviewers read), as a stream. */
  async submittedAttachment(applicationId: string, attachmentId: string) {
    const application = await this.load(applicationId);
    const s = await this.db.repo(Submission).findOne({
      select: { attachments: true },
      where: { agencyId: this.db.agencyId, applicationId, number: application.submissionCount },
    });
    if (!s) throw new SubmissionNotFoundError();
    return this.attachments.downloadSubmitted(applicationId, s.attachments, attachmentId);
  }

  /**
   * The budget of the application's latest submitted version (what funding was decided on),
   * for the awards module's initial award budget; null when it was never submitted.
   */
  async submittedBudget(applicationId: string): Promise<SubmittedBudgetLine[] | null> {
    if (!isUuid(applicationId)) return null;
    const s = await this.db.repo(Submission).findOne({
      select: { number: true, budget: true },
      where: { agencyId: this.db.agencyId, applicationId },
      order: { number: 'DESC' },
    });
    return s?.budget ?? null;
  }

  /** submitted -> under_review. */
  async beginReview(applicationId: string): Promise<void> {
    await this.move(
      applicationId,
      ['submitted'],
      'under_review',
      null,
      'application.review_started',
    );
  }

  /** under_review -> denied, e.g. failed eligibility screening; the reason is shown to the applicant. */
  async closeInReview(applicationId: string, reason: string): Promise<void> {
    await this.move(
      applicationId,
      ['under_review'],
      'denied',
      reason,
      'application.closed_in_review',
    );
  }

  /** under_review -> the released decision. */
  async recordDecision(applicationId: string, outcome: DecisionStatus): Promise<void> {
    await this.move(applicationId, ['under_review'], outcome, null, 'application.decided');
  }

  private async load(applicationId: string, lock = false): Promise<Application> {
    const application = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(
      applicationId,
    )
      ? await this.db.repo(Application).findOne({
          where: { agencyId: this.db.agencyId, id: applicationId },
          ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
        })
      : null;
    if (!application) throw new ApplicationNotFoundError();
    return application;
  }

  private async move(
    applicationId: string,
    from: ApplicationStatus[],
    to: ApplicationStatus,
    comment: string | null,
    action: string,
  ): Promise<void> {
    const application = await this.load(applicationId, true);
    if (!from.includes(application.status))
      throw new ApplicationTransitionError(application.status, to);
    const before = application.status;
    application.status = to;
    application.version += 1;
    await this.records.save(application);
    await this.records.recordStatus(application, before, comment, application.submissionCount);
    await this.audit.record({
      action,
      entityType: 'application',
      entityId: application.id,
      before: { status: before },
      after: { status: to, ...(comment ? { reason: comment } : {}) },
    });
  }
}
