import { randomUUID } from 'node:crypto';
import {
  asAgencyOwner,
  createTestOrganization,
  ownerPool,
  SignedIn,
  signedInOrganizationMember,
  signedInStaff,
} from './factories/identity';
import { TestResponse } from './support/test-app';
import { useTestApp } from './support/use-test-app';

/**
 * Routes that send email are limited per client address and globally; invitations also per
 * organization and per agency, counted after authorization. Small limits here; 127.0.0.1 is a
 * trusted proxy so each caller speaks from an address of its own (X-Forwarded-For).
 */
describe('invitation and email limits (real server, small limits)', () => {
  const EMAIL_PER_IP = 3;
  const PER_ORGANIZATION = 2;
  const PER_AGENCY = 5;
  const t = useTestApp({
    env: {
      TRUSTED_PROXIES: '127.0.0.1',
      RATE_LIMIT_WINDOW_SECONDS: '3600',
      RATE_LIMIT_EMAIL_PER_IP: String(EMAIL_PER_IP),
      INVITATIONS_PER_ORGANIZATION_PER_HOUR: String(PER_ORGANIZATION),
      INVITATIONS_PER_AGENCY_PER_HOUR: String(PER_AGENCY),
    },
  });

  let address = 0;
  const freshIp = () => `198.51.100.${++address}`;
  const newEmail = () => `invitee-${randomUUID().slice(0, 8)}@example.org`;

  const inviteStaff = (agency: string, admin: SignedIn, email: string, ip: string) =>
    t.request({
      method: 'POST',
      url: `/api/v1/agencies/${agency}/staff`,
      token: admin.token,
      headers: { 'x-forwarded-for': ip },
      payload: { email, name: 'Pat Invitee', roles: ['reviewer'] },
    });
  const inviteMember = (
    agency: string,
    organizationId: string,
    caller: SignedIn | undefined,
    email: string,
    ip: string,
  ) =>
    t.request({
      method: 'POST',
      url: `/api/v1/agencies/${agency}/organizations/${organizationId}/members`,
      token: caller?.token,
      headers: { 'x-forwarded-for': ip },
      payload: { email, name: 'Pat Invitee', roles: ['authorized_representative'] },
    });

  /** What a refused invitation must leave untouched: accounts, memberships, outbox, invitations. */
  const footprint = async (agency: string, email: string) => ({
    accounts: (await ownerPool(t).query(`SELECT 1 FROM users WHERE email = $1`, [email])).rowCount,
    invitations: (await ownerPool(t).query(`SELECT count(*)::int AS n FROM user_invitations`))
      .rows[0].n,
    ...(await asAgencyOwner(t, agency, async (client) => ({
      outbox: (await client.query(`SELECT count(*)::int AS n FROM jobs_outbox`)).rows[0].n,
      memberships: (await client.query(`SELECT count(*)::int AS n FROM organization_memberships`))
        .rows[0].n,
      staff: (await client.query(`SELECT count(*)::int AS n FROM agency_memberships`)).rows[0].n,
    }))),
  });
  const expectRefused = (res: TestResponse, code: string) => {
    expect(res.status).toBe(429);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ status: 429, code, requestId: res.headers['x-request-id'] });
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
  };

  it('refuses the N+1th staff invitation from one address, changing nothing', async () => {
    const admin = await signedInStaff(t, 'mo-dese', ['agency_admin']);
    const ip = freshIp();
    for (let i = 0; i < EMAIL_PER_IP; i++) {
      expect((await inviteStaff('mo-dese', admin, newEmail(), ip)).status).toBe(201);
    }
    const email = newEmail();
    const before = await footprint('mo-dese', email);
    const refused = await inviteStaff('mo-dese', admin, email, ip);
    expectRefused(refused, 'request.rate_limited');
    expect(refused.headers['x-content-type-options']).toBe('nosniff');
    expect(await footprint('mo-dese', email)).toEqual(before);
    expect(before.accounts).toBe(0);
  });

  it('limits invitations per organization, whatever address the org admin uses', async () => {
    const organizationId = await createTestOrganization(t, 'mo-dese');
    const orgAdmin = await signedInOrganizationMember(t, 'mo-dese', organizationId, ['org_admin']);
    for (let i = 0; i < PER_ORGANIZATION; i++) {
      const res = await inviteMember('mo-dese', organizationId, orgAdmin, newEmail(), freshIp());
      expect(res.status).toBe(201);
    }
    const email = newEmail();
    const before = await footprint('mo-dese', email);
    const refused = await inviteMember('mo-dese', organizationId, orgAdmin, email, freshIp());
    expectRefused(refused, 'invitation.rate_limited');
    expect(await footprint('mo-dese', email)).toEqual(before);
  });

  it("limits invitations per agency across its organizations; strangers cannot spend the agency's budget", async () => {
    const organizations = [
      await createTestOrganization(t, 'ks-ksde'),
      await createTestOrganization(t, 'ks-ksde'),
      await createTestOrganization(t, 'ks-ksde'),
    ];
    const admins = [];
    for (const id of organizations) {
      admins.push(await signedInOrganizationMember(t, 'ks-ksde', id, ['org_admin']));
    }
    // Unauthenticated attempts are refused before they count against the agency.
    for (let i = 0; i < 2 * PER_AGENCY; i++) {
      const res = await inviteMember('ks-ksde', organizations[0], undefined, newEmail(), freshIp());
      expect(res.status).toBe(401);
    }
    const plan = [0, 0, 1, 1, 2]; // PER_AGENCY invitations over three organizations
    for (const index of plan) {
      const res = await inviteMember(
        'ks-ksde',
        organizations[index],
        admins[index],
        newEmail(),
        freshIp(),
      );
      expect(res.status).toBe(201);
    }
    const email = newEmail();
    const before = await footprint('ks-ksde', email);
    const refused = await inviteMember('ks-ksde', organizations[2], admins[2], email, freshIp());
    expectRefused(refused, 'invitation.rate_limited');
    expect(await footprint('ks-ksde', email)).toEqual(before);
  });
});
