import { ApplicationToStaff, planAssignments, PoolReviewer } from './assignment-rule';

const reviewer = (reviewerId: string, load = 0, organizationIds: string[] = []): PoolReviewer => ({
  reviewerId,
  load,
  organizationIds: new Set(organizationIds),
});
const application = (
  applicationId: string,
  needed: number,
  organizationId = `org-${applicationId}`,
  reviewerIds: string[] = [],
): ApplicationToStaff => ({
  applicationId,
  organizationId,
  needed,
  reviewerIds: new Set(reviewerIds),
});

describe('planAssignments', () => {
  it('gives each application its reviewers, fewest current assignments first', () => {
    const { planned, short } = planAssignments(
      [reviewer('r1', 2), reviewer('r2', 0), reviewer('r3', 1)],
      [application('a', 2)],
    );
    expect(planned).toEqual([
      { applicationId: 'a', reviewerId: 'r2' },
      { applicationId: 'a', reviewerId: 'r3' },
    ]);
    expect(short).toEqual([]);
  });

  it('spreads the load as it goes and breaks ties on the reviewer id', () => {
    const { planned } = planAssignments(
      [reviewer('r2'), reviewer('r1'), reviewer('r3')],
      [application('a', 2), application('b', 2), application('c', 2)],
    );
    // a: r1, r2 (ties by id); b: r3 (0) then r1 (1, before r2); c: r2 (1) then r3 (1, r1 has 2).
    expect(planned.map((p) => `${p.applicationId}:${p.reviewerId}`)).toEqual([
      'a:r1',
      'a:r2',
      'b:r3',
      'b:r1',
      'c:r2',
      'c:r3',
    ]);
  });

  it('never picks a member of the applicant organization or a reviewer already on it', () => {
    const { planned, short } = planAssignments(
      [reviewer('r1', 0, ['org-x']), reviewer('r2'), reviewer('r3')],
      [application('a', 2, 'org-x', ['r3'])],
    );
    expect(planned).toEqual([{ applicationId: 'a', reviewerId: 'r2' }]);
    expect(short).toEqual([{ applicationId: 'a', missing: 1 }]);
  });

  it('does not change the pool it was given', () => {
    const pool = [reviewer('r1')];
    planAssignments(pool, [application('a', 1)]);
    expect(pool[0].load).toBe(0);
  });
});
