import { Injectable } from '@nestjs/common';
import { In } from 'typeorm';
import { ApplicationDirectory } from '../../applications/application-directory';
import { AuditLog } from '../../core/audit/audit-log';
import { TenantDb } from '../../core/context/tenant-db';
import { OrganizationDirectory } from '../../organizations/organization-directory';
import { ProgramCatalog } from '../../programs/program-catalog';
import { FundingDecision } from '../entities/funding-decision.entity';
import { ReviewAssignment } from '../entities/review-assignment.entity';
import { ReviewCase, ReviewStage } from '../entities/review-case.entity';
import { Review } from '../entities/review.entity';
import { ReviewSettings } from '../review-settings.service';
import { ReviewCaseNotFoundError, StageMoveError } from '../reviews.errors';
import { isUuid } from '../../core/ids';

/** Which stage an application may move to from which: forward one step, or back from final. */
const MOVES: Record<'merit_review' | 'final_decision', ReviewStage[]> = {
  merit_review: ['eligibility_screening', 'final_decision'],
  final_decision: ['merit_review'],
};
const DEFAULT_SOURCE = { merit_review: 'eligibility_screening', final_decision: 'merit_review' };

/**
 * The review stages of a program: submitted applications enter eligibility screening, pass to
 * merit review (where reviewers score) or are closed with a reason, then move to the final
 * decision. The application's own status follows (under review, denied at screening).
 */
@Injectable()
export class ReviewStages {
  constructor(
    private readonly db: TenantDb,
    private readonly applications: ApplicationDirectory,
    private readonly organizations: OrganizationDirectory,
    private readonly catalog: ProgramCatalog,
    private readonly settings: ReviewSettings,
    private readonly audit: AuditLog,
  ) {}

  async find(programId: string, applicationId: string, lock = false): Promise<ReviewCase> {
    const found =
      isUuid(applicationId) && isUuid(programId)
        ? await this.db.repo(ReviewCase).findOne({
            where: { agencyId: this.db.agencyId, programId, applicationId },
            ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
          })
        : null;
    if (!found) throw new ReviewCaseNotFoundError();
    return found;
  }

  /**
   * Submitted applications enter eligibility screening (all of the program's, or the listed
   * ones). A resubmission after a return re-enters with its new submission's figures.
   */
  async intake(programId: string, applicationIds?: string[]) {
    await this.catalog.terms(programId);
    await this.settings.assertNotReleased(programId);
    const submitted = await this.applications.submitted(programId, applicationIds);
    const repo = this.db.repo(ReviewCase);
    for (const s of submitted) {
      const existing = await repo.findOne({
        where: { agencyId: this.db.agencyId, applicationId: s.applicationId },
        lock: { mode: 'pessimistic_write' },
      });
      await repo.save(
        repo.merge(existing ?? repo.create({ agencyId: this.db.agencyId }), {
          applicationId: s.applicationId,
          programId,
          organizationId: s.organizationId,
          stage: 'eligibility_screening',
          submissionNumber: s.submissionNumber,
          submittedAt: s.submittedAt,
          amountRequested: s.amountRequested,
          closedReason: null,
        }),
      );
      await this.applications.beginReview(s.applicationId);
      await this.audit.record({
        action: 'review.intake',
        entityType: 'application',
        entityId: s.applicationId,
        before: existing ? { stage: existing.stage } : undefined,
        after: {
          stage: 'eligibility_screening',
          submissionNumber: s.submissionNumber,
          amountRequested: s.amountRequested,
        },
      });
    }
    return { entered: submitted.length, applicationIds: submitted.map((s) => s.applicationId) };
  }

