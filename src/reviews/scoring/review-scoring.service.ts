import { Injectable } from '@nestjs/common';
import { ApplicationDirectory } from '../../applications/application-directory';
import { AuditLog } from '../../core/audit/audit-log';
import { Clock } from '../../core/clock/clock';
import { RequestContext } from '../../core/context/request-context';
import { TenantDb } from '../../core/context/tenant-db';
import { FieldProblem } from '../../core/errors/domain-error';
import { etagOf, IfMatch, ifMatchHolds } from '../../core/idempotency/etag';
import { OrganizationDirectory } from '../../organizations/organization-directory';
import { ReviewAssignments } from '../assignments/review-assignments.service';
import { ReviewAssignment } from '../entities/review-assignment.entity';
import { Review } from '../entities/review.entity';
import { ProgramRubric, ReviewSettings } from '../review-settings.service';
import {
  DeclarationRequiredError,
  NotInMeritReviewError,
  OwnReviewNotSubmittedError,
  RecusedError,
  ReviewIncompleteError,
  ReviewCaseNotFoundError,
  ReviewLockedError,
  ReviewNotFoundError,
  ReviewNotReopenableError,
  ReviewStaleError,
  ScoresInvalidError,
} from '../reviews.errors';
import { ReviewStages } from '../stages/review-stages.service';
import { weightedTotal } from './panel-scoring';
import { isUuid } from '../../core/ids';
import { entitySql, sql } from '../../core/database/sql-statement';

/** The review of an assignment, locked, with what a submission checks and writes. */
const LOCK_REVIEW_OF_ASSIGNMENT = entitySql(
  'reviews.review-lock-of-assignment',
  Review,
  'r',
  `SELECT {columns} FROM reviews r WHERE r.agency_id = $1 AND r.assignment_id = $2 FOR UPDATE`,
  {
    pick: [
      'id',
      'applicationId',
      'status',
      'points',
      'comments',
      'submittedAt',
      'reopenedAt',
      'reopenReason',
      'version',
    ],
  },
);

const SUBMIT = sql(
  'reviews.review-submit',
  `UPDATE reviews
      SET status = 'submitted', submitted_at = $3, weighted_total = $4, version = $5,
          updated_at = CURRENT_TIMESTAMP
    WHERE agency_id = $1 AND id = $2`,
);

const POINTS = /^\d{1,4}(\.\d{1,2})?$/;

type ReviewFields = Pick<
  Review,
  | 'id'
  | 'status'
  | 'points'
  | 'comments'
  | 'submittedAt'
  | 'reopenedAt'
  | 'reopenReason'
  | 'version'
>;

function reviewView(
  review: ReviewFields | null,
  assignment: Pick<ReviewAssignment, 'id' | 'applicationId'>,
  rubric: ProgramRubric,
) {
  const points = review?.points ?? {};
  const comments = review?.comments ?? {};
  return {
    id: review?.id ?? null,
    assignmentId: assignment.id,
    applicationId: assignment.applicationId,
    status: review?.status ?? 'not_started',
    criteria: rubric.criteria.map((c) => ({
      key: c.id,
      title: c.title,
      weight: c.weight,
      maxPoints: c.maxPoints,
      points: points[c.id] ?? null,
      comment: comments[c.id] ?? null,
    })),
    /** The running weighted total (0-100): unscored criteria count as 0 until scored. */
    weightedTotal: weightedTotal(rubric.criteria, points),
    unscored: rubric.criteria.filter((c) => points[c.id] === undefined).map((c) => c.id),
    submittedAt: review?.submittedAt?.toISOString() ?? null,
    reopenedAt: review?.reopenedAt?.toISOString() ?? null,
    reopenReason: review?.reopenReason ?? null,
    version: review?.version ?? 0,
  };
}
export type ReviewView = ReturnType<typeof reviewView>;

/**
 * Scoring: a reviewer reads the submitted application (only after declaring no conflict),
 * scores each criterion within its maximum with a comment, sees the running weighted total on
 * each save, and submits the review as a whole; it is then locked. Other reviewers' scores are
 * visible to a reviewer only after their own review is submitted.
 */
