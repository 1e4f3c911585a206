import { createHash } from 'node:crypto';
import { JobScheduler } from '../src/core/jobs';
import { DOCUMENT_EXPIRY_SCHEDULE } from '../src/organizations/documents/document-reminders';
import { documentsUrl, uploadDocument } from './factories/documents';
import { orgApi, waitFor } from './factories/finance';
import {
  applicantTeam,
  applicationsUrl,
  createOrganization,
  readyApplication,
  resetClock,
  SAMPLE_PDF,
  setClock,
} from './factories/grants';
import {
  agencyId,
  asAgencyOwner,
  signedInOrganizationMember,
  signedInStaff,
} from './factories/identity';
import { connect } from './support/database';
import { bootTestApp, TestApp } from './support/test-app';

const PDF_V2 = Buffer.concat([SAMPLE_PDF, Buffer.from('% fiscal year 2027\n')]);
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const audit = { kind: 'single_audit_report', title: 'Single audit FY2026' };

/**
 * The organization's document library over HTTP as the app role: who may keep and read it,
 * what it refuses, the expiry reminders (waited for as outbox rows), attaching a library file
 * to an application, and the wall between agencies.
 */
describe('organization document library', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await bootTestApp();
  });
  afterEach(() => resetClock(t));
  afterAll(async () => {
    await t.close();
  });

  async function documentRows(code: string, organizationId: string) {
    return asAgencyOwner(t, code, async (client) => {
      const { rows } = await client.query(
        `SELECT id, title, version, removed_at FROM organization_documents WHERE organization_id = $1`,
        [organizationId],
      );
      return rows as Array<{ id: string; title: string; version: number; removed_at: Date | null }>;
    });
  }

  async function district(code = 'mo-dese') {
    const organization = await createOrganization(t, code);
    return { organization, team: await applicantTeam(t, code, organization.id) };
  }

  it('lets admins and representatives upload, replace and remove, members read, all audited', async () => {
    const { organization, team } = await district();
    const uploaded = await uploadDocument(
      t,
      'mo-dese',
      organization.id,
      team.orgAdmin,
      { ...audit, expiresOn: '2099-06-30' },
      { filename: 'audit.pdf', content: SAMPLE_PDF },
    );
    expect(uploaded.status).toBe(201);
    const document = uploaded.json();
    expect(document).toMatchObject({
      kind: 'single_audit_report',
      title: 'Single audit FY2026',
      filename: 'audit.pdf',
      contentType: 'application/pdf',
      sizeBytes: SAMPLE_PDF.length,
      sha256: sha(SAMPLE_PDF),
      expiresOn: '2099-06-30',
      status: 'valid',
      version: 1,
    });

    const listed = await t.request({
      method: 'GET',
      url: documentsUrl('mo-dese', organization.id),
      token: team.grantWriter.token,
    });
    expect(listed.status).toBe(200);
    expect(listed.json().items.map((d: { id: string }) => d.id)).toEqual([document.id]);

    // A grant writer reads but does not keep the library.
    const refused = await uploadDocument(t, 'mo-dese', organization.id, team.grantWriter, audit, {
      filename: 'x.pdf',
      content: SAMPLE_PDF,
    });
    expect(refused.status).toBe(403);

    const replaced = await uploadDocument(
      t,
      'mo-dese',
      organization.id,
      team.representative,
      { title: 'Single audit FY2027', expiresOn: '' },
      { filename: 'audit-2027.pdf', content: PDF_V2 },
      document.id,
    );
    expect(replaced.status).toBe(200);
    expect(replaced.json()).toMatchObject({
      id: document.id,
      version: 2,
      title: 'Single audit FY2027',
      sha256: sha(PDF_V2),
      expiresOn: null,
    });
    const file = await t.request({
      method: 'GET',
      url: `${documentsUrl('mo-dese', organization.id, document.id)}/file`,
      token: team.grantWriter.token,
    });
    expect(file.status).toBe(200);
    expect(file.rawBody.equals(PDF_V2)).toBe(true);
    expect(String(file.headers['content-disposition'])).toContain('audit-2027.pdf');

    const removed = await t.request({
      method: 'DELETE',
      url: documentsUrl('mo-dese', organization.id, document.id),
      token: team.representative.token,
    });
    expect(removed.status).toBe(204);
    const after = await t.request({
      method: 'GET',
      url: documentsUrl('mo-dese', organization.id),
      token: team.orgAdmin.token,
    });
    expect(after.json().items).toEqual([]);

    const actions = await asAgencyOwner(t, 'mo-dese', async (client) => {
      const { rows } = await client.query(
        `SELECT action FROM audit_events WHERE entity_id = $1 AND action LIKE 'organization.document_%'
          ORDER BY occurred_at, action`,
        [organization.id],
      );
      return rows.map((r) => r.action as string);
    });
    expect(actions).toEqual([
      'organization.document_added',
      'organization.document_replaced',
      'organization.document_removed',
    ]);
  });

  it('refuses bad input with a coded error and stores nothing', async () => {
    const { organization, team } = await district();
    const cases: Array<
      [Record<string, string>, { filename: string; content: Buffer } | undefined, number, string]
    > = [
      [
        { ...audit, kind: 'tax_return' },
        { filename: 'a.pdf', content: SAMPLE_PDF },
        422,
        'organization.document_invalid',
      ],
      [
        { ...audit, expiresOn: '2027-02-30' },
        { filename: 'a.pdf', content: SAMPLE_PDF },
        422,
        'organization.document_invalid',
      ],
      [
        { ...audit, title: '  ' },
        { filename: 'a.pdf', content: SAMPLE_PDF },
        422,
        'organization.document_invalid',
      ],
      [
        audit,
        { filename: 'a.pdf', content: Buffer.from([0x7f, 0x45, 0x4c, 0x46, 1, 2, 3]) },
        415,
        'organization.document_refused',
      ],
      [audit, undefined, 400, 'organization.document_file_missing'],
    ];
    for (const [fields, file, status, code] of cases) {
      const res = await uploadDocument(t, 'mo-dese', organization.id, team.orgAdmin, fields, file);
      expect([res.status, res.json().code]).toEqual([status, code]);
    }
    expect(await documentRows('mo-dese', organization.id)).toEqual([]);
  });

  it("refuses another organization's members, another agency's users and staff edits; RLS hides it from other agencies", async () => {
    const { organization, team } = await district();
    const document = (
      await uploadDocument(t, 'mo-dese', organization.id, team.orgAdmin, audit, {
        filename: 'a.pdf',
        content: SAMPLE_PDF,
      })
    ).json();
    const neighbour = await district();
    const kansan = await signedInStaff(t, 'ks-ksde', ['agency_admin']);
    const officer = await signedInStaff(t, 'mo-dese', ['program_officer']);

    const attempts = [
      // Another district's admin, in this district's path: their roles do not count here.
      {
        who: neighbour.team.orgAdmin,
        method: 'GET' as const,
        url: documentsUrl('mo-dese', organization.id),
        status: 403,
      },
      {
        who: neighbour.team.orgAdmin,
        method: 'DELETE' as const,
        url: documentsUrl('mo-dese', organization.id, document.id),
        status: 403,
      },
      // Their own path with this district's document: not theirs, not found.
      {
        who: neighbour.team.orgAdmin,
        method: 'DELETE' as const,
        url: documentsUrl('mo-dese', neighbour.organization.id, document.id),
        status: 404,
      },
      {
        who: neighbour.team.orgAdmin,
        method: 'GET' as const,
        url: `${documentsUrl('mo-dese', neighbour.organization.id, document.id)}/file`,
        status: 404,
      },
      // Kansas's admin: Missouri does not exist for them.
      {
        who: kansan,
        method: 'GET' as const,
        url: documentsUrl('mo-dese', organization.id),
        status: 404,
      },
      {
        who: kansan,
        method: 'GET' as const,
        url: documentsUrl('ks-ksde', organization.id, document.id),
        status: 404,
      },
      // Agency staff read a district's library but do not keep it.
      {
        who: officer,
        method: 'DELETE' as const,
        url: documentsUrl('mo-dese', organization.id, document.id),
        status: 403,
      },
    ];
    for (const a of attempts) {
      const res = await t.request({ method: a.method, url: a.url, token: a.who.token });
      expect([a.method, a.url, res.status]).toEqual([a.method, a.url, a.status]);
    }
    const staffRead = await t.request({
      method: 'GET',
      url: documentsUrl('mo-dese', organization.id),
      token: officer.token,
    });
    expect(staffRead.json().items).toHaveLength(1);
    expect((await documentRows('mo-dese', organization.id))[0].removed_at).toBeNull();

    // The second wall: as the app role, in Kansas, Missouri's row does not exist.
    const app = await connect(t.db.appUrl);
    try {
      const count = async (code: string) => {
        await app.query('BEGIN');
        await app.query(`SELECT set_config('app.agency_id', $1, true)`, [await agencyId(t, code)]);
        const { rows } = await app.query(
          'SELECT count(*)::int AS n FROM organization_documents WHERE id = $1',
          [document.id],
        );
        await app.query('ROLLBACK');
        return rows[0].n as number;
      };
      expect(await count('ks-ksde')).toBe(0);
      expect(await count('mo-dese')).toBe(1);
      await app.query('BEGIN');
      await app.query(`SELECT set_config('app.agency_id', $1, true)`, [
        await agencyId(t, 'ks-ksde'),
      ]);
      await expect(
        app.query(
          `INSERT INTO organization_documents (agency_id, organization_id, kind, title, filename, content_type, size_bytes, sha256, storage_key)
           VALUES ($1, $2, 'other', 'x', 'x', 'application/pdf', 1, 'x', 'x')`,
          [await agencyId(t, 'mo-dese'), organization.id],
        ),
      ).rejects.toThrow(/row-level security/);
      await app.query('ROLLBACK');
    } finally {
      await app.end();
    }
  });

  it('reminds the admins 30 and 7 days before expiry, each reminder once', async () => {
    setClock(t, '2026-05-01T15:00:00Z'); // 10:00 in Missouri
    const { organization, team } = await district();
    const secondAdmin = await signedInOrganizationMember(t, 'mo-dese', organization.id, [
      'org_admin',
    ]);
    const upload = (title: string, expiresOn: string) =>
      uploadDocument(
        t,
        'mo-dese',
        organization.id,
        team.orgAdmin,
        { kind: 'assurances', title, expiresOn },
        { filename: 'a.pdf', content: SAMPLE_PDF },
      );
    const soon = (await upload('Assurances 2026', '2026-05-21')).json(); // 20 days left
    await upload('Board approval', '2026-09-01'); // far off
    await upload('Old agreement', '2026-04-01'); // already expired

    const reminders = async () =>
      asAgencyOwner(t, 'mo-dese', async (client) => {
        const { rows } = await client.query(
          `SELECT n->'data'->>'documentTitle' AS title, (n->'data'->>'daysLeft')::int AS days,
                  jsonb_array_length(n->'recipients') AS recipients, n->'recipients' AS who
             FROM jobs_outbox, jsonb_array_elements(payload->'notices') n
            WHERE name = 'notification.email' AND n->>'template' = 'document.expiring'
            ORDER BY (n->'data'->>'daysLeft')::int DESC`,
        );
        return rows as Array<{ title: string; days: number; recipients: number; who: unknown }>;
      });

    const scheduler = t.app.get(JobScheduler);
    await scheduler.fire(DOCUMENT_EXPIRY_SCHEDULE);
    const first = await waitFor('the 30-day reminder in the outbox', async () => {
      const rows = await reminders();
      return rows.length > 0 && rows;
    });
    await scheduler.fire(DOCUMENT_EXPIRY_SCHEDULE); // the schedule ran twice: still one
    expect(await reminders()).toEqual(first);
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({ title: 'Assurances 2026', days: 20, recipients: 2 });
    expect(first[0].who).toEqual(
      expect.arrayContaining([{ userId: team.orgAdmin.user.id }, { userId: secondAdmin.user.id }]),
    );

    setClock(t, '2026-05-15T15:00:00Z'); // 6 days left
    await scheduler.fire(DOCUMENT_EXPIRY_SCHEDULE);
    await scheduler.fire(DOCUMENT_EXPIRY_SCHEDULE);
    const both = await waitFor('the 7-day reminder in the outbox', async () => {
      const rows = await reminders();
      return rows.length > 1 && rows;
    });
    expect(both.map((r) => [r.title, r.days])).toEqual([
      ['Assurances 2026', 20],
      ['Assurances 2026', 6],
    ]);
    const inApp = await asAgencyOwner(t, 'mo-dese', async (client) => {
      const { rows } = await client.query(
        `SELECT count(*)::int AS n FROM notifications WHERE template = 'document.expiring' AND link LIKE $1`,
        [`%/organizations/${organization.id}/documents`],
      );
      return rows[0].n as number;
    });
    expect(inApp).toBe(4); // two admins, two reminders
    expect(soon.status).toBe('expiring_soon');
  });

  it('attaches a library document to an application instead of uploading it again', async () => {
    const { organization, team, application } = await readyApplication(t, 'mo-dese');
    const document = (
      await uploadDocument(t, 'mo-dese', organization.id, team.representative, audit, {
        filename: 'budget-narrative.pdf',
        content: PDF_V2,
      })
    ).json();
    const fromLibrary = `${applicationsUrl('mo-dese', organization.id, application.id)}/attachments/from-library`;
    const attached = await t.request({
      method: 'POST',
      url: fromLibrary,
      token: team.grantWriter.token,
      payload: { documentId: document.id, requirementKey: 'budgetNarrative' },
    });
    expect(attached.status).toBe(201);
    expect(attached.json()).toMatchObject({
      requirementKey: 'budgetNarrative',
      filename: 'budget-narrative.pdf',
      sha256: sha(PDF_V2),
    });
    const list = await t.request({
      method: 'GET',
      url: `${applicationsUrl('mo-dese', organization.id, application.id)}/attachments`,
      token: team.grantWriter.token,
    });
    expect(list.json().items.map((a: { sha256: string }) => a.sha256)).toContain(sha(PDF_V2));

    // Another district's document, and a requirement the program does not have: refused.
    const neighbour = await district();
    const theirs = (
      await uploadDocument(
        t,
        'mo-dese',
        neighbour.organization.id,
        neighbour.team.orgAdmin,
        audit,
        {
          filename: 'a.pdf',
          content: SAMPLE_PDF,
        },
      )
    ).json();
    const foreign = await t.request({
      method: 'POST',
      url: fromLibrary,
      token: team.grantWriter.token,
      payload: { documentId: theirs.id },
    });
    expect([foreign.status, foreign.json().code]).toEqual([404, 'organization.document_not_found']);
    const unknown = await t.request({
      method: 'POST',
      url: fromLibrary,
      token: team.grantWriter.token,
      payload: { documentId: document.id, requirementKey: 'noSuchThing' },
    });
    expect(unknown.status).toBe(422);
    // Their member cannot pull this district's document into this district's application.
    const intruder = await t.request({
      method: 'POST',
      url: `${orgApi('mo-dese', organization.id)}/applications/${application.id}/attachments/from-library`,
      token: neighbour.team.grantWriter.token,
      payload: { documentId: document.id },
    });
    expect(intruder.status).toBe(403);
  });
});
