import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { DEMO_PASSWORD, DemoLogin, DemoSeeder, demoEmail } from '../../identity/demo/demo-seeder';
import { totpCodeAt } from '../../identity/mfa/totp';
import { DEMO_ANSWERS, DEMO_BUDGET, demoProgram } from './demo-program';

interface District {
  slug: string;
  legalName: string;
  agencies: string[];
  ncesLeaId: string;
  uei: string;
  stateDistrictCode: string;
  state: string;
  city: string;
}

/** Two single-agency districts and one that works with both agencies (one account each). */
export const DEMO_DISTRICTS: District[] = [
  {
    slug: 'springfield',
    legalName: 'Springfield R-XII School District',
    agencies: ['mo-dese'],
    ncesLeaId: '2928530',
    uei: 'SPRNGFLD12XA',
    stateDistrictCode: '039134',
    state: 'MO',
    city: 'Springfield',
  },
  {
    slug: 'wichita',
    legalName: 'Wichita USD 259',
    agencies: ['ks-ksde'],
    ncesLeaId: '2012990',
    uei: 'WCHTUSD259KS',
    stateDistrictCode: 'D0259',
    state: 'KS',
    city: 'Wichita',
  },
  {
    slug: 'border',
    legalName: 'Border Cooperative School District',
    agencies: ['mo-dese', 'ks-ksde'],
    ncesLeaId: '2900001',
    uei: 'BRDRCPX01MKA',
    stateDistrictCode: 'B0001',
    state: 'MO',
    city: 'Kansas City',
  },
];

const DISTRICT_ROLES = ['org_admin', 'grant_writer', 'authorized_representative'] as const;
export const districtEmail = (slug: string, role: string) =>
  `${role.replace(/_/g, '.')}@${slug}.demo.example.org`;

class DemoStepError extends Error {}

/**
 * The district side of the demo, driven through the application's own HTTP API in-process
 * (Fastify inject): every step passes the same access rules, validation, audit and outbox as a
 * real user's. Districts register and are approved, invite their colleagues who accept; each
 * agency gets an open program (drafts, a submission, a returned one) and a closed one.
 * Runs once: a database where the demo districts exist is left as it is.
 */
export class DemoScenario {
  private readonly tokens = new Map<string, string>();
  /** Users the scenario had to enrol in TOTP to act (agency admins); forgotten at the end. */
  private readonly enrolled: string[] = [];
  /** District slug by organization id (each agency's registration has its own id). */
  private readonly slugs = new Map<string, string>();

  constructor(
    private readonly app: NestFastifyApplication,
    private readonly now: Date,
  ) {}

  private async call(
    method: 'GET' | 'POST' | 'PATCH' | 'PUT',
    url: string,
    as: string,
    payload?: unknown,
    headers: Record<string, string> = {},
  ) {
    const res = await this.app.inject({
      method,
      url: `/api/v1${url}`,
      payload: payload as object | undefined,
      headers: { ...headers, authorization: `Bearer ${await this.token(as)}` },
    });
    if (res.statusCode >= 300)
      throw new DemoStepError(`${method} ${url} as ${as}: ${res.statusCode} ${res.body}`);
    return { json: <T>() => res.json<T>(), etag: String(res.headers.etag ?? '') };
  }

