import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { setTimeout as sleep } from 'node:timers/promises';
import { Clock } from '../../core/clock/clock';
import {
  DEMO_PASSWORD,
  DemoLogin,
  DemoSeeder,
  demoBatchOfficer,
  demoEmail,
} from '../../identity/demo/demo-seeder';
import { DemoApi, DemoStepError } from './demo-api';
import { DEMO_ANSWERS, demoProgram } from './demo-program';
import { DEMO_DISTRICTS, DemoDistrictSteps, DISTRICT_ROLES, districtEmail } from './demo-districts';
import { DemoReviewSteps } from './demo-review';

/** The agencies in the order the story runs, and the district each one funds. */
export const DEMO_AGENCIES = [
  { code: 'mo-dese', funds: 'springfield' },
  { code: 'ks-ksde', funds: 'border' },
];

/** Payment requests the funded district files (reimbursements, under both agencies' threshold). */
const CLAIMS = { paid: '8000.00', approved: '6000.00', pending: '5000.00' };

const DAY = 86_400_000;

/**
 * The programs' application windows, in days from today, opening and closing at the agency's
 * wall-clock times (steps after a close wait two days: a margin for any agency's time zone).
 */
const WINDOWS = {
  funded: { opens: -150, closes: -120 },
  inReview: { opens: -45, closes: -5 },
  open: { opens: -7, closes: 30 },
};

const OPENS_AT = '08:00';
const CLOSES_AT = '17:00';

/** What a newcomer finds in each agency, printed under the logins. */
export function demoContents(today: Date): string {
  const day = (days: number) => new Date(today.getTime() + days * DAY).toISOString().slice(0, 10);
  const funded = DEMO_AGENCIES.map(
    (a) => `${DEMO_DISTRICTS.find((d) => d.slug === a.funds)!.legalName} in ${a.code}`,
  ).join(', ');
  return [
    `In each agency (${DEMO_AGENCIES.map((a) => a.code).join(', ')}):`,
    `  Summer Literacy Grants    open until ${day(WINDOWS.open.closes)} ${CLOSES_AT}: a draft, an application returned for revision`,
    `  Family Engagement Grants  open until ${day(WINDOWS.open.closes)} ${CLOSES_AT}: applications submitted`,
    `  Teacher Residency Grants  in review (closed ${day(WINDOWS.inReview.closes)} ${CLOSES_AT}): one application scored, one waiting`,
    `  STEM Pathways Grants      closed ${day(WINDOWS.funded.closes)}: one district funded (award accepted), one denied;`,
    `                            payment requests paid (in a batch), approved and pending`,
    `Funded: ${funded}.`,
    '',
  ].join('\n');
}

/**
 * The district side of the demo, told over the last five months through the app's own API
 * (DemoApi) with the server's Clock moved to each moment, so windows, deadlines and payment
 * cut-offs make sense relative to today. In each agency:
 * - "STEM Pathways": its window closed months ago; reviewed, one district funded and one denied,
 *   the award accepted, bank details on file, one payment paid in a batch on the agency's
 *   cut-off schedule (its file written by the payments job), one approved, one pending;
 * - "Teacher Residency": window closed last week, in merit review, one application scored;
 * - "Summer Literacy" and "Family Engagement": open for another month, with a draft, a returned
 *   application and submissions.
 */
export class DemoScenario {
  private readonly api: DemoApi;
  private readonly clock: Clock;
  private readonly districts: DemoDistrictSteps;
  private readonly reviews: DemoReviewSteps;

  constructor(
    app: NestFastifyApplication,
    private readonly today: Date,
  ) {
    this.api = new DemoApi(app);
    this.districts = new DemoDistrictSteps(this.api);
    this.reviews = new DemoReviewSteps(this.api);
    this.clock = app.get(Clock);
  }

  /** The districts' logins; builds the story in an empty database, never twice. */
  async run(seeder: DemoSeeder): Promise<{ logins: DemoLogin[]; outcome: DemoOutcome }> {
    const logins: DemoLogin[] = [];
    for (const d of DEMO_DISTRICTS)
      for (const role of DISTRICT_ROLES) {
        const email = districtEmail(d.slug, role);
        await seeder.ensureDemoUser(email, `Demo ${role.replace(/_/g, ' ')} (${d.slug})`);
        logins.push({
          email,
          password: DEMO_PASSWORD,
          agency: d.agencies.join(' + '),
          roles: [role],
          organization: d.legalName,
        });
      }
    try {
      // Looking at what is there signs a finance officer in too: forgotten below as well.
      const found = await this.progress();
      if (found !== 'none') return { logins, outcome: found };
      for (const { code, funds } of DEMO_AGENCIES) await this.agency(code, funds);
    } finally {
      this.clock.reset();
      await seeder.forgetScenarioFactors(this.api.enrolled);
    }
    return { logins, outcome: 'created' };
  }

