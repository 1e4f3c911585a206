/**
 * Who reviews what: the load-balancing rule, pure so it is unit-tested. A reviewer is eligible
 * for an application unless they already have a row on it (assigned, or recused after declaring
 * a conflict) or belong to the applicant organization. Among the eligible, the one with the
 * fewest current assignments goes first; ties break on the reviewer id, so the same inputs always
 * give the same panel.
 */
export interface PoolReviewer {
  reviewerId: string;
  /** Active assignments this reviewer holds now (the load being balanced). */
  load: number;
  /** Applicant organizations the reviewer is a member of. */
  organizationIds: ReadonlySet<string>;
}

export interface ApplicationToStaff {
  applicationId: string;
  organizationId: string;
  /** Reviewers with any assignment row on it, active or recused. */
  reviewerIds: ReadonlySet<string>;
  /** How many more active reviewers it needs. */
  needed: number;
}

export interface PlannedAssignment {
  applicationId: string;
  reviewerId: string;
}

export function isEligible(reviewer: PoolReviewer, application: ApplicationToStaff): boolean {
  return (
    !application.reviewerIds.has(reviewer.reviewerId) &&
    !reviewer.organizationIds.has(application.organizationId)
  );
}

const byLoadThenId = (a: PoolReviewer, b: PoolReviewer) =>
  a.load - b.load || (a.reviewerId < b.reviewerId ? -1 : a.reviewerId > b.reviewerId ? 1 : 0);

/**
 * Fills each application (in the order given) up to what it needs. Loads are updated as the plan
 * grows, so the work spreads across the pool. Applications that cannot be filled (too few
 * eligible reviewers) come back in `short`.
 */
export function planAssignments(
  pool: PoolReviewer[],
  applications: ApplicationToStaff[],
): { planned: PlannedAssignment[]; short: Array<{ applicationId: string; missing: number }> } {
  const reviewers = pool.map((r) => ({ ...r }));
  const planned: PlannedAssignment[] = [];
  const short: Array<{ applicationId: string; missing: number }> = [];
  for (const application of applications) {
    if (application.needed <= 0) continue;
    const chosen = reviewers
      .filter((r) => isEligible(r, application))
      .sort(byLoadThenId)
      .slice(0, application.needed);
    for (const reviewer of chosen) {
      reviewer.load += 1;
      planned.push({ applicationId: application.applicationId, reviewerId: reviewer.reviewerId });
    }
    if (chosen.length < application.needed)
      short.push({
        applicationId: application.applicationId,
        missing: application.needed - chosen.length,
      });
  }
  return { planned, short };
}