  /** Moves applications to merit review (screening passed) or to the final decision. */
  async move(programId: string, to: 'merit_review' | 'final_decision', applicationIds?: string[]) {
    await this.catalog.terms(programId);
    await this.settings.assertNotReleased(programId);
    const listed: ReviewCase[] = [];
    for (const id of applicationIds ?? []) listed.push(await this.find(programId, id, true));
    const cases = applicationIds
      ? listed
      : await this.db.repo(ReviewCase).find({
          where: {
            agencyId: this.db.agencyId,
            programId,
            stage: DEFAULT_SOURCE[to] as ReviewStage,
          },
          order: { submittedAt: 'ASC', applicationId: 'ASC' },
          lock: { mode: 'pessimistic_write' },
        });
    for (const c of cases) {
      if (!MOVES[to].includes(c.stage)) throw new StageMoveError(c.stage, to);
    }
    for (const c of cases) {
      const from = c.stage;
      c.stage = to;
      await this.db.repo(ReviewCase).save(c);
      // Back to merit review: its (unreleased) decision no longer stands.
      if (from === 'final_decision')
        await this.db.repo(FundingDecision).delete({
          agencyId: this.db.agencyId,
          applicationId: c.applicationId,
        });
      await this.audit.record({
        action: 'review.stage_moved',
        entityType: 'application',
        entityId: c.applicationId,
        before: { stage: from },
        after: { stage: to },
      });
    }
    return { moved: cases.length, to, applicationIds: cases.map((c) => c.applicationId) };
  }

  /** Fails eligibility screening: the application is closed (denied) with the reason. */
  async close(programId: string, applicationId: string, reason: string) {
    await this.settings.assertNotReleased(programId);
    const c = await this.find(programId, applicationId, true);
    if (c.stage !== 'eligibility_screening') throw new StageMoveError(c.stage, 'closed');
    c.stage = 'closed';
    c.closedReason = reason;
    await this.db.repo(ReviewCase).save(c);
    await this.applications.closeInReview(applicationId, reason);
    await this.audit.record({
      action: 'review.closed_at_screening',
      entityType: 'application',
      entityId: applicationId,
      before: { stage: 'eligibility_screening' },
      after: { stage: 'closed', reason },
    });
    return { applicationId, stage: c.stage, closedReason: reason };
  }

  /** The program's applications in review, with their panel's progress (no scores). */
  async list(programId: string, stage?: string) {
    await this.catalog.terms(programId);
    const cases = await this.db.repo(ReviewCase).find({
      where: {
        agencyId: this.db.agencyId,
        programId,
        ...(stage ? { stage: stage as ReviewStage } : {}),
      },
      order: { submittedAt: 'ASC', applicationId: 'ASC' },
    });
    const ids = cases.map((c) => c.applicationId);
    const assignments = ids.length
      ? await this.db.repo(ReviewAssignment).find({
          where: { agencyId: this.db.agencyId, applicationId: In(ids) },
          order: { createdAt: 'ASC' },
        })
      : [];
    const reviews = ids.length
      ? await this.db.repo(Review).find({
          where: { agencyId: this.db.agencyId, applicationId: In(ids) },
        })
      : [];
    const reviewOf = new Map(reviews.map((r) => [r.assignmentId, r]));
    const panels = new Map<string, ReviewAssignment[]>();
    for (const a of assignments) {
      const list = panels.get(a.applicationId) ?? [];
      list.push(a);
      panels.set(a.applicationId, list);
    }
    const names = await this.organizations.names(cases.map((c) => c.organizationId));
    return {
      items: cases.map((c) => ({
        applicationId: c.applicationId,
        organizationId: c.organizationId,
        organizationName: names.get(c.organizationId) ?? null,
        stage: c.stage,
        closedReason: c.closedReason,
        submissionNumber: c.submissionNumber,
        submittedAt: c.submittedAt.toISOString(),
        amountRequested: c.amountRequested,
        assignments: (panels.get(c.applicationId) ?? []).map((a) => ({
          id: a.id,
          reviewerId: a.reviewerId,
          status: a.status,
          declaration: a.declaration,
          conflictReason: a.conflictReason,
          automatic: a.automatic,
          reviewId: reviewOf.get(a.id)?.id ?? null,
          reviewStatus: reviewOf.get(a.id)?.status ?? 'not_started',
        })),
      })),
    };
  }
}
