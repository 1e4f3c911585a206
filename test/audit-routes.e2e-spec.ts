import { AgencyDirectory } from '../src/agencies/agency-directory';
import { AuditLog } from '../src/core/audit/audit-log';
import { TenantRunner } from '../src/core/context/tenant-db';
import { asAgencyOwner, signedInStaff } from './factories';
import { waitFor } from './jobs/waiting';
import { useTestApp } from './support/use-test-app';

/** The audit routes as agency admins use them, through the whole HTTP pipeline. */
describe('audit routes', () => {
  const t = useTestApp();
  let moAdmin: string;
  let ksAdmin: string;
  let moOfficer: string;

  beforeAll(async () => {
    moAdmin = (await signedInStaff(t, 'mo-dese', ['agency_admin'])).token;
    ksAdmin = (await signedInStaff(t, 'ks-ksde', ['agency_admin'])).token;
    moOfficer = (await signedInStaff(t, 'mo-dese', ['program_officer'])).token;
    const mo = t.app.get(AgencyDirectory).findByCode('mo-dese')!;
    await t.app.get(TenantRunner).run(mo, { kind: 'system' }, async () => {
      for (let i = 0; i < 5; i += 1) {
        await t.app.get(AuditLog).record({
          action: 'program.published',
          entityType: 'program',
          entityId: 'p-1',
          after: { version: i },
        });
      }
    });
  });

  const get = (url: string, token?: string) => t.request({ method: 'GET', url, token });

  it('lets an agency admin verify the agency’s chain', async () => {
    // Verifying seals first, up to the cluster's oldest open transaction (any database's, and
    // other test files run beside this one): the five events may be linked by a later call.
    const res = await waitFor('the five events linked and verified', async () => {
      const answer = await get('/api/v1/agencies/mo-dese/audit/verify', moAdmin);
      return answer.status !== 200 || answer.json().checked >= 5 ? answer : undefined;
    });
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({
      ok: true,
      head: { hash: expect.stringMatching(/^[0-9a-f]{64}$/) },
    });
    expect(res.json().checked).toBeGreaterThanOrEqual(5);
  });

  it('pages an entity’s events by cursor', async () => {
    const first = await get(
      '/api/v1/agencies/mo-dese/audit/events?entityType=program&entityId=p-1&limit=3',
      moAdmin,
    );
    expect(first.status).toBe(200);
    expect(first.json().items).toHaveLength(3);
    expect(first.json().items[0]).toMatchObject({ action: 'program.published', entityId: 'p-1' });
    const second = await get(
      `/api/v1/agencies/mo-dese/audit/events?entityType=program&entityId=p-1&limit=3&cursor=${first.json().nextCursor}`,
      moAdmin,
    );
    expect(second.json().items).toHaveLength(2);
    expect(second.json().nextCursor).toBeNull();
  });

  it('validates the query with field-level problems', async () => {
    const res = await get(
      '/api/v1/agencies/mo-dese/audit/events?limit=500&actorUserId=bob',
      moAdmin,
    );
    expect(res.status).toBe(400);
    const pointers = res.json().errors.map((e: { pointer: string }) => e.pointer);
    expect(pointers).toEqual(expect.arrayContaining(['/limit', '/actorUserId']));
  });

  it('refuses staff without audit.read (403, and audits the attempt) and other agencies’ admins (404)', async () => {
    const forbidden = await get('/api/v1/agencies/mo-dese/audit/verify', moOfficer);
    expect(forbidden.status).toBe(403);
    const foreign = await get('/api/v1/agencies/mo-dese/audit/events', ksAdmin);
    expect(foreign.status).toBe(404);
    expect((await get('/api/v1/agencies/mo-dese/audit/verify')).status).toBe(401);

    const attempts = await get(
      '/api/v1/agencies/mo-dese/audit/events?entityType=permission&entityId=audit.read',
      moAdmin,
    );
    // Both attempts are in Missouri's trail, though each request itself failed.
    expect(
      attempts
        .json()
        .items.map((e: { action: string }) => e.action)
        .sort(),
    ).toEqual(['auth.forbidden', 'auth.not_member']);
  });

  it('reports a tampered row as the first broken link', async () => {
    const events = await get(
      '/api/v1/agencies/mo-dese/audit/events?entityType=program&entityId=p-1&limit=50',
      moAdmin,
    );
    const oldest = events.json().items.at(-1).id;
    await asAgencyOwner(t, 'mo-dese', async (client) => {
      await client.query(`ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only`);
      await client.query(`UPDATE audit_events SET after = '{"version": 42}' WHERE id = $1`, [
        oldest,
      ]);
      await client.query(`ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only`);
    });
    const res = await get('/api/v1/agencies/mo-dese/audit/verify', moAdmin);
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({
      ok: false,
      firstBrokenLink: { eventId: oldest, problem: 'event_altered' },
    });
    // The other agency's chain is its own and still whole.
    expect((await get('/api/v1/agencies/ks-ksde/audit/verify', ksAdmin)).json().ok).toBe(true);
  });
});