  /**
   * How much of the demo this database holds: none, all (the last agency's three payment
   * requests are the story's last steps), or part of it (an earlier run stopped).
   */
  private async progress(): Promise<DemoOutcome> {
    const me = await this.api.call<{ organizations: unknown[] }>(
      'GET',
      '/me',
      districtEmail(DEMO_DISTRICTS[0].slug, 'org_admin'),
    );
    if (me.body.organizations.length === 0) return 'none';
    const last = DEMO_AGENCIES[DEMO_AGENCIES.length - 1].code;
    const requests = await this.api.call<{ items: unknown[] }>(
      'GET',
      `/agencies/${last}/payment-requests`,
      demoEmail(last, 'finance_officer'),
    );
    return requests.body.items.length >= Object.keys(CLAIMS).length ? 'present' : 'partial';
  }

  /** Stands the server's clock `days` from today (negative: in the past). */
  private at(days: number): void {
    this.clock.setNow(new Date(this.today.getTime() + days * DAY));
  }

  /** The agency's wall-clock `time` on the date `days` from today. */
  private local(days: number, time: string): string {
    return `${this.date(days)}T${time}`;
  }

  /** A date `days` from today (YYYY-MM-DD), for periods of performance and of costs. */
  private date(days: number): string {
    return new Date(this.today.getTime() + days * DAY).toISOString().slice(0, 10);
  }

  private async agency(agency: string, funds: string) {
    this.at(-170);
    const organizations = new Map<string, string>();
    for (const d of DEMO_DISTRICTS.filter((x) => x.agencies.includes(agency)))
      organizations.set(d.slug, await this.districts.register(agency, d));
    const prefix = agency.toUpperCase();
    const funded = await this.fundedProgram(agency, `${prefix}-STEM-26`, organizations, funds);
    await this.programInReview(agency, `${prefix}-TRS-27`, organizations);
    await this.openPrograms(agency, prefix, organizations);
    await this.payments(agency, funded);
  }

  /**
   * Window from 150 to 120 days ago; every district applies; reviewed and decided (the funded
   * district approved, the other denied) and released; the award made and accepted; the
   * district's bank details requested by its admin and activated by the finance officer.
   * Returns the award and its district, for the payments.
   */
  private async fundedProgram(
    agency: string,
    code: string,
    organizations: Map<string, string>,
    funds: string,
  ) {
    this.at(WINDOWS.funded.opens - 1);
    const programId = await this.program(agency, code, 'STEM Pathways Grants', {
      opensAt: this.local(WINDOWS.funded.opens, OPENS_AT),
      closesAt: this.local(WINDOWS.funded.closes, CLOSES_AT),
      performanceStart: this.date(-100),
      performanceEnd: this.date(300),
    });
    this.at(WINDOWS.funded.opens + 1);
    for (const [slug, organizationId] of organizations)
      await this.districts.submit(agency, organizationId, slug, programId, 'STEM Family Nights');
    this.at(WINDOWS.funded.closes + 2);
    const officer = demoEmail(agency, 'program_officer');
    await this.api.call('POST', `/agencies/${agency}/programs/${programId}/close`, officer, {});
    const fundedId = organizations.get(funds)!;
    const ranked = [fundedId, ...[...organizations.values()].filter((o) => o !== fundedId)];
    await this.reviews.review(agency, programId, ranked, ranked.length);
    await this.reviews.decide(agency, programId, ranked);

    this.at(-110);
    const decisions = `/agencies/${agency}/programs/${programId}/decisions`;
    const decision = (
      await this.api.call<{ items: Array<{ id: string; outcome: string }> }>(
        'GET',
        decisions,
        officer,
      )
    ).body.items.find((d) => d.outcome === 'approved')!;
    const { body: award } = await this.api.once<{ id: string }>(
      `/agencies/${agency}/awards`,
      officer,
      {
        source: 'decision',
        sourceId: decision.id,
        federalAwardDate: this.date(-110),
      },
    );
    this.at(-108);
    const org = `/agencies/${agency}/organizations/${fundedId}`;
    await this.api.call(
      'POST',
      `${org}/awards/${award.id}/accept`,
      districtEmail(funds, 'authorized_representative'),
      { name: 'Pat Jones', title: 'Superintendent', accepted: true },
    );
    this.at(-105);
    const { body: change } = await this.api.call<{ id: string }>(
      'POST',
      `${org}/payee`,
      districtEmail(funds, 'org_admin'),
      {
        payeeName: DEMO_DISTRICTS.find((d) => d.slug === funds)!.legalName,
        routingNumber: '101000019',
        accountNumber: '000123456789',
        accountType: 'checking',
      },
    );
    await this.api.call(
      'POST',
      `${org}/payee/changes/${change.id}/activate`,
      demoEmail(agency, 'finance_officer'),
    );
    return { awardId: award.id, organizationId: fundedId, slug: funds };
  }

