import { demoEmail } from '../../identity/demo/demo-seeder';
import { DemoApi } from './demo-api';

/** What agency staff do through the API to review a program's applications and decide. */
export class DemoReviewSteps {
  constructor(private readonly api: DemoApi) {}

  /**
   * Intake, merit review, the agency's reviewer assigned to each application (in `ordered`) and
   * scoring the first `scored` of them (the first highest).
   */
  async review(agency: string, programId: string, ordered: string[], scored: number) {
    const officer = demoEmail(agency, 'program_officer');
    const reviewer = demoEmail(agency, 'reviewer');
    const review = `/agencies/${agency}/programs/${programId}/review`;
    await this.api.call('POST', `${review}/intake`, officer, {});
    await this.api.call('POST', `${review}/stage`, officer, { to: 'merit_review' });
    const reviewerId = (await this.api.call<{ user: { id: string } }>('GET', '/me', reviewer)).body
      .user.id;
    const applications = (
      await this.api.call<{ items: Array<{ id: string; organizationId: string }> }>(
        'GET',
        `/agencies/${agency}/programs/${programId}/applications`,
        officer,
      )
    ).body.items;
    const points = [
      { need: 18, design: 27, budget: 9 },
      { need: 9, design: 12, budget: 4 },
    ];
    for (const [i, organizationId] of ordered.entries()) {
      const application = applications.find((a) => a.organizationId === organizationId)!;
      await this.api.call('POST', `${review}/applications/${application.id}/assignments`, officer, {
        reviewerId,
      });
      if (i >= scored) continue;
      const assignment = (
        await this.api.call<{ items: Array<{ applicationId: string; id: string }> }>(
          'GET',
          `/agencies/${agency}/reviews/assignments`,
          reviewer,
        )
      ).body.items.find((a) => a.applicationId === application.id)!;
      const at = `/agencies/${agency}/reviews/assignments/${assignment.id}`;
      await this.api.call('POST', `${at}/declaration`, reviewer, { conflict: false });
      const scores = Object.fromEntries(
        Object.entries(points[i % 2]).map(([key, p]) => [
          key,
          { points: p, comment: `Scored ${p}.` },
        ]),
      );
      await this.api.call('PUT', `${at}/review`, reviewer, { scores });
      await this.api.call('POST', `${at}/review/submit`, reviewer, {});
    }
  }

  /** Final decisions: the first district in `ordered` funded, the others denied; released. */
  async decide(agency: string, programId: string, ordered: string[]) {
    const officer = demoEmail(agency, 'program_officer');
    const applications = (
      await this.api.call<{ items: Array<{ id: string; organizationId: string }> }>(
        'GET',
        `/agencies/${agency}/programs/${programId}/applications`,
        officer,
      )
    ).body.items;
    await this.api.call('POST', `/agencies/${agency}/programs/${programId}/review/stage`, officer, {
      to: 'final_decision',
    });
    const decisions = `/agencies/${agency}/programs/${programId}/decisions`;
    await this.api.call('POST', `${decisions}/recommend`, officer, {});
    for (const [i, organizationId] of ordered.entries()) {
      const application = applications.find((a) => a.organizationId === organizationId)!;
      await this.api.call(
        'PUT',
        `${decisions}/${application.id}`,
        officer,
        i === 0
          ? { outcome: 'approved', amount: '100000.00', justification: 'Highest score.' }
          : { outcome: 'denied', justification: 'Below the funding line.' },
      );
    }
    await this.api.call('POST', `${decisions}/release`, officer, {});
  }
}
