import { agencyId, signedInStaff, SignedIn } from './factories/identity';
import {
  createProgram,
  publishProgram,
  STANDARD_FORM,
  STANDARD_RUBRIC,
  submittedApplication,
} from './factories/grants';
import { connect } from './support/database';
import { useTestApp } from './support/use-test-app';

/**
 * Program templates are the one thing that crosses agencies, on purpose and narrowly: a
 * snapshot of a shared program's definition, readable by every agency, written only by its own.
 */
describe('program templates across agencies', () => {
  const t = useTestApp();
  let moOfficer: SignedIn;
  let ksOfficer: SignedIn;

  beforeAll(async () => {
    moOfficer = await signedInStaff(t, 'mo-dese', ['program_officer']);
    ksOfficer = await signedInStaff(t, 'ks-ksde', ['program_officer']);
  });

  it("lets Kansas clone Missouri's shared program as a draft fitted to Kansas rules", async () => {
    const shared = await createProgram(t, 'mo-dese', moOfficer, {
      code: 'MO-LIT-2027',
      title: 'Missouri Summer Literacy',
      shareable: true,
      budgetRules: {
        allowedFunctionCodes: ['1000', '2400', '3000'],
        indirectCostCapPercent: '8.00',
      },
      requiredAttachments: [
        { key: 'narrative', label: 'Narrative', allowedTypes: ['application/pdf', 'image/png'] },
      ],
    });
    await publishProgram(t, 'mo-dese', moOfficer, shared.id);
    await submittedApplication(t, 'mo-dese'); // Missouri has applicant data too; none of it may cross

    const list = await t.request({
      method: 'GET',
      url: '/api/v1/agencies/ks-ksde/program-templates?search=Summer%20Literacy',
      token: ksOfficer.token,
    });
    expect(list.status).toBe(200);
    const template = list.json().items.find((x: { code: string }) => x.code === 'MO-LIT-2027');
    expect(template).toMatchObject({
      sourceAgencyCode: 'mo-dese',
      title: 'Missouri Summer Literacy',
    });
    expect(Object.keys(template.definition).sort()).toEqual([
      'allowMultipleApplications',
      'budgetRules',
      'description',
      'eligibility',
      'form',
      'requiredAttachments',
      'rubric',
    ]);
    expect(JSON.stringify(template)).not.toMatch(
      /fundsAvailable|awardCeiling|opensAt|closesAt|fain/,
    );

    const cloned = await t.request({
      method: 'POST',
      url: `/api/v1/agencies/ks-ksde/program-templates/${template.id}/clone`,
      token: ksOfficer.token,
      payload: { code: 'KS-LIT-2027', title: 'Kansas Summer Literacy' },
    });
    expect(cloned.status).toBe(201);
    expect(cloned.json().adjustments).toEqual([
      'dropped function codes not allowed here: 2400, 3000',
      'dropped file types for narrative not allowed here: image/png',
    ]);
    expect(cloned.json().program).toMatchObject({
      status: 'draft',
      code: 'KS-LIT-2027',
      title: 'Kansas Summer Literacy',
      timeZone: 'America/Chicago',
      form: STANDARD_FORM,
      rubric: STANDARD_RUBRIC,
      budgetRules: { allowedFunctionCodes: ['1000'], indirectCostCapPercent: '8.00' },
      requiredAttachments: [
        { key: 'narrative', label: 'Narrative', allowedTypes: ['application/pdf'] },
      ],
      fundsAvailable: null,
      opensAt: null,
      clonedFromTemplateId: template.id,
    });

    // The clone is Kansas's own: editing it leaves Missouri's program alone.
    const edited = await t.request({
      method: 'PATCH',
      url: `/api/v1/agencies/ks-ksde/programs/${cloned.json().program.id}`,
      token: ksOfficer.token,
      headers: { 'if-match': String(cloned.headers.etag) },
      payload: { description: 'Kansas edition' },
    });
    expect(edited.status).toBe(200);
    const original = await t.request({
      method: 'GET',
      url: `/api/v1/agencies/mo-dese/programs/${shared.id}`,
      token: moOfficer.token,
    });
    expect(original.json().description).not.toBe('Kansas edition');
    // Kansas still cannot read Missouri's program itself.
    expect(
      (
        await t.request({
          method: 'GET',
          url: `/api/v1/agencies/ks-ksde/programs/${shared.id}`,
          token: ksOfficer.token,
        })
      ).status,
    ).toBe(404);
  });

  it('withdraws the template when the program stops being shareable', async () => {
    const program = await createProgram(t, 'mo-dese', moOfficer, {
      code: 'MO-UNSHARE',
      shareable: true,
    });
    await publishProgram(t, 'mo-dese', moOfficer, program.id);
    const listed = async () =>
      (
        await t.request({
          method: 'GET',
          url: '/api/v1/agencies/ks-ksde/program-templates?search=MO-UNSHARE',
          token: ksOfficer.token,
        })
      ).json().items.length;
    expect(await listed()).toBe(1);
    await t.request({
      method: 'PATCH',
      url: `/api/v1/agencies/mo-dese/programs/${program.id}`,
      token: moOfficer.token,
      headers: { 'if-match': '"v2"' },
      payload: { shareable: false },
    });
    expect(await listed()).toBe(0);
  });

  it("does not let one agency alter another agency's template, even with direct SQL as the app role", async () => {
    const guarded = await createProgram(t, 'mo-dese', moOfficer, {
      code: 'MO-GUARDED',
      shareable: true,
    });
    await publishProgram(t, 'mo-dese', moOfficer, guarded.id);
    const app = await connect(t.db.appUrl);
    try {
      await app.query('BEGIN');
      await app.query(`SELECT set_config('app.agency_id', $1, true)`, [
        await agencyId(t, 'ks-ksde'),
      ]);
      const seen = await app.query(
        `SELECT count(*)::int AS n FROM program_templates WHERE code = 'MO-GUARDED'`,
      );
      expect(seen.rows[0].n).toBe(1); // readable by all
      const updated = await app.query(
        `UPDATE program_templates SET title = 'hijacked' WHERE code = 'MO-GUARDED'`,
      );
      expect(updated.rowCount).toBe(0);
      const deleted = await app.query(`DELETE FROM program_templates WHERE code = 'MO-GUARDED'`);
      expect(deleted.rowCount).toBe(0);
      await app.query('SAVEPOINT forged');
      await expect(
        app.query(
          `INSERT INTO program_templates (source_agency_id, source_agency_code, source_program_id, code, title, kind, definition)
           VALUES ($1, 'mo-dese', gen_random_uuid(), 'FAKE', 'Fake', 'competitive', '{}')`,
          [await agencyId(t, 'mo-dese')],
        ),
      ).rejects.toThrow(/row-level security/);
      await app.query('ROLLBACK TO SAVEPOINT forged');
      // Programs themselves stay behind the wall.
      const programs = await app.query(
        `SELECT count(*)::int AS n FROM programs WHERE code = 'MO-GUARDED'`,
      );
      expect(programs.rows[0].n).toBe(0);
      await app.query('ROLLBACK');
    } finally {
      await app.end();
    }
  });

  it('shares a shareable program only once it is published: a draft is invisible and cannot be cloned', async () => {
    const draft = await createProgram(t, 'mo-dese', moOfficer, {
      code: 'MO-DRAFT-SHARE',
      title: 'Missouri Unfinished Draft',
      shareable: true,
    });
    const search = () =>
      t.request({
        method: 'GET',
        url: '/api/v1/agencies/ks-ksde/program-templates?search=MO-DRAFT-SHARE',
        token: ksOfficer.token,
      });
    const snapshots = async () => {
      const app = await connect(t.db.appUrl);
      try {
        const { rows } = await app.query(
          `SELECT id FROM program_templates WHERE source_program_id = $1`,
          [draft.id],
        );
        return rows.map((r: { id: string }) => r.id);
      } finally {
        await app.end();
      }
    };
    const ksPrograms = async () => {
      const list = await t.request({
        method: 'GET',
        url: '/api/v1/agencies/ks-ksde/programs?limit=100',
        token: ksOfficer.token,
      });
      return list.json().items.length as number;
    };

    // Kansas sees nothing of the draft: not in the list, no snapshot to clone, not by its id.
    const listed = await search();
    expect(listed.status).toBe(200);
    expect(listed.json().items).toEqual([]);
    expect(await snapshots()).toEqual([]);
    const before = await ksPrograms();
    const clone = await t.request({
      method: 'POST',
      url: `/api/v1/agencies/ks-ksde/program-templates/${draft.id}/clone`,
      token: ksOfficer.token,
      payload: { code: 'KS-STOLEN-DRAFT' },
    });
    expect(clone.status).toBe(404);
    // Edits to the draft keep it unshared.
    const edited = await t.request({
      method: 'PATCH',
      url: `/api/v1/agencies/mo-dese/programs/${draft.id}`,
      token: moOfficer.token,
      headers: { 'if-match': '"v1"' },
      payload: { description: 'Still drafting' },
    });
    expect(edited.status).toBe(200);
    expect((await search()).json().items).toEqual([]);
    expect(await ksPrograms()).toBe(before);

    // Published: shared, and Kansas may clone it.
    await publishProgram(t, 'mo-dese', moOfficer, draft.id);
    const shared = (await search()).json().items;
    expect(shared).toEqual([
      expect.objectContaining({ code: 'MO-DRAFT-SHARE', sourceAgencyCode: 'mo-dese' }),
    ]);
    const cloned = await t.request({
      method: 'POST',
      url: `/api/v1/agencies/ks-ksde/program-templates/${shared[0].id}/clone`,
      token: ksOfficer.token,
      payload: { code: 'KS-FROM-PUBLISHED' },
    });
    expect(cloned.status).toBe(201);
  });

  it('lets only program officers and agency admins see and clone templates', async () => {
    const reviewer = await signedInStaff(t, 'ks-ksde', ['reviewer']);
    const res = await t.request({
      method: 'GET',
      url: '/api/v1/agencies/ks-ksde/program-templates',
      token: reviewer.token,
    });
    expect(res.status).toBe(403);
  });
});
