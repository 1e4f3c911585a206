import { demoEmail } from '../../identity/demo/demo-seeder';
import { DemoApi } from './demo-api';
import { DEMO_ANSWERS, DEMO_BUDGET } from './demo-program';

export interface DemoDistrict {
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
export const DEMO_DISTRICTS: DemoDistrict[] = [
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

export const DISTRICT_ROLES = ['org_admin', 'grant_writer', 'authorized_representative'] as const;
export const districtEmail = (slug: string, role: string) =>
  `${role.replace(/_/g, '.')}@${slug}.demo.example.org`;

/** What a district's people do through the API: register the district, draft and submit. */
export class DemoDistrictSteps {
  constructor(private readonly api: DemoApi) {}

  /** Registered by its admin, approved by the agency, colleagues invited and accepted. */
  async register(agency: string, d: DemoDistrict): Promise<string> {
    const orgAdmin = districtEmail(d.slug, 'org_admin');
    const { body: organization } = await this.api.call<{ id: string }>(
      'POST',
      `/agencies/${agency}/organizations/registrations`,
      orgAdmin,
      {
        legalName: d.legalName,
        type: 'lea',
        ncesLeaId: d.ncesLeaId,
        uei: d.uei,
        stateDistrictCode: d.stateDistrictCode,
        address: { line1: '100 Main St', city: d.city, state: d.state, postalCode: '65101' },
        contacts: [{ name: 'Pat Jones', email: orgAdmin, kind: 'superintendent' }],
      },
    );
    const org = `/agencies/${agency}/organizations/${organization.id}`;
    await this.api.call('POST', `${org}/approve`, demoEmail(agency, 'agency_admin'), {});
    for (const role of ['grant_writer', 'authorized_representative']) {
      const email = districtEmail(d.slug, role);
      await this.api.call('POST', `${org}/members`, orgAdmin, {
        email,
        name: `Demo ${role.replace(/_/g, ' ')} (${d.slug})`,
        roles: [role],
      });
      await this.api.call(
        'POST',
        `/me/invitations/agencies/${agency}/organizations/${organization.id}/accept`,
        email,
        {},
      );
    }
    return organization.id;
  }

  private applications(agency: string, organizationId: string) {
    return `/agencies/${agency}/organizations/${organizationId}/applications`;
  }

  async start(
    agency: string,
    organizationId: string,
    slug: string,
    programId: string,
    projectTitle: string,
  ) {
    const { body } = await this.api.call<{ id: string }>(
      'POST',
      this.applications(agency, organizationId),
      districtEmail(slug, 'grant_writer'),
      { programId, projectTitle },
    );
    return body.id;
  }

  /** A grant writer's save of the draft, on its current ETag (the API's optimistic lock). */
  async save(
    agency: string,
    organizationId: string,
    slug: string,
    applicationId: string,
    body: unknown,
    path = '',
    method: 'PATCH' | 'PUT' = 'PATCH',
  ) {
    const writer = districtEmail(slug, 'grant_writer');
    const url = `${this.applications(agency, organizationId)}/${applicationId}`;
    const { etag } = await this.api.call('GET', url, writer);
    await this.api.call(method, `${url}${path}`, writer, body, { 'if-match': etag });
  }

  /** Drafted and budgeted by the grant writer, certified and submitted by the representative. */
  async submit(
    agency: string,
    organizationId: string,
    slug: string,
    programId: string,
    title: string,
  ) {
    const id = await this.start(agency, organizationId, slug, programId, title);
    await this.save(agency, organizationId, slug, id, { answers: DEMO_ANSWERS });
    await this.save(agency, organizationId, slug, id, DEMO_BUDGET, '/budget', 'PUT');
    await this.api.once(
      `${this.applications(agency, organizationId)}/${id}/submit`,
      districtEmail(slug, 'authorized_representative'),
      { certification: { name: 'Pat Jones', title: 'Superintendent', accepted: true } },
    );
    return id;
  }
}