  /**
   * Reimbursements under the award: one 60 days ago, approved the next day and paid today in a
   * batch of the last closed cut-off window (built by the second finance officer: the first
   * activated the bank details); then one approved today and one still waiting.
   */
  private async payments(
    agency: string,
    funded: { awardId: string; organizationId: string; slug: string },
  ) {
    const finance = demoEmail(agency, 'finance_officer');
    const claim = async (amount: string, from: number, to: number, description: string) =>
      (
        await this.api.once<{ id: string }>(
          `/agencies/${agency}/organizations/${funded.organizationId}/awards/${funded.awardId}/payment-requests`,
          districtEmail(funded.slug, 'grant_writer'),
          {
            type: 'reimbursement',
            periodStart: this.date(from),
            periodEnd: this.date(to),
            description,
            lines: [{ functionCode: '1000', objectCode: '100', amount }],
          },
        )
      ).body.id;
    const approve = (id: string) =>
      this.api.once(`/agencies/${agency}/payment-requests/${id}/approve`, finance);

    this.at(-60);
    const first = await claim(CLAIMS.paid, -95, -62, 'Summer program teachers');
    this.at(-59);
    await approve(first);

    this.at(0);
    const batcher = demoBatchOfficer(agency);
    const batches = `/agencies/${agency}/payment-batches`;
    const { body: batch } = await this.api.once<{ id: string }>(batches, batcher);
    await this.exported(`${batches}/${batch.id}`, batcher);
    await this.api.once(`${batches}/${batch.id}/mark-paid`, batcher);

    await approve(await claim(CLAIMS.approved, -61, -32, 'Fall tutors'));
    await claim(CLAIMS.pending, -31, -2, 'November tutors');
  }

  /** The batch's payment file is written by a job (this process runs jobs; so does a server). */
  private async exported(batchUrl: string, as: string) {
    for (let tries = 0; tries < 600; tries++) {
      const { body } = await this.api.call<{ status: string }>('GET', batchUrl, as);
      if (body.status !== 'exporting') return;
      await sleep(100);
    }
    throw new DemoStepError(`the payment file of ${batchUrl} was not written within a minute`);
  }

  /** Window from 45 to 5 days ago; both districts applied; in merit review, one scored. */
  private async programInReview(agency: string, code: string, organizations: Map<string, string>) {
    this.at(WINDOWS.inReview.opens - 1);
    const programId = await this.program(agency, code, 'Teacher Residency Grants', {
      opensAt: this.local(WINDOWS.inReview.opens, OPENS_AT),
      closesAt: this.local(WINDOWS.inReview.closes, CLOSES_AT),
      performanceStart: this.date(60),
      performanceEnd: this.date(425),
    });
    this.at(-30);
    for (const [slug, organizationId] of organizations)
      await this.districts.submit(
        agency,
        organizationId,
        slug,
        programId,
        'Grow Your Own Teachers',
      );
    this.at(WINDOWS.inReview.closes + 2);
    const officer = demoEmail(agency, 'program_officer');
    await this.api.call('POST', `/agencies/${agency}/programs/${programId}/close`, officer, {});
    await this.reviews.review(agency, programId, [...organizations.values()], 1);
  }

  /**
   * Two programs open from a week ago for another month: in the first, one district's draft and
   * another's application returned for revision; in the second, every district submitted.
   */
  private async openPrograms(agency: string, prefix: string, organizations: Map<string, string>) {
    this.at(WINDOWS.open.opens - 1);
    const times = {
      opensAt: this.local(WINDOWS.open.opens, OPENS_AT),
      closesAt: this.local(WINDOWS.open.closes, CLOSES_AT),
      performanceStart: this.date(180),
      performanceEnd: this.date(545),
    };
    const literacy = await this.program(
      agency,
      `${prefix}-LIT-27`,
      'Summer Literacy Grants',
      times,
    );
    const family = await this.program(
      agency,
      `${prefix}-FAM-27`,
      'Family Engagement Grants',
      times,
    );
    this.at(WINDOWS.open.opens + 1);
    const [[draftSlug, draftOrg], ...others] = [...organizations];
    const draft = await this.districts.start(
      agency,
      draftOrg,
      draftSlug,
      literacy,
      'Reading Buddies',
    );
    await this.districts.save(agency, draftOrg, draftSlug, draft, { answers: DEMO_ANSWERS });
    for (const [slug, organizationId] of others) {
      const id = await this.districts.submit(
        agency,
        organizationId,
        slug,
        literacy,
        'Summer Literacy Academy',
      );
      this.at(-2);
      await this.api.call(
        'POST',
        `/agencies/${agency}/programs/${literacy}/applications/${id}/return`,
        demoEmail(agency, 'program_officer'),
        { comment: 'Please add the second school site and its enrollment.' },
      );
    }
    this.at(-1);
    for (const [slug, organizationId] of organizations)
      await this.districts.submit(agency, organizationId, slug, family, 'Family Literacy Nights');
  }

  private async program(
    agency: string,
    code: string,
    title: string,
    times: Parameters<typeof demoProgram>[2],
  ): Promise<string> {
    const officer = demoEmail(agency, 'program_officer');
    const { body } = await this.api.call<{ id: string }>(
      'POST',
      `/agencies/${agency}/programs`,
      officer,
      demoProgram(code, title, times),
    );
    await this.api.call('POST', `/agencies/${agency}/programs/${body.id}/publish`, officer, {});
    return body.id;
  }
}

/** What a run found or did: built the demo, found it all there, or found part of it. */
export type DemoOutcome = 'created' | 'present' | 'partial' | 'none';
