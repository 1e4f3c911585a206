import { TenantRunner } from '../../src/core/context/tenant-db';
import { expectStatus, type TestApp, type TestResponse } from '../support/test-app';
import {
  completeAnswers,
  createOrganization,
  openProgram,
  ProgramBody,
  putBudget,
  saveApplication,
  STANDARD_BUDGET,
  startApplication,
  submitApplication,
  uploadAttachment,
} from './grants';
import {
  agencyId,
  asAgencyOwner,
  SignedIn,
  signedInOrganizationMember,
  signedInStaff,
} from './identity';

/**
 * Review test data in one line, through the real HTTP API: a program with several submitted
 * applications (one per organization), reviewers, and the calls of the review workflow.
 */

const api = (agencyCode: string) => `/api/v1/agencies/${agencyCode}`;
export const reviewUrl = (agencyCode: string, programId: string) =>
  `${api(agencyCode)}/programs/${programId}/review`;
export const decisionsUrl = (agencyCode: string, programId: string) =>
  `${api(agencyCode)}/programs/${programId}/decisions`;
export const assignmentUrl = (agencyCode: string, assignmentId?: string) =>
  `${api(agencyCode)}/reviews/assignments${assignmentId ? `/${assignmentId}` : ''}`;

export { expectStatus };

export interface Applicant {
  organization: { id: string; legalName: string };
  /** An authorized representative (may edit and submit). */
  member: SignedIn;
  application: { id: string };
}

/**
 * A published program and `count` organizations that each submitted one complete application
 * (budget totalling STANDARD_BUDGET's 100,000.00), in order: the first submitted first.
 */
export async function programWithSubmissions(
  t: TestApp,
  agencyCode: string,
  count: number,
  overrides: ProgramBody = {},
  /** A file each application submits with it (reviewers read it through the assignment). */
  options: { attachment?: { filename: string; content: Buffer } } = {},
) {
  const { officer, program } = await openProgram(t, agencyCode, {
    requiredAttachments: [],
    ...overrides,
  });
  const admin = await signedInStaff(t, agencyCode, ['agency_admin']);
  const applicants: Applicant[] = [];
  for (let i = 0; i < count; i++) {
    const organization = await createOrganization(t, agencyCode, {}, admin);
    const member = await signedInOrganizationMember(t, agencyCode, organization.id, [
      'authorized_representative',
    ]);
    const application = await startApplication(t, agencyCode, organization.id, member, program.id);
    expectStatus(
      await saveApplication(t, agencyCode, organization.id, application.id, member, {
        answers: completeAnswers(),
      }),
      200,
      'save answers',
    );
    expectStatus(
      await putBudget(t, agencyCode, organization.id, application.id, member, STANDARD_BUDGET),
      200,
      'save budget',
    );
    if (options.attachment) {
      expectStatus(
        await uploadAttachment(
          t,
          agencyCode,
          organization.id,
          application.id,
          member,
          options.attachment,
        ),
        201,
        'upload attachment',
      );
    }
    expectStatus(
      await submitApplication(t, agencyCode, organization.id, application.id, member),
      201,
      'submit',
    );
    applicants.push({ organization, member, application });
  }
  return { officer, program, applicants };
}

/** Deactivates every reviewer of the agency, so a test controls the pool exactly. */
export async function retireReviewers(t: TestApp, agencyCode: string): Promise<void> {
  await asAgencyOwner(t, agencyCode, (client) =>
    client.query(
      `UPDATE agency_memberships SET status = 'deactivated' WHERE 'reviewer' = ANY(roles)`,
    ),
  );
}

export async function call(
  t: TestApp,
  who: SignedIn,
  method: 'GET' | 'POST' | 'PUT',
  url: string,
  payload?: unknown,
  headers?: Record<string, string>,
): Promise<TestResponse> {
  return t.request({ method, url, token: who.token, payload, headers });
}

/** Intake of every submitted application, then screening passed for all of them. */
export async function intoMeritReview(
  t: TestApp,
  agencyCode: string,
  officer: SignedIn,
  programId: string,
): Promise<void> {
  const base = reviewUrl(agencyCode, programId);
  expectStatus(await call(t, officer, 'POST', `${base}/intake`, {}), 200, 'intake');
  expectStatus(
    await call(t, officer, 'POST', `${base}/stage`, { to: 'merit_review' }),
    200,
    'to merit review',
  );
}

export async function assignReviewer(
  t: TestApp,
  agencyCode: string,
  officer: SignedIn,
  programId: string,
  applicationId: string,
  reviewer: SignedIn,
): Promise<string> {
  const res = await call(
    t,
    officer,
    'POST',
    `${reviewUrl(agencyCode, programId)}/applications/${applicationId}/assignments`,
    { reviewerId: reviewer.user.id },
  );
  expectStatus(res, 201, 'assign reviewer');
  return res.json<{ id: string }>().id;
}

/** The reviewer's assignment on an application (from their own list). */
export async function assignmentOf(
  t: TestApp,
  agencyCode: string,
  reviewer: SignedIn,
  applicationId: string,
): Promise<{ id: string; status: string; declaration: string | null }> {
  const res = await call(t, reviewer, 'GET', assignmentUrl(agencyCode));
  expectStatus(res, 200, 'list assignments');
  const found = res
    .json<{
      items: Array<{
        applicationId: string;
        id: string;
        status: string;
        declaration: string | null;
      }>;
    }>()
    .items.find((a) => a.applicationId === applicationId);
  if (!found) throw new Error(`no assignment of this reviewer on ${applicationId}`);
  return found;
}

export async function declareNoConflict(
  t: TestApp,
  agencyCode: string,
  reviewer: SignedIn,
  assignmentId: string,
): Promise<void> {
  expectStatus(
    await call(t, reviewer, 'POST', `${assignmentUrl(agencyCode, assignmentId)}/declaration`, {
      conflict: false,
    }),
    200,
    'declare no conflict',
  );
}

/** Saves points (with a comment each) and submits the review. */
export async function scoreAndSubmit(
  t: TestApp,
  agencyCode: string,
  reviewer: SignedIn,
  assignmentId: string,
  points: Record<string, number>,
): Promise<void> {
  const scores = Object.fromEntries(
    Object.entries(points).map(([key, p]) => [key, { points: p, comment: `Scored ${p}.` }]),
  );
  expectStatus(
    await call(t, reviewer, 'PUT', `${assignmentUrl(agencyCode, assignmentId)}/review`, { scores }),
    200,
    'save scores',
  );
  expectStatus(
    await call(t, reviewer, 'POST', `${assignmentUrl(agencyCode, assignmentId)}/review/submit`),
    200,
    'submit review',
  );
}

/**
 * Points on STANDARD_RUBRIC (need 2x/20, design 3x/30, budget 1x/10) whose weighted total is
 * `total`: with those weights the total is simply (need + design + budget) / 60 * 100.
 */
export const STANDARD_POINTS: Record<number, Record<string, number>> = {
  25: { need: 5, design: 7, budget: 3 },
  50: { need: 10, design: 15, budget: 5 },
  60: { need: 12, design: 18, budget: 6 },
  70: { need: 14, design: 21, budget: 7 },
  85: { need: 17, design: 26, budget: 8 },
  95: { need: 19, design: 29, budget: 9 },
};

/** Runs `work` in the agency's tenant context, as a job or another module would. */
export async function inTenant<R>(t: TestApp, agencyCode: string, work: () => Promise<R>) {
  const id = await agencyId(t, agencyCode);
  return t.app.get(TenantRunner).run({ agencyId: id, agencyCode }, { kind: 'system' }, work);
}