  private async token(email: string): Promise<string> {
    const known = this.tokens.get(email);
    if (known) return known;
    const res = await this.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email, password: DEMO_PASSWORD },
    });
    const token =
      res.statusCode === 401 && res.json<{ code?: string }>().code === 'auth.mfa_enrolment_required'
        ? await this.enrol(email, res.json<{ challengeToken: string }>().challengeToken)
        : res.statusCode === 200
          ? res.json<{ accessToken: string }>().accessToken
          : undefined;
    if (!token) throw new DemoStepError(`sign-in of ${email}: ${res.statusCode} ${res.body}`);
    this.tokens.set(email, token);
    return token;
  }

  /** A role that needs a second factor: enrol with a secret only this run knows (forgotten after). */
  private async enrol(email: string, challengeToken: string): Promise<string | undefined> {
    const started = await this.app.inject({
      method: 'POST',
      url: '/api/v1/auth/mfa/enrolment',
      payload: { challengeToken },
    });
    const secret = started.json<{ secret?: string }>().secret;
    if (!secret) return undefined;
    const confirmed = await this.app.inject({
      method: 'POST',
      url: '/api/v1/auth/mfa/enrolment/confirm',
      payload: { challengeToken, code: totpCodeAt(secret, Date.now()) },
    });
    if (confirmed.statusCode !== 200) return undefined;
    const token = confirmed.json<{ accessToken: string }>().accessToken;
    const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as {
      sub: string;
    };
    this.enrolled.push(claims.sub);
    return token;
  }

  /** Builds the district side once (skipped when the demo districts exist); returns its logins. */
  async run(seeder: DemoSeeder): Promise<DemoLogin[]> {
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
        });
      }
    const me = (await this.call('GET', '/me', districtEmail('springfield', 'org_admin'))).json<{
      organizations: unknown[];
    }>();
    try {
      if (me.organizations.length === 0) await this.build();
    } finally {
      await seeder.forgetScenarioFactors(this.enrolled);
    }
    return logins;
  }

  private async build(): Promise<void> {
    for (const agency of ['mo-dese', 'ks-ksde']) {
      const officer = demoEmail(agency, 'program_officer');
      const admin = demoEmail(agency, 'agency_admin');
      const organizations = new Map<string, string>();
      for (const d of DEMO_DISTRICTS.filter((x) => x.agencies.includes(agency)))
        organizations.set(d.slug, await this.district(agency, d, admin));

      // One application per district and program: the states are spread over two open
      // programs (a draft, a returned one, submissions) and a closed one.
      const literacy = await this.program(
        agency,
        officer,
        `${agency.toUpperCase()}-LIT-27`,
        'Summer Literacy Grants 2027',
      );
      const family = await this.program(
        agency,
        officer,
        `${agency.toUpperCase()}-FAM-27`,
        'Family Engagement Grants 2027',
      );
      const closed = await this.program(
        agency,
        officer,
        `${agency.toUpperCase()}-STEM-27`,
        'STEM Pathways Grants 2027',
      );
      let first = true;
      for (const [slug, organizationId] of organizations) {
        if (first) {
          const draft = await this.start(agency, organizationId, slug, literacy, 'Reading Buddies');
          await this.save(agency, organizationId, slug, draft, { answers: DEMO_ANSWERS });
        } else {
          const returned = await this.ready(
            agency,
            organizationId,
            slug,
            literacy,
            'Summer Literacy Academy',
          );
          await this.submit(agency, organizationId, slug, returned);
          await this.call(
            'POST',
            `/agencies/${agency}/programs/${literacy}/applications/${returned}/return`,
            officer,
            {
              comment: 'Please add the second school site and its enrollment.',
            },
          );
        }
        first = false;
        await this.submit(
          agency,
          organizationId,
          slug,
          await this.ready(agency, organizationId, slug, family, 'Family Literacy Nights'),
        );
        await this.submit(
          agency,
          organizationId,
          slug,
          await this.ready(agency, organizationId, slug, closed, 'STEM Family Nights'),
        );
      }
      await this.call('POST', `/agencies/${agency}/programs/${closed}/close`, officer, {});
      await this.decide(agency, closed, [...organizations.values()]);
    }
  }

  /**
   * The closed program through review: intake, merit review scored by the agency's reviewer,
   * final decisions (the first district funded, the other denied), released; the funded one's
   * award created by the program officer and accepted by the district's representative.
   */
  private async decide(agency: string, programId: string, organizationIds: string[]) {
    const officer = demoEmail(agency, 'program_officer');
    const reviewer = demoEmail(agency, 'reviewer');
    const review = `/agencies/${agency}/programs/${programId}/review`;
    await this.call('POST', `${review}/intake`, officer, {});
    await this.call('POST', `${review}/stage`, officer, { to: 'merit_review' });
    const reviewerId = (await this.call('GET', '/me', reviewer)).json<{ user: { id: string } }>()
      .user.id;
    const applications = (
      await this.call('GET', `/agencies/${agency}/programs/${programId}/applications`, officer)
    ).json<{ items: Array<{ id: string; organizationId: string }> }>().items;
    const points = [
      { need: 18, design: 27, budget: 9 },
      { need: 9, design: 12, budget: 4 },
    ];
    const ordered = organizationIds.map((o) => applications.find((a) => a.organizationId === o)!);
    for (const [i, application] of ordered.entries()) {
      await this.call('POST', `${review}/applications/${application.id}/assignments`, officer, {
        reviewerId,
      });
      const assignment = (
        await this.call('GET', `/agencies/${agency}/reviews/assignments`, reviewer)
      )
        .json<{ items: Array<{ applicationId: string; assignmentId: string }> }>()
        .items.find((a) => a.applicationId === application.id)!;
      const at = `/agencies/${agency}/reviews/assignments/${assignment.assignmentId}`;
      await this.call('POST', `${at}/declaration`, reviewer, { conflict: false });
      const scores = Object.fromEntries(
        Object.entries(points[i % 2]).map(([key, p]) => [
          key,
          { points: p, comment: `Scored ${p}.` },
        ]),
      );
      await this.call('PUT', `${at}/review`, reviewer, { scores });
      await this.call('POST', `${at}/review/submit`, reviewer, {});
    }
    await this.call('POST', `${review}/stage`, officer, { to: 'final_decision' });
    const decisions = `/agencies/${agency}/programs/${programId}/decisions`;
    await this.call('POST', `${decisions}/recommend`, officer, {});
    for (const [i, application] of ordered.entries()) {
      await this.call(
        'PUT',
        `${decisions}/${application.id}`,
        officer,
        i === 0
          ? { outcome: 'approved', amount: '100000.00', justification: 'Highest score.' }
          : { outcome: 'denied', justification: 'Below the funding line.' },
      );
    }
    await this.call('POST', `${decisions}/release`, officer, {});
    const funded = (await this.call('GET', decisions, officer))
      .json<{ items: Array<{ decisionId: string; organizationId: string; outcome: string }> }>()
      .items.find((d) => d.outcome === 'approved')!;
    const award = (
      await this.call(
        'POST',
        `/agencies/${agency}/awards`,
        officer,
        { source: 'decision', sourceId: funded.decisionId, federalAwardDate: '2027-07-01' },
        { 'idempotency-key': randomUUID() },
      )
    ).json<{ id: string }>();
    const slug = this.slugs.get(funded.organizationId)!;
    await this.call(
      'POST',
      `/agencies/${agency}/organizations/${funded.organizationId}/awards/${award.id}/accept`,
      districtEmail(slug, 'authorized_representative'),
      { name: 'Pat Jones', title: 'Superintendent', accepted: true },
    );
  }

  /** Registered by its admin, approved by the agency, colleagues invited and accepted. */
  private async district(agency: string, d: District, agencyAdmin: string): Promise<string> {
    const orgAdmin = districtEmail(d.slug, 'org_admin');
    const organization = (
      await this.call('POST', `/agencies/${agency}/organizations/registrations`, orgAdmin, {
        legalName: d.legalName,
        type: 'lea',
        ncesLeaId: d.ncesLeaId,
        uei: d.uei,
        stateDistrictCode: d.stateDistrictCode,
        address: { line1: '100 Main St', city: d.city, state: d.state, postalCode: '65101' },
        contacts: [{ name: 'Pat Jones', email: orgAdmin, kind: 'superintendent' }],
      })
    ).json<{ id: string }>();
    await this.call(
      'POST',
      `/agencies/${agency}/organizations/${organization.id}/approve`,
      agencyAdmin,
      {},
    );
    for (const role of ['grant_writer', 'authorized_representative']) {
      const email = districtEmail(d.slug, role);
      await this.call(
        'POST',
        `/agencies/${agency}/organizations/${organization.id}/members`,
        orgAdmin,
        {
          email,
          name: `Demo ${role.replace(/_/g, ' ')} (${d.slug})`,
          roles: [role],
        },
      );
      await this.call(
        'POST',
        `/me/invitations/agencies/${agency}/organizations/${organization.id}/accept`,
        email,
        {},
      );
    }
    this.slugs.set(organization.id, d.slug);
    return organization.id;
  }

  private async program(
    agency: string,
    officer: string,
    code: string,
    title: string,
  ): Promise<string> {
    const created = (
      await this.call(
        'POST',
        `/agencies/${agency}/programs`,
        officer,
        demoProgram(this.now, code, title),
      )
    ).json<{ id: string }>();
    await this.call('POST', `/agencies/${agency}/programs/${created.id}/publish`, officer, {});
    return created.id;
  }

  private async start(
    agency: string,
    organizationId: string,
    slug: string,
    programId: string,
    projectTitle: string,
  ) {
    return (
      await this.call(
        'POST',
        `/agencies/${agency}/organizations/${organizationId}/applications`,
        districtEmail(slug, 'grant_writer'),
        {
          programId,
          projectTitle,
        },
      )
    ).json<{ id: string }>().id;
  }

  private async save(
    agency: string,
    organizationId: string,
    slug: string,
    applicationId: string,
    body: unknown,
    path = '',
    method: 'PATCH' | 'PUT' = 'PATCH',
  ) {
    const writer = districtEmail(slug, 'grant_writer');
    const url = `/agencies/${agency}/organizations/${organizationId}/applications/${applicationId}`;
    const { etag } = await this.call('GET', url, writer);
    await this.call(method, `${url}${path}`, writer, body, { 'if-match': etag });
  }

  private async ready(
    agency: string,
    organizationId: string,
    slug: string,
    programId: string,
    title: string,
  ) {
    const id = await this.start(agency, organizationId, slug, programId, title);
    await this.save(agency, organizationId, slug, id, { answers: DEMO_ANSWERS });
    await this.save(agency, organizationId, slug, id, DEMO_BUDGET, '/budget', 'PUT');
    return id;
  }

  private async submit(
    agency: string,
    organizationId: string,
    slug: string,
    applicationId: string,
  ) {
    await this.call(
      'POST',
      `/agencies/${agency}/organizations/${organizationId}/applications/${applicationId}/submit`,
      districtEmail(slug, 'authorized_representative'),
      { certification: { name: 'Pat Jones', title: 'Superintendent', accepted: true } },
      { 'idempotency-key': randomUUID() },
    );
  }
}