@Injectable()
export class ReviewScoring {
  constructor(
    private readonly db: TenantDb,
    private readonly context: RequestContext,
    private readonly assignments: ReviewAssignments,
    private readonly stages: ReviewStages,
    private readonly settings: ReviewSettings,
    private readonly applications: ApplicationDirectory,
    private readonly organizations: OrganizationDirectory,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  /** The reviewer's assignment, refused until a no-conflict declaration (and after a recusal). */
  private async cleared(assignmentId: string, lock = false): Promise<ReviewAssignment> {
    const assignment = await this.assignments.mine(assignmentId, lock);
    if (assignment.status === 'recused') throw new RecusedError();
    if (assignment.declaration !== 'none') throw new DeclarationRequiredError();
    return assignment;
  }

  private findReview(assignmentId: string, lock = false): Promise<Review | null> {
    return this.db.repo(Review).findOne({
      where: { agencyId: this.db.agencyId, assignmentId },
      ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
  }

  /** The submitted version of the application, for a cleared reviewer. */
  async content(assignmentId: string) {
    const assignment = await this.cleared(assignmentId);
    const content = await this.applications.submittedContent(assignment.applicationId);
    const organization = await this.organizations.get(content.organizationId);
    return { ...content, organization: { id: organization.id, legalName: organization.legalName } };
  }

  /**
   * A file of the submitted version, read through the assignment: the same clearance as the
   * content (declared no conflict, not recused; another reviewer's assignment is not found).
   */
  async attachment(assignmentId: string, attachmentId: string) {
    const assignment = await this.cleared(assignmentId);
    return this.applications.submittedAttachment(assignment.applicationId, attachmentId);
  }

  async get(assignmentId: string): Promise<ReviewView> {
    const assignment = await this.cleared(assignmentId);
    const rubric = await this.settings.rubric(assignment.programId);
    return reviewView(await this.findReview(assignmentId), assignment, rubric);
  }

  /** Merges points and comments into the draft; answers with the running weighted total. */
  async save(assignmentId: string, scores: Record<string, unknown>, ifMatch: IfMatch) {
    const assignment = await this.cleared(assignmentId, true);
    const c = await this.stages.find(assignment.programId, assignment.applicationId);
    if (c.stage !== 'merit_review') throw new NotInMeritReviewError(c.stage);
    const rubric = await this.settings.rubric(assignment.programId);
    const repo = this.db.repo(Review);
    let review = await this.findReview(assignmentId, true);
    if (review && ifMatch.kind !== 'missing' && !ifMatchHolds(ifMatch, review.version))
      throw new ReviewStaleError(etagOf(review.version));
    if (review?.status === 'submitted') throw new ReviewLockedError();

    const points = { ...(review?.points ?? {}) };
    const comments = { ...(review?.comments ?? {}) };
    const problems: FieldProblem[] = [];
    const maxOf = new Map(rubric.criteria.map((k) => [k.id, k.maxPoints]));
    for (const [key, raw] of Object.entries(scores)) {
      const at = `/scores/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      const max = maxOf.get(key);
      if (max === undefined) {
        problems.push({ pointer: at, detail: 'is not a criterion of this rubric' });
        continue;
      }
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
        problems.push({ pointer: at, detail: 'must be an object { points, comment }' });
        continue;
      }
      const { points: p, comment, ...rest } = raw as Record<string, unknown>;
      for (const extra of Object.keys(rest))
        problems.push({ pointer: `${at}/${extra}`, detail: 'is not a known field' });
      if (p === null) delete points[key];
      else if (p !== undefined) {
        if (typeof p !== 'number' || !Number.isFinite(p) || !POINTS.test(String(p)) || p > max)
          problems.push({
            pointer: `${at}/points`,
            detail: `must be a number from 0 to ${max} (at most 2 decimals)`,
          });
        else points[key] = p;
      }
      if (comment === null) delete comments[key];
      else if (comment !== undefined) {
        if (typeof comment !== 'string' || comment.length > 5000)
          problems.push({
            pointer: `${at}/comment`,
            detail: 'must be text of at most 5000 characters',
          });
        else comments[key] = comment;
      }
    }
    if (problems.length > 0) throw new ScoresInvalidError(problems);

    const total = weightedTotal(rubric.criteria, points);
    review ??= repo.create({
      agencyId: this.db.agencyId,
      assignmentId: assignment.id,
      programId: assignment.programId,
      applicationId: assignment.applicationId,
      reviewerId: assignment.reviewerId,
      status: 'draft',
      version: 0,
    });
    review.points = points;
    review.comments = comments;
    review.weightedTotal = total.toFixed(4);
    review.version += 1;
    review = await repo.save(review);
    await this.audit.record({
      action: 'review.scores_saved',
      entityType: 'review',
      entityId: review.id,
      after: { criteria: Object.keys(scores), weightedTotal: review.weightedTotal },
    });
    return reviewView(review, assignment, rubric);
  }

  /** Submits the review as a whole: every criterion scored and commented; then locked. */
  async submit(assignmentId: string) {
    // The assignment locked with its case's stage, then the review locked: the same order and
    // checks as `save`, in fewer statements.
    const assignment = await this.assignments.lockMineWithStage(assignmentId);
    if (assignment.status === 'recused') throw new RecusedError();
    if (assignment.declaration !== 'none') throw new DeclarationRequiredError();
    if (assignment.stage === null) throw new ReviewCaseNotFoundError();
    if (assignment.stage !== 'merit_review') throw new NotInMeritReviewError(assignment.stage);
    const rubric = await this.settings.rubric(assignment.programId);
    const rows = await this.db.rows(LOCK_REVIEW_OF_ASSIGNMENT, [this.db.agencyId, assignmentId]);
    const review = rows[0] ?? null;
    if (review?.status === 'submitted') throw new ReviewLockedError();
    const problems: FieldProblem[] = [];
    for (const k of rubric.criteria) {
      if (review?.points[k.id] === undefined)
        problems.push({ pointer: `/scores/${k.id}/points`, detail: 'is not scored yet' });
      if (!review?.comments[k.id]?.trim())
        problems.push({ pointer: `/scores/${k.id}/comment`, detail: 'needs a comment' });
    }
    if (!review || problems.length > 0) throw new ReviewIncompleteError(problems);
    review.status = 'submitted';
    review.submittedAt = this.clock.now();
    review.version += 1;
    const total = weightedTotal(rubric.criteria, review.points).toFixed(4);
    await this.db.rows(SUBMIT, [
      this.db.agencyId,
      review.id,
      review.submittedAt,
      total,
      review.version,
    ]);
    await this.audit.record({
      action: 'review.submitted',
      entityType: 'review',
      entityId: review.id,
      before: { status: 'draft' },
      after: {
        status: 'submitted',
        applicationId: review.applicationId,
        weightedTotal: total,
        points: review.points,
      },
    });
    return reviewView(review, assignment, rubric);
  }

  /** Other reviewers' submitted scores on the same application, once the caller has submitted. */
  async panel(assignmentId: string) {
    const assignment = await this.cleared(assignmentId);
    const own = await this.findReview(assignmentId);
    if (own?.status !== 'submitted') throw new OwnReviewNotSubmittedError();
    const others = await this.db.repo(Review).find({
      where: {
        agencyId: this.db.agencyId,
        applicationId: assignment.applicationId,
        status: 'submitted',
      },
      order: { submittedAt: 'ASC' },
    });
    let n = 1;
    return {
      applicationId: assignment.applicationId,
      yours: { weightedTotal: Number(own.weightedTotal), points: own.points },
      others: others
        .filter((r) => r.id !== own.id)
        .map((r) => ({
          reviewer: `Reviewer ${++n}`, // panel members stay anonymous to each other
          weightedTotal: Number(r.weightedTotal),
          points: r.points,
          comments: r.comments,
        })),
    };
  }

  /** A program officer reopens a submitted review (merit review only), with a reason. */
  async reopen(programId: string, reviewId: string, reason: string) {
    await this.settings.assertNotReleased(programId);
    const review = isUuid(reviewId)
      ? await this.db.repo(Review).findOne({
          where: { agencyId: this.db.agencyId, id: reviewId, programId },
          lock: { mode: 'pessimistic_write' },
        })
      : null;
    if (!review) throw new ReviewNotFoundError();
    if (review.status !== 'submitted') throw new ReviewNotReopenableError('it is not submitted');
    const c = await this.stages.find(programId, review.applicationId);
    if (c.stage !== 'merit_review')
      throw new ReviewNotReopenableError(`the application is in ${c.stage}`);
    review.status = 'draft';
    review.reopenedAt = this.clock.now();
    review.reopenedBy = this.context.actor?.userId ?? null;
    review.reopenReason = reason;
    review.version += 1;
    await this.db.repo(Review).save(review);
    await this.audit.record({
      action: 'review.reopened',
      entityType: 'review',
      entityId: review.id,
      before: { status: 'submitted' },
      after: { status: 'draft', reason },
    });
    return {
      id: review.id,
      status: review.status,
      reopenedAt: review.reopenedAt.toISOString(),
      reopenReason: reason,
    };
  }
}
