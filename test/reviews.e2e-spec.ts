import { FundingDecisionsReader } from '../src/reviews/decisions/funding-decisions-reader';
import {
  asAgencyOwner,
  createInvitation,
  grantOrganizationRoles,
  login,
  ownerPool,
  SignedIn,
  signedInStaff,
} from './factories/identity';
import { applicationsUrl, SAMPLE_PDF, STANDARD_RUBRIC } from './factories/grants';
import {
  Applicant,
  assignmentOf,
  assignmentUrl,
  assignReviewer,
  call,
  decisionsUrl,
  declareNoConflict,
  expectStatus,
  inTenant,
  intoMeritReview,
  programWithSubmissions,
  retireReviewers,
  reviewUrl,
  scoreAndSubmit,
  STANDARD_POINTS,
} from './factories/reviews';
import { storySteps } from './support/story';
import { useTestApp } from './support/use-test-app';

/**
 * Review and funding decisions end to end, over real HTTP with real tokens, on PostgreSQL as the
 * app role. The Missouri agency (mo-dese) aggregates by per-reviewer z-score by default.
 */
describe('review: conflicts, normalization, ranking and decisions released together', () => {
  const t = useTestApp();
  const MO = 'mo-dese';

  describe('in Missouri: a conflicted reviewer replaced, normalization, funding down the list, released together', () => {
    const step = storySteps();
    let officer: SignedIn;
    let program: { id: string };
    let applicants: Applicant[];
    let [A, B, C, D, E]: Applicant[] = [];
    let base: string;
    let H: SignedIn;
    let L: SignedIn;
    let X: SignedIn;
    let xOnD: string;

    const order = (res: { json(): { items: Array<{ applicationId: string }> } }) =>
      res.json().items.map((i) => applicants.find((a) => a.application.id === i.applicationId));
    step(
      'pools five submissions of 100,000.00 for 250,000.00, partial awards allowed, in merit review',
      async () => {
        await retireReviewers(t, MO);
        // Five districts apply for 100,000.00 each; 250,000.00 is available; one reviewer per application.
        ({ officer, program, applicants } = await programWithSubmissions(t, MO, 5, {
          fundsAvailable: '250000.00',
          awardCeiling: '250000.00',
          rubric: { ...STANDARD_RUBRIC, reviewersPerApplication: 1 },
        }));
        [A, B, C, D, E] = applicants;
        base = reviewUrl(MO, program.id);

        // The program allows a partial award to the last application funded.
        const settings = await call(t, officer, 'PUT', `${base}/settings`, {
          allowPartialAward: true,
        });
        expect(settings.json()).toMatchObject({ aggregation: 'z-score', allowPartialAward: true });

        await intoMeritReview(t, MO, officer, program.id);
        const seen = await call(
          t,
          A.member,
          'GET',
          applicationsUrl(MO, A.organization.id, A.application.id),
        );
        expect(seen.json().status).toBe('under_review');
      },
    );

    step('assigns a harsh reviewer, a lenient one, and one who knows district D', async () => {
      // The pool: a harsh reviewer H, a lenient reviewer L, and X, who knows district D.
      H = await signedInStaff(t, MO, ['reviewer']);
      L = await signedInStaff(t, MO, ['reviewer']);
      X = await signedInStaff(t, MO, ['reviewer']);
      const pool = await call(t, officer, 'GET', `${base}/reviewers`);
      expect(
        pool
          .json()
          .items.map((r: { reviewerId: string }) => r.reviewerId)
          .sort(),
      ).toEqual([H, L, X].map((r) => r.user.id).sort());
      for (const app of [A, B, E])
        await assignReviewer(t, MO, officer, program.id, app.application.id, H);
      await assignReviewer(t, MO, officer, program.id, C.application.id, L);
      xOnD = await assignReviewer(t, MO, officer, program.id, D.application.id, X);
    });

    step('shows a reviewer who applied, but not the content until they declare', async () => {
      // X sees who applied (to judge a conflict) but not the content until declaring.
      const listed = await call(t, X, 'GET', assignmentUrl(MO));
      expect(listed.json().items[0]).toMatchObject({
        applicationId: D.application.id,
        organizationName: D.organization.legalName,
        declaration: null,
      });
      const early = await call(t, X, 'GET', `${assignmentUrl(MO, xOnD)}/application`);
      expect(early.status).toBe(409);
      expect(early.json().code).toBe('review.declaration_required');
    });

    step(
      'recuses a declared conflict, audited, and replaces the reviewer by the fewest assignments',
      async () => {
        const declared = await call(t, X, 'POST', `${assignmentUrl(MO, xOnD)}/declaration`, {
          conflict: true,
          reason: 'I served on this district’s school board until last year.',
        });
        expect(declared.status).toBe(200);
        expect(declared.json()).toMatchObject({
          status: 'recused',
          declaration: 'conflict',
          reassigned: true,
        });
        const recused = await call(t, X, 'GET', `${assignmentUrl(MO, xOnD)}/application`);
        expect(recused.status).toBe(403);
        expect(recused.json().code).toBe('review.recused');

        // Replaced automatically by the eligible reviewer with the fewest assignments: L (1) before H (3).
        const cases = await call(t, officer, 'GET', `${base}/applications`);
        const dPanel = cases
          .json()
          .items.find(
            (c: { applicationId: string }) => c.applicationId === D.application.id,
          ).assignments;
        expect(dPanel).toEqual([
          expect.objectContaining({
            reviewerId: X.user.id,
            status: 'recused',
            declaration: 'conflict',
          }),
          expect.objectContaining({ reviewerId: L.user.id, status: 'active', automatic: true }),
        ]);
        const audited = await asAgencyOwner(t, MO, (client) =>
          client.query(
            `SELECT action, after FROM audit_events WHERE entity_id = $1 ORDER BY occurred_at`,
            [xOnD],
          ),
        );
        expect(audited.rows.map((r) => r.action)).toEqual([
          'review.assigned',
          'review.conflict_declared',
        ]);
        expect(audited.rows[1].after).toMatchObject({
          declaration: 'conflict',
          reason: expect.stringContaining('school board'),
        });
      },
    );

    step('keeps a running weighted total; every reviewer scores and submits', async () => {
      // H scores A 70, B 50, E 60 (harsh: mean 60); L scores C 95, D 85 (lenient: mean 90).
      const hOnA = (await assignmentOf(t, MO, H, A.application.id)).id;
      await declareNoConflict(t, MO, H, hOnA);
      const content = await call(t, H, 'GET', `${assignmentUrl(MO, hOnA)}/application`);
      expect(content.json()).toMatchObject({
        applicationId: A.application.id,
        amountRequested: '100000.00',
      });
      // The running weighted total: need 14/20 weighs 2 of 6 -> 14/60 = 23.3333 so far.
      const partial = await call(t, H, 'PUT', `${assignmentUrl(MO, hOnA)}/review`, {
        scores: { need: { points: 14, comment: 'Strong needs data.' } },
      });
      expect(partial.json()).toMatchObject({
        weightedTotal: 23.3333,
        unscored: ['design', 'budget'],
      });
      await scoreAndSubmit(t, MO, H, hOnA, STANDARD_POINTS[70]);
      for (const [app, total] of [
        [B, 50],
        [E, 60],
      ] as const) {
        const id = (await assignmentOf(t, MO, H, app.application.id)).id;
        await declareNoConflict(t, MO, H, id);
        await scoreAndSubmit(t, MO, H, id, STANDARD_POINTS[total]);
      }
      for (const [app, total] of [
        [C, 95],
        [D, 85],
      ] as const) {
        const id = (await assignmentOf(t, MO, L, app.application.id)).id;
        await declareNoConflict(t, MO, L, id);
        await scoreAndSubmit(t, MO, L, id, STANDARD_POINTS[total]);
      }
    });

    step('shows applicants nothing of the review before release', async () => {
      // Applicants see nothing of the review before release.
      expect((await call(t, A.member, 'GET', `${base}/ranking`)).status).toBe(403);
      const before = await call(
        t,
        A.member,
        'GET',
        `${applicationsUrl(MO, A.organization.id, A.application.id)}/decision`,
      );
      expect(before.status).toBe(404);
      expect(before.json().code).toBe('decision.not_found');
    });

    step('ranks by the plain mean', async () => {
      // By the plain mean: C 95, D 85, A 70, E 60, B 50.
      const byMean = await call(t, officer, 'GET', `${base}/ranking?method=mean`);
      expect(order(byMean)).toEqual([C, D, A, E, B]);
      expect(byMean.json().items.map((i: { finalScore: number }) => i.finalScore)).toEqual([
        95, 85, 70, 60, 50,
      ]);
    });

    step('reorders by per-reviewer z-score, as computed by hand', async () => {
      // Normalized by hand. H: mean 60, spread sqrt(200/3) = 8.1650, so A = +1.2247, E = 0,
      // B = -1.2247. L: mean 90, spread 5, so C = +1, D = -1. Panel of the five totals: mean 72,
      // spread sqrt(1330/5) = 16.3095. Final = 72 + z * 16.3095: A 91.97, C 88.31, E 72, D 55.69,
      // B 52.03. A (H's best) now outranks D (L's worst): A, C, E, D, B.
      const byZ = await call(t, officer, 'GET', `${base}/ranking`);
      expect(byZ.json().method).toBe('z-score');
      expect(order(byZ)).toEqual([A, C, E, D, B]);
      const panelSpread = Math.sqrt(1330 / 5);
      const hSpread = Math.sqrt(200 / 3);
      const expected = [
        72 + (10 / hSpread) * panelSpread,
        72 + 1 * panelSpread,
        72,
        72 - 1 * panelSpread,
        72 - (10 / hSpread) * panelSpread,
      ];
      byZ
        .json()
        .items.forEach((item: { finalScore: number }, i: number) =>
          expect(item.finalScore).toBeCloseTo(expected[i], 2),
        );
      expect(byZ.json().items[0].explanation).toContain('z=1.22');
    });

    step(
      'funds down the z-score list until the money runs out, the last award partial',
      async () => {
        // Final decision: funded down the z-score list until the 250,000.00 run out in the middle.
        expectStatus(
          await call(t, officer, 'POST', `${base}/stage`, { to: 'final_decision' }),
          200,
          'to final',
        );
        const recommended = await call(
          t,
          officer,
          'POST',
          `${decisionsUrl(MO, program.id)}/recommend`,
        );
        expect(recommended.status).toBe(200);
        const decisionOf = (app: (typeof applicants)[number]) =>
          recommended
            .json()
            .items.find((d: { applicationId: string }) => d.applicationId === app.application.id);
        expect(
          [A, C, E, D, B].map((app) => [
            decisionOf(app).rank,
            decisionOf(app).outcome,
            decisionOf(app).amount,
          ]),
        ).toEqual([
          [1, 'approved', '100000.00'],
          [2, 'approved', '100000.00'],
          [3, 'approved', '50000.00'], // the remainder: a partial award above the 10,000.00 floor
          [4, 'waitlisted', '0.00'],
          [5, 'waitlisted', '0.00'],
        ]);
        expect(decisionOf(E).recommended.partial).toBe(true);
        expect(recommended.json()).toMatchObject({ approvedTotal: '250000.00', remaining: '0.00' });
      },
    );

    step('records an override only with a justification', async () => {
      // An override needs a recorded justification.
      const unjustified = await call(
        t,
        officer,
        'PUT',
        `${decisionsUrl(MO, program.id)}/${B.application.id}`,
        {
          outcome: 'denied',
        },
      );
      expect(unjustified.status).toBe(422);
      expect(unjustified.json().errors).toEqual([
        expect.objectContaining({ pointer: '/justification' }),
      ]);
      const overridden = await call(
        t,
        officer,
        'PUT',
        `${decisionsUrl(MO, program.id)}/${B.application.id}`,
        {
          outcome: 'denied',
          justification: 'Lowest ranked; the waitlist is kept to the next two.',
        },
      );
      expect(overridden.json()).toMatchObject({ outcome: 'denied', overridden: true });
    });

    step('releases every decision in one action, once', async () => {
      // One action releases every decision and notifies each applicant through the outbox.
      const released = await call(t, officer, 'POST', `${decisionsUrl(MO, program.id)}/release`);
      expect(released.status).toBe(200);
      expect(released.json()).toMatchObject({
        released: 5,
        approved: 3,
        approvedTotal: '250000.00',
      });
      const again = await call(t, officer, 'POST', `${decisionsUrl(MO, program.id)}/release`);
      expect(again.json().code).toBe('decision.already_released');
    });

    step("shows an applicant its own decision and nothing of anyone else's", async () => {
      // The applicant sees its own decision, and nothing of anyone else's.
      const mine = await call(
        t,
        E.member,
        'GET',
        `${applicationsUrl(MO, E.organization.id, E.application.id)}/decision`,
      );
      expect(mine.status).toBe(200);
      expect(mine.json()).toMatchObject({
        applicationId: E.application.id,
        outcome: 'approved',
        amount: '50000.00',
        partial: true,
      });
      for (const other of [A, B, C, D]) expect(mine.body).not.toContain(other.application.id);
      const othersViaMyOrg = await call(
        t,
        E.member,
        'GET',
        `${applicationsUrl(MO, E.organization.id, A.application.id)}/decision`,
      );
      expect(othersViaMyOrg.status).toBe(404);
      const othersOrg = await call(
        t,
        E.member,
        'GET',
        `${applicationsUrl(MO, A.organization.id, A.application.id)}/decision`,
      );
      expect(othersOrg.status).toBe(403);
      expect((await call(t, E.member, 'GET', decisionsUrl(MO, program.id))).status).toBe(403);
      const status = await call(
        t,
        B.member,
        'GET',
        applicationsUrl(MO, B.organization.id, B.application.id),
      );
      expect(status.json().status).toBe('denied');
    });

    step('notifies every applicant in-app and by email through the outbox', async () => {
      const notices = await asAgencyOwner(t, MO, (client) =>
        client.query(
          `SELECT user_id FROM notifications WHERE template = 'decision.released' ORDER BY user_id`,
        ),
      );
      expect(notices.rows.map((r) => r.user_id)).toEqual(
        applicants.map((a) => a.member.user.id).sort(),
      );
      const emails = await asAgencyOwner(t, MO, (client) =>
        client.query(
          `SELECT count(*)::int AS n
             FROM jobs_outbox, jsonb_array_elements(payload->'notices') n,
                  jsonb_array_elements(n->'recipients')
            WHERE name = 'notification.email' AND n->>'template' = 'decision.released'`,
        ),
      );
      expect(emails.rows[0].n).toBe(5);
    });

    step('lets the awards module read released approvals through the public reader', async () => {
      // The awards module reads released approvals through the public reader.
      const reader = t.app.get(FundingDecisionsReader);
      const approved = await inTenant(t, MO, () => reader.listApprovedDecisions(program.id));
      expect(approved.map((d) => [d.applicationId, d.amount])).toEqual([
        [A.application.id, '100000.00'],
        [C.application.id, '100000.00'],
        [E.application.id, '50000.00'],
      ]);
      const one = await inTenant(t, MO, () => reader.getApprovedDecision(approved[2].decisionId));
      expect(one).toMatchObject({ organizationId: E.organization.id, programId: program.id });
      expect(one.releasedAt).toBeInstanceOf(Date);
      await expect(
        inTenant(t, 'ks-ksde', () => reader.getApprovedDecision(approved[0].decisionId)),
      ).rejects.toMatchObject({ code: 'decision.not_found' });
    });
  });

  describe('in Kansas (mean aggregation, two reviewers per application)', () => {
    const KS = 'ks-ksde';

    it('assigns automatically: N per application, load balanced, never a member of the applicant organization', async () => {
      await retireReviewers(t, KS);
      const { officer, program, applicants } = await programWithSubmissions(t, KS, 3);
      const [one, two, three] = applicants;
      const base = reviewUrl(KS, program.id);
      const reviewers = [
        await signedInStaff(t, KS, ['reviewer']),
        await signedInStaff(t, KS, ['reviewer']),
        await signedInStaff(t, KS, ['reviewer']),
      ];
      const member = reviewers[2]; // also a grant writer of the first district
      await grantOrganizationRoles(t, KS, one.organization.id, member.user.id, ['grant_writer']);
      await intoMeritReview(t, KS, officer, program.id);

      const auto = await call(t, officer, 'POST', `${base}/assignments/auto`);
      expect(auto.status).toBe(200);
      type Made = { applicationId: string; reviewerId: string; automatic: boolean };
      const made: Made[] = auto.json().created;
      expect(auto.json()).toMatchObject({ reviewersPerApplication: 2, short: [] });
      expect(made).toHaveLength(6);
      const panel = (app: (typeof applicants)[number]) =>
        made.filter((m) => m.applicationId === app.application.id).map((m) => m.reviewerId);
      for (const app of applicants) expect(panel(app)).toHaveLength(2);
      expect(panel(one)).not.toContain(member.user.id);
      // Balanced: every reviewer got two of the six.
      for (const r of reviewers)
        expect(made.filter((m) => m.reviewerId === r.user.id)).toHaveLength(2);
      expect((await call(t, officer, 'POST', `${base}/assignments/auto`)).json().created).toEqual(
        [],
      );

      // A manual assignment follows the same rule.
      const refused = await call(
        t,
        officer,
        'POST',
        `${base}/applications/${one.application.id}/assignments`,
        {
          reviewerId: member.user.id,
        },
      );
      expect(refused.status).toBe(422);
      expect(refused.json().code).toBe('review.reviewer_ineligible');

      // On the first district nobody is left to replace a conflicted reviewer: it is reported short.
      const onOne = reviewers.find((r) => r.user.id === panel(one)[0])!;
      const conflictOne = await call(
        t,
        onOne,
        'POST',
        `${assignmentUrl(KS, (await assignmentOf(t, KS, onOne, one.application.id)).id)}/declaration`,
        { conflict: true, reason: 'My spouse works for this district.' },
      );
      expect(conflictOne.json()).toMatchObject({ status: 'recused', reassigned: false });

      // On the second, the one reviewer not yet on it takes the place.
      const onTwo = reviewers.find((r) => r !== member && panel(two).includes(r.user.id))!;
      const free = reviewers.find((r) => !panel(two).includes(r.user.id))!;
      const conflictTwo = await call(
        t,
        onTwo,
        'POST',
        `${assignmentUrl(KS, (await assignmentOf(t, KS, onTwo, two.application.id)).id)}/declaration`,
        { conflict: true, reason: 'I consulted for this district this year.' },
      );
      expect(conflictTwo.json()).toMatchObject({ status: 'recused', reassigned: true });
      const cases = (await call(t, officer, 'GET', `${base}/applications`)).json().items;
      const active = (app: (typeof applicants)[number]) =>
        cases
          .find((c: { applicationId: string }) => c.applicationId === app.application.id)
          .assignments.filter((a: { status: string }) => a.status === 'active')
          .map((a: { reviewerId: string }) => a.reviewerId)
          .sort();
      expect(active(one)).toHaveLength(1);
      expect(active(two)).toEqual([member.user.id, free.user.id].sort());
      expect(active(three)).toHaveLength(2);
    });

    it('scores within the rubric, locks on submit, hides the panel until then, and lets an officer reopen', async () => {
      const { officer, program, applicants } = await programWithSubmissions(t, KS, 1);
      const [only] = applicants;
      const base = reviewUrl(KS, program.id);
      await intoMeritReview(t, KS, officer, program.id);
      const P = await signedInStaff(t, KS, ['reviewer']);
      const Q = await signedInStaff(t, KS, ['reviewer']);
      const p = await assignReviewer(t, KS, officer, program.id, only.application.id, P);
      const q = await assignReviewer(t, KS, officer, program.id, only.application.id, Q);
      const url = (id: string) => `${assignmentUrl(KS, id)}/review`;

      const undeclared = await call(t, Q, 'GET', url(q));
      expect(undeclared.json().code).toBe('review.declaration_required');
      await declareNoConflict(t, KS, P, p);
      await declareNoConflict(t, KS, Q, q);

      const tooMany = await call(t, P, 'PUT', url(p), {
        scores: { need: { points: 25 }, vision: { points: 1 } },
      });
      expect(tooMany.status).toBe(422);
      expect(tooMany.json()).toMatchObject({
        code: 'review.scores_invalid',
        errors: [
          { pointer: '/scores/need/points', detail: expect.stringContaining('0 to 20') },
          { pointer: '/scores/vision', detail: 'is not a criterion of this rubric' },
        ],
      });
      const saved = await call(t, P, 'PUT', url(p), {
        scores: { need: { points: 14, comment: 'Clear need.' } },
      });
      expect(saved.json()).toMatchObject({ status: 'draft', weightedTotal: 23.3333 });
      const stale = await call(
        t,
        P,
        'PUT',
        url(p),
        { scores: { budget: { points: 1 } } },
        {
          'if-match': '"v99"',
        },
      );
      expect(stale.status).toBe(412);

      const incomplete = await call(t, P, 'POST', `${url(p)}/submit`);
      expect(incomplete.status).toBe(422);
      expect(incomplete.json().errors.map((e: { pointer: string }) => e.pointer)).toEqual([
        '/scores/design/points',
        '/scores/design/comment',
        '/scores/budget/points',
        '/scores/budget/comment',
      ]);
      const scored = Object.fromEntries(
        Object.entries(STANDARD_POINTS[70]).map(([key, n]) => [
          key,
          { points: n, comment: `Scored ${n}.` },
        ]),
      );
      expect((await call(t, P, 'PUT', url(p), { scores: scored })).status).toBe(200);
      const submitted = await call(t, P, 'POST', `${url(p)}/submit`);
      expect(submitted.json()).toMatchObject({ status: 'submitted', weightedTotal: 70 });
      // The answer is the review as stored (it is built without reading it again).
      expect(submitted.json()).toEqual((await call(t, P, 'GET', url(p))).json());
      expect((await call(t, P, 'POST', `${url(p)}/submit`)).json().code).toBe('review.locked');
      const locked = await call(t, P, 'PUT', url(p), { scores: { need: { points: 1 } } });
      expect(locked.json().code).toBe('review.locked');

      // Q has not submitted: no scores of others for Q; P sees no one else's yet.
      expect((await call(t, Q, 'GET', `${assignmentUrl(KS, q)}/panel`)).json().code).toBe(
        'review.own_review_not_submitted',
      );
      expect((await call(t, P, 'GET', `${assignmentUrl(KS, p)}/panel`)).json().others).toEqual([]);
      expect((await call(t, Q, 'GET', url(p))).status).toBe(404); // another reviewer's review
      await scoreAndSubmit(t, KS, Q, q, STANDARD_POINTS[25]);
      const panelForP = await call(t, P, 'GET', `${assignmentUrl(KS, p)}/panel`);
      expect(panelForP.json()).toMatchObject({
        yours: { weightedTotal: 70 },
        others: [{ reviewer: 'Reviewer 2', weightedTotal: 25 }],
      });

      // 70 and 25 are 22.5 from their median: both beyond the 20-point threshold, both flagged.
      const ranking = await call(t, officer, 'GET', `${base}/ranking`);
      expect(ranking.json().items[0]).toMatchObject({
        finalScore: 47.5,
        flagged: true,
        reviews: [
          expect.objectContaining({ outlier: true, distanceFromPanel: 22.5 }),
          expect.objectContaining({ outlier: true, distanceFromPanel: 22.5 }),
        ],
      });
      expect((await call(t, P, 'GET', `${base}/ranking`)).status).toBe(403);
      expect((await call(t, only.member, 'GET', url(p))).status).toBe(403);

      // The officer reopens P's review with a reason; P may change it again.
      const cases = (await call(t, officer, 'GET', `${base}/applications`)).json().items;
      const reviewId = cases[0].assignments.find(
        (a: { reviewerId: string }) => a.reviewerId === P.user.id,
      ).reviewId;
      const noReason = await call(t, officer, 'POST', `${base}/reviews/${reviewId}/reopen`, {});
      expect(noReason.status).toBe(400);
      const reopened = await call(t, officer, 'POST', `${base}/reviews/${reviewId}/reopen`, {
        reason: 'The budget score contradicts the comment.',
      });
      expect(reopened.json()).toMatchObject({ status: 'draft', reopenReason: expect.any(String) });
      const changed = await call(t, P, 'PUT', url(p), {
        scores: { budget: { points: 9, comment: 'Corrected.' } },
      });
      expect(changed.json()).toMatchObject({ status: 'draft', reopenReason: expect.any(String) });
      expect(changed.json().weightedTotal).toBeCloseTo((14 + 21 + 9) / 0.6, 3);
    });

    it('closes an application that fails screening with a reason the applicant sees', async () => {
      const { officer, program, applicants } = await programWithSubmissions(t, KS, 2);
      const [failing, passing] = applicants;
      const base = reviewUrl(KS, program.id);
      expect((await call(t, officer, 'POST', `${base}/intake`, {})).json().entered).toBe(2);
      const closed = await call(
        t,
        officer,
        'POST',
        `${base}/applications/${failing.application.id}/close`,
        {
          reason: 'The district is not a Title I school district.',
        },
      );
      expect(closed.json()).toMatchObject({ stage: 'closed' });
      const seen = await call(
        t,
        failing.member,
        'GET',
        applicationsUrl(KS, failing.organization.id, failing.application.id),
      );
      expect(seen.json().status).toBe('denied');
      expect(seen.json().history.at(-1)).toMatchObject({
        from: 'under_review',
        to: 'denied',
        comment: 'The district is not a Title I school district.',
      });
      const back = await call(t, officer, 'POST', `${base}/stage`, {
        to: 'merit_review',
        applicationIds: [failing.application.id],
      });
      expect(back.json().code).toBe('review.invalid_stage_move');
      const moved = await call(t, officer, 'POST', `${base}/stage`, { to: 'merit_review' });
      expect(moved.json()).toMatchObject({ moved: 1, applicationIds: [passing.application.id] });
      const nothing = await call(t, officer, 'POST', `${decisionsUrl(KS, program.id)}/recommend`);
      expect(nothing.json().code).toBe('decision.nothing_to_decide');
    });

    it('refuses to release approvals beyond the funds, and breaks ties by submission time', async () => {
      const { officer, program, applicants } = await programWithSubmissions(t, KS, 2, {
        fundsAvailable: '150000.00',
        awardCeiling: '150000.00',
      });
      const [first, second] = applicants;
      const decisions = decisionsUrl(KS, program.id);
      await intoMeritReview(t, KS, officer, program.id);
      const toFinal = await call(t, officer, 'POST', `${reviewUrl(KS, program.id)}/stage`, {
        to: 'final_decision',
      });
      expect(toFinal.json().moved).toBe(2);

      // No reviews: both score 0, the earlier submission ranks first. No partial awards here.
      const recommended = (await call(t, officer, 'POST', `${decisions}/recommend`)).json();
      expect(recommended.items.map((d: { applicationId: string }) => d.applicationId)).toEqual([
        first.application.id,
        second.application.id,
      ]);
      expect(recommended.items[0].explanation).toBe('No submitted reviews: scored 0.');
      expect(
        recommended.items.map((d: { outcome: string; amount: string }) => [d.outcome, d.amount]),
      ).toEqual([
        ['approved', '100000.00'],
        ['waitlisted', '0.00'],
      ]);

      const tooMuch = await call(t, officer, 'PUT', `${decisions}/${second.application.id}`, {
        outcome: 'approved',
        amount: '100000.00',
        justification: 'Strong local match.',
      });
      expect(tooMuch.status).toBe(200);
      const refused = await call(t, officer, 'POST', `${decisions}/release`);
      expect(refused.status).toBe(409);
      expect(refused.json()).toMatchObject({
        code: 'decision.over_funds',
        approved: '200000.00',
        fundsAvailable: '150000.00',
      });
      const beyondRequest = await call(t, officer, 'PUT', `${decisions}/${second.application.id}`, {
        outcome: 'approved',
        amount: '100000.01',
        justification: 'x'.repeat(10),
      });
      expect(beyondRequest.json().errors[0].pointer).toBe('/amount');

      // Moved back to merit review, an application loses its unreleased decision.
      await call(t, officer, 'POST', `${reviewUrl(KS, program.id)}/stage`, {
        to: 'merit_review',
        applicationIds: [second.application.id],
      });
      const listed = (await call(t, officer, 'GET', decisions)).json();
      expect(listed.items.map((d: { applicationId: string }) => d.applicationId)).toEqual([
        first.application.id,
      ]);
      const released = await call(t, officer, 'POST', `${decisions}/release`);
      expect(released.json()).toMatchObject({ released: 1, approvedTotal: '100000.00' });
      const unchanged = await call(t, officer, 'PUT', `${decisions}/${first.application.id}`, {
        outcome: 'denied',
        justification: 'Too late.',
      });
      expect(unchanged.json().code).toBe('decision.already_released');
      const frozen = asAgencyOwner(t, KS, (client) =>
        client.query(`UPDATE funding_decisions SET amount = 1 WHERE application_id = $1`, [
          first.application.id,
        ]),
      );
      await expect(frozen).rejects.toThrow(/was released/);
    });
  });

  describe("reviewers' access through their assignment", () => {
    it('lets an assigned reviewer download the submitted files after declaring no conflict, and nobody else', async () => {
      await retireReviewers(t, MO);
      const { officer, program, applicants } = await programWithSubmissions(
        t,
        MO,
        2,
        { rubric: { ...STANDARD_RUBRIC, reviewersPerApplication: 1 } },
        { attachment: { filename: 'Narrative.pdf', content: SAMPLE_PDF } },
      );
      const [A, B] = applicants;
      await intoMeritReview(t, MO, officer, program.id);
      const reader = await signedInStaff(t, MO, ['reviewer']);
      const conflicted = await signedInStaff(t, MO, ['reviewer']);
      const onA = await assignReviewer(t, MO, officer, program.id, A.application.id, reader);
      const conflictedOnA = await assignReviewer(
        t,
        MO,
        officer,
        program.id,
        A.application.id,
        conflicted,
      );
      const onB = await assignReviewer(t, MO, officer, program.id, B.application.id, conflicted);
      const fileOf = async (applicant: typeof A) =>
        (
          await call(
            t,
            applicant.member,
            'GET',
            `${applicationsUrl(MO, applicant.organization.id, applicant.application.id)}/attachments`,
          )
        ).json().items[0].id as string;
      const fileA = await fileOf(A);
      const fileB = await fileOf(B);
      const download = (who: typeof reader, assignmentId: string, fileId: string) =>
        call(t, who, 'GET', `${assignmentUrl(MO, assignmentId)}/attachments/${fileId}`);
      const refused = (res: Awaited<ReturnType<typeof download>>, status: number, code: string) => {
        expect([res.status, res.json().code]).toEqual([status, code]);
        expect(res.body).not.toContain('%PDF');
      };

      // Before the declaration: refused, nothing of the file.
      refused(await download(reader, onA, fileA), 409, 'review.declaration_required');
      // The applicant's own route still wants application.read, which a reviewer does not hold.
      const direct = await call(
        t,
        reader,
        'GET',
        `${applicationsUrl(MO, A.organization.id, A.application.id)}/attachments/${fileA}`,
      );
      expect(direct.status).toBe(403);

      await declareNoConflict(t, MO, reader, onA);
      const ok = await download(reader, onA, fileA);
      expect(ok.status).toBe(200);
      expect(ok.headers['content-type']).toBe('application/pdf');
      expect(ok.headers['content-disposition']).toContain('Narrative.pdf');
      expect(Buffer.from(ok.body, 'binary').equals(SAMPLE_PDF)).toBe(true);

      // Not through this assignment to another application's file, nor through someone
      // else's assignment to an application not assigned to them.
      refused(await download(reader, onA, fileB), 404, 'application.attachment_not_found');
      refused(await download(reader, onB, fileB), 404, 'review.assignment_not_found');
      refused(
        await download(reader, onA, '00000000-0000-4000-8000-000000000000'),
        404,
        'application.attachment_not_found',
      );

      // A conflicted reviewer is recused: never the file, even though they were assigned.
      const declared = await call(
        t,
        conflicted,
        'POST',
        `${assignmentUrl(MO, conflictedOnA)}/declaration`,
        { conflict: true, reason: 'My spouse works for this district.' },
      );
      expect(declared.json()).toMatchObject({ status: 'recused' });
      refused(await download(conflicted, conflictedOnA, fileA), 403, 'review.recused');
      // Their other, undeclared assignment does not open this application's file either.
      refused(await download(conflicted, onB, fileA), 409, 'review.declaration_required');
      await declareNoConflict(t, MO, conflicted, onB);
      refused(await download(conflicted, onB, fileA), 404, 'application.attachment_not_found');
      expect((await download(conflicted, onB, fileB)).status).toBe(200);
    });

    it('never assigns staff who have not accepted their invitation, by hand or automatically', async () => {
      await retireReviewers(t, MO);
      const { officer, program, applicants } = await programWithSubmissions(t, MO, 1, {
        rubric: { ...STANDARD_RUBRIC, reviewersPerApplication: 2 },
      });
      const [A] = applicants;
      await intoMeritReview(t, MO, officer, program.id);
      const accepted = await signedInStaff(t, MO, ['reviewer']);
      const admin = await signedInStaff(t, MO, ['agency_admin']);
      const invited = await t.request({
        method: 'POST',
        url: `/api/v1/agencies/${MO}/staff`,
        token: admin.token,
        payload: { email: 'unaccepted.reviewer@example.org', name: 'Una', roles: ['reviewer'] },
      });
      // Pending until they accept (issue 13: consent before membership); no user id in the answer.
      expect(invited.json()).toMatchObject({ status: 'pending' });
      const inviteeId = (
        await ownerPool(t).query(
          `SELECT id FROM users WHERE email = 'unaccepted.reviewer@example.org'`,
        )
      ).rows[0].id as string;
      const base = reviewUrl(MO, program.id);
      const assignmentsOf = (userId: string) =>
        asAgencyOwner(t, MO, async (c) =>
          (
            await c.query(`SELECT id FROM review_assignments WHERE reviewer_id = $1`, [userId])
          ).rows.map((r) => r.id as string),
        );

      const pool = await call(t, officer, 'GET', `${base}/reviewers`);
      expect(pool.json().items.map((r: { reviewerId: string }) => r.reviewerId)).toEqual([
        accepted.user.id,
      ]);
      const byHand = await call(
        t,
        officer,
        'POST',
        `${base}/applications/${A.application.id}/assignments`,
        { reviewerId: inviteeId },
      );
      expect(byHand.status).toBe(422);
      expect(byHand.json().code).toBe('review.reviewer_ineligible');
      const auto = await call(t, officer, 'POST', `${base}/assignments/auto`, {});
      expect(auto.status).toBe(200);
      expect(auto.json().created.map((c: { reviewerId: string }) => c.reviewerId)).toEqual([
        accepted.user.id,
      ]);
      expect(await assignmentsOf(inviteeId)).toEqual([]);

      // Once they accept (their password is set), they are in the pool.
      const token = await createInvitation(t, inviteeId);
      const accept = await t.request({
        method: 'POST',
        url: '/api/v1/auth/accept-invitation',
        payload: { token, password: 'a long enough passphrase 42' },
      });
      expect(accept.status).toBe(204);
      // Setting a password is not yet a yes to this agency: they accept its invitation too.
      const stillOut = await call(t, officer, 'POST', `${base}/assignments/auto`, {});
      expect(stillOut.json().created).toEqual([]);
      const { accessToken } = await login(
        t,
        'unaccepted.reviewer@example.org',
        'a long enough passphrase 42',
      );
      const joined = await t.request({
        method: 'POST',
        url: `/api/v1/me/invitations/agencies/${MO}/accept`,
        token: accessToken,
      });
      expect(joined.status).toBe(200);
      const again = await call(t, officer, 'POST', `${base}/assignments/auto`, {});
      expect(again.json().created.map((c: { reviewerId: string }) => c.reviewerId)).toEqual([
        inviteeId,
      ]);
    });
  });
});
