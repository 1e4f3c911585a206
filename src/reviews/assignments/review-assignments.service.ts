import { Injectable } from '@nestjs/common';
import { In } from 'typeorm';
import { ApplicationDirectory } from '../../applications/application-directory';
import { AuditLog } from '../../core/audit/audit-log';
import { Clock } from '../../core/clock/clock';
import { RequestContext } from '../../core/context/request-context';
import { TenantDb } from '../../core/context/tenant-db';
import { AgencyStaffDirectory } from '../../identity/memberships/agency-staff-directory';
import { OrganizationMemberships } from '../../identity/memberships/organization-memberships.service';
import { OrganizationDirectory } from '../../organizations/organization-directory';
import { ProgramCatalog } from '../../programs/program-catalog';
import { DeclarationDto } from '../dto/review.dto';
import { ReviewAssignment } from '../entities/review-assignment.entity';
import { ReviewCase, ReviewStage } from '../entities/review-case.entity';
import { Review } from '../entities/review.entity';
import { ReviewSettings } from '../review-settings.service';
import {
  AlreadyDeclaredError,
  AssignmentNotFoundError,
  NotInMeritReviewError,
  ReviewerIneligibleError,
  ReviewLockedError,
} from '../reviews.errors';
import { ReviewStages } from '../stages/review-stages.service';
import { ApplicationToStaff, isEligible, planAssignments, PoolReviewer } from './assignment-rule';
import { isUuid } from '../../core/ids';
import { computedColumns, entitySql, sql } from '../../core/database/sql-statement';

const LOCK_PROGRAM = sql(
  'reviews.assignments-program-lock',
  `SELECT pg_advisory_xact_lock(hashtext('review-assignments:' || $1))`,
);

const LOADS = sql<{ reviewerId: ReviewAssignment['reviewerId']; n: number }>(
  'reviews.assignment-loads',
  `SELECT reviewer_id AS "reviewerId", count(*)::int AS n FROM review_assignments
    WHERE agency_id = $1 AND program_id = $2 AND status = 'active' GROUP BY reviewer_id`,
);

/** A reviewer's own assignment, locked, with its case's stage (null: no case). */
const LOCK_MINE_WITH_STAGE = entitySql(
  'reviews.assignment-lock-mine-with-stage',
  ReviewAssignment,
  'a',
  `SELECT {columns},
          (SELECT c.stage FROM review_cases c
            WHERE c.agency_id = a.agency_id AND c.application_id = a.application_id
              AND c.program_id = a.program_id) AS stage
     FROM review_assignments a
    WHERE a.agency_id = $1 AND a.id = $2 AND a.reviewer_id = $3
      FOR UPDATE OF a`,
  {
    pick: ['id', 'programId', 'applicationId', 'status', 'declaration'],
    computed: computedColumns<{ stage: ReviewCase['stage'] | null }>(),
  },
);

/** A reviewer's assignment, locked, with its review case's stage (null: no case). */
export type LockedAssignment = Pick<
  ReviewAssignment,
  'id' | 'programId' | 'applicationId' | 'status' | 'declaration'
> & { stage: ReviewStage | null };

/**
 * Reviewer assignment and conflicts of interest. The pool is the agency's active reviewers who
 * accepted their invitation;
 * assignment (automatic or manual) follows the load-balancing rule; a declared conflict recuses
 * the reviewer and the application is reassigned at once to the next eligible reviewer.
 * Assignment changes of a program are serialised by a transaction-scoped advisory lock.
 */
@Injectable()
export class ReviewAssignments {
  constructor(
    private readonly db: TenantDb,
    private readonly context: RequestContext,
    private readonly staff: AgencyStaffDirectory,
    private readonly memberships: OrganizationMemberships,
    private readonly organizations: OrganizationDirectory,
    private readonly applications: ApplicationDirectory,
    private readonly catalog: ProgramCatalog,
    private readonly stages: ReviewStages,
    private readonly settings: ReviewSettings,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  private async lockProgram(programId: string): Promise<void> {
    await this.db.rows(LOCK_PROGRAM, [programId]);
  }

  /**
   * The agency's active reviewers who have accepted their invitation, with their current load
   * in this program: automatic and manual assignment both draw from it.
   */
  async pool(programId: string): Promise<PoolReviewer[]> {
    const reviewers = await this.staff.acceptedWithRole('reviewer');
    const loads = await this.db.rows(LOADS, [this.db.agencyId, programId]);
    const loadOf = new Map(loads.map((l) => [l.reviewerId, l.n]));
    const pool: PoolReviewer[] = [];
    for (const r of reviewers) {
      const organizations = await this.memberships.organizationsOf(r.userId);
      pool.push({
        reviewerId: r.userId,
        load: loadOf.get(r.userId) ?? 0,
        organizationIds: new Set(organizations.map((m) => m.organizationId)),
      });
    }
    return pool;
  }

  async poolView(programId: string) {
    await this.catalog.terms(programId);
    const reviewers = await this.staff.acceptedWithRole('reviewer');
    const pool = await this.pool(programId);
    const byId = new Map(pool.map((p) => [p.reviewerId, p]));
    return {
      items: reviewers.map((r) => ({
        reviewerId: r.userId,
        name: r.name,
        email: r.email,
        activeAssignments: byId.get(r.userId)?.load ?? 0,
      })),
    };
  }

  /** What each application still needs: rows already on it, and active reviewers short. */
  private async staffing(cases: ReviewCase[], perApplication: number) {
    const ids = cases.map((c) => c.applicationId);
    const rows = ids.length
      ? await this.db.repo(ReviewAssignment).find({
          where: { agencyId: this.db.agencyId, applicationId: In(ids) },
        })
      : [];
    const byApplication = new Map<string, ReviewAssignment[]>();
    for (const r of rows) {
      const list = byApplication.get(r.applicationId) ?? [];
      list.push(r);
      byApplication.set(r.applicationId, list);
    }
    return cases.map((c): ApplicationToStaff => {
      const mine = byApplication.get(c.applicationId) ?? [];
      return {
        applicationId: c.applicationId,
        organizationId: c.organizationId,
        reviewerIds: new Set(mine.map((r) => r.reviewerId)),
        needed: perApplication - mine.filter((r) => r.status === 'active').length,
      };
    });
  }

  /** Fills every application in merit review up to N reviewers. */
  async autoAssign(programId: string) {
    const { reviewersPerApplication } = await this.settings.effective(programId);
    await this.settings.assertNotReleased(programId);
    await this.lockProgram(programId);
    const left = await this.applications.idsWithStatus(programId, ['withdrawn', 'returned']);
    const cases = (
      await this.db.repo(ReviewCase).find({
        where: { agencyId: this.db.agencyId, programId, stage: 'merit_review' },
        order: { submittedAt: 'ASC', applicationId: 'ASC' },
      })
    ).filter((c) => !left.has(c.applicationId));
    const { planned, short } = planAssignments(
      await this.pool(programId),
      await this.staffing(cases, reviewersPerApplication),
    );
    const created = [];
    for (const p of planned) created.push(await this.create(programId, p, true));
    return { reviewersPerApplication, created, short };
  }

  /** A program officer assigns a reviewer of their choice (the same eligibility applies). */
  async assign(programId: string, applicationId: string, reviewerId: string) {
    await this.settings.assertNotReleased(programId);
    await this.lockProgram(programId);
    const c = await this.stages.find(programId, applicationId);
    if (c.stage !== 'merit_review') throw new NotInMeritReviewError(c.stage);
    const reviewer = (await this.pool(programId)).find((r) => r.reviewerId === reviewerId);
    if (!reviewer)
      throw new ReviewerIneligibleError(
        'not an active reviewer of this agency who has accepted their invitation',
      );
    const [application] = await this.staffing([c], 0);
    if (application.reviewerIds.has(reviewerId))
      throw new ReviewerIneligibleError('already assigned to (or recused from) this application');
    if (!isEligible(reviewer, application))
      throw new ReviewerIneligibleError('a member of the applicant organization');
    return this.create(programId, { applicationId, reviewerId }, false);
  }

  private async create(
    programId: string,
    p: { applicationId: string; reviewerId: string },
    automatic: boolean,
  ) {
    const repo = this.db.repo(ReviewAssignment);
    const saved = await repo.save(
      repo.create({
        agencyId: this.db.agencyId,
        programId,
        applicationId: p.applicationId,
        reviewerId: p.reviewerId,
        status: 'active',
        automatic,
        assignedBy: this.context.actor?.userId ?? null,
      }),
    );
    await this.audit.record({
      action: 'review.assigned',
      entityType: 'review_assignment',
      entityId: saved.id,
      after: { applicationId: p.applicationId, reviewerId: p.reviewerId, automatic },
    });
    return {
      id: saved.id,
      applicationId: p.applicationId,
      reviewerId: p.reviewerId,
      automatic,
    };
  }

  /** The signed-in reviewer's own assignment (another reviewer's is "not found"). */
  async mine(assignmentId: string, lock = false): Promise<ReviewAssignment> {
    const user = this.context.requireUser();
    const found = isUuid(assignmentId)
      ? await this.db.repo(ReviewAssignment).findOne({
          where: { agencyId: this.db.agencyId, id: assignmentId, reviewerId: user.userId },
          ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
        })
      : null;
    if (!found) throw new AssignmentNotFoundError();
    return found;
  }

  /**
   * `mine(id, true)` and the stage of its review case in one statement (the case row is not
   * locked, as `ReviewStages.find` does not lock it): the submit path's first read.
   */
  async lockMineWithStage(assignmentId: string): Promise<LockedAssignment> {
    const user = this.context.requireUser();
    const rows: LockedAssignment[] = isUuid(assignmentId)
      ? await this.db.rows(LOCK_MINE_WITH_STAGE, [this.db.agencyId, assignmentId, user.userId])
      : [];
    if (rows.length === 0) throw new AssignmentNotFoundError();
    return rows[0];
  }

  /** The signed-in reviewer's assignments: who the applicant is, enough to judge a conflict. */
  async listMine() {
    const user = this.context.requireUser();
    const rows = await this.db.repo(ReviewAssignment).find({
      where: { agencyId: this.db.agencyId, reviewerId: user.userId },
      order: { createdAt: 'DESC' },
      take: 500,
    });
    const ids = rows.map((r) => r.applicationId);
    const cases = ids.length
      ? await this.db
          .repo(ReviewCase)
          .find({ where: { agencyId: this.db.agencyId, applicationId: In(ids) } })
      : [];
    const caseOf = new Map(cases.map((c) => [c.applicationId, c]));
    const reviews = rows.length
      ? await this.db.repo(Review).find({
          where: { agencyId: this.db.agencyId, assignmentId: In(rows.map((r) => r.id)) },
        })
      : [];
    const reviewOf = new Map(reviews.map((r) => [r.assignmentId, r]));
    const names = await this.organizations.names(cases.map((c) => c.organizationId));
    const titles = new Map<string, string>();
    for (const programId of new Set(rows.map((r) => r.programId)))
      titles.set(programId, (await this.catalog.terms(programId)).title);
    return {
      items: rows.map((a) => {
        const c = caseOf.get(a.applicationId);
        return {
          id: a.id,
          applicationId: a.applicationId,
          programId: a.programId,
          programTitle: titles.get(a.programId) ?? null,
          organizationName: c ? (names.get(c.organizationId) ?? null) : null,
          stage: c?.stage ?? null,
          status: a.status,
          declaration: a.declaration,
          reviewStatus: reviewOf.get(a.id)?.status ?? 'not_started',
          assignedAt: a.createdAt.toISOString(),
        };
      }),
    };
  }

  /**
   * The reviewer declares no conflict (and may then read and score) or a conflict with a
   * reason: they are recused and the application goes to the next eligible reviewer. A conflict
   * found after declaring none may still be declared until the review is submitted.
   */
  async declare(assignmentId: string, dto: DeclarationDto) {
    const assignment = await this.mine(assignmentId);
    await this.settings.assertNotReleased(assignment.programId);
    await this.lockProgram(assignment.programId);
    const locked = await this.mine(assignmentId, true);
    if (locked.status === 'recused' || (locked.declaration === 'none' && !dto.conflict))
      throw new AlreadyDeclaredError(locked.declaration!);
    const review = await this.db.repo(Review).findOne({
      where: { agencyId: this.db.agencyId, assignmentId: locked.id },
    });
    if (review?.status === 'submitted') throw new ReviewLockedError();

    const before = { status: locked.status, declaration: locked.declaration };
    locked.declaration = dto.conflict ? 'conflict' : 'none';
    locked.conflictReason = dto.conflict ? dto.reason!.trim() : null;
    locked.declaredAt = this.clock.now();
    if (dto.conflict) locked.status = 'recused';
    await this.db.repo(ReviewAssignment).save(locked);
    await this.audit.record({
      action: dto.conflict ? 'review.conflict_declared' : 'review.no_conflict_declared',
      entityType: 'review_assignment',
      entityId: locked.id,
      before,
      after: {
        applicationId: locked.applicationId,
        reviewerId: locked.reviewerId,
        status: locked.status,
        declaration: locked.declaration,
        reason: locked.conflictReason,
      },
    });
    const replacement = dto.conflict ? await this.replace(locked) : undefined;
    return {
      id: locked.id,
      status: locked.status,
      declaration: locked.declaration,
      conflictReason: locked.conflictReason,
      declaredAt: locked.declaredAt.toISOString(),
      ...(dto.conflict ? { reassigned: replacement !== null } : {}),
    };
  }

  /** The next eligible reviewer takes a recused reviewer's place, if there is one. */
  private async replace(recused: ReviewAssignment) {
    const c = await this.stages.find(recused.programId, recused.applicationId);
    const { reviewersPerApplication } = await this.settings.effective(recused.programId);
    const { planned } = planAssignments(await this.pool(recused.programId), [
      {
        ...(await this.staffing([c], reviewersPerApplication))[0],
        needed: 1, // one out, one in (even if the panel was over-filled by hand)
      },
    ]);
    if (planned.length === 0) {
      await this.audit.record({
        action: 'review.reassignment_unavailable',
        entityType: 'application',
        entityId: recused.applicationId,
        after: { recusedReviewerId: recused.reviewerId },
      });
      return null;
    }
    return this.create(recused.programId, planned[0], true);
  }
}
