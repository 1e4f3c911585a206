import {
  agencyId,
  asAgencyOwner,
  signedInOrganizationMember,
  signedInStaff,
  SignedIn,
} from './factories/identity';
import { connect } from './support/database';
import {
  createOrganization,
  createProgram,
  programBody,
  publishProgram,
  STANDARD_FORM,
} from './factories/grants';
import { useTestApp } from './support/use-test-app';

describe('programs: definition, forms, lifecycle and the public list', () => {
  const t = useTestApp();
  let officer: SignedIn;
  const url = (path = '') => `/api/v1/agencies/mo-dese/programs${path}`;

  beforeAll(async () => {
    officer = await signedInStaff(t, 'mo-dese', ['program_officer']);
  });

  it('creates a program with decimal money and a window read in the agency time zone', async () => {
    const res = await t.request({
      method: 'POST',
      url: url(),
      token: officer.token,
      payload: programBody(t, {
        fundsAvailable: '1500000',
        awardCeiling: '250000.5',
        opensAt: '2026-01-15T08:00', // CST (UTC-6)
        closesAt: '2026-03-31T17:00', // CDT (UTC-5)
        graceMinutes: 10,
      }),
    });
    expect(res.status).toBe(201);
    expect(res.headers.etag).toBe('"v1"');
    expect(res.json()).toMatchObject({
      status: 'draft',
      fundsAvailable: '1500000.00',
      awardCeiling: '250000.50',
      timeZone: 'America/Chicago',
      opensAt: '2026-01-15T14:00:00.000Z',
      closesAt: '2026-03-31T22:00:00.000Z',
      opensAtLocal: '2026-01-15T08:00:00',
      closesAtLocal: '2026-03-31T17:00:00',
      graceMinutes: 10,
      effectiveGraceMinutes: 10,
      acceptsSubmissionsUntil: '2026-03-31T22:10:00.000Z',
    });
    const stored = await asAgencyOwner(t, 'mo-dese', (c) =>
      c.query(
        `SELECT pg_typeof(funds_available)::text AS type, funds_available::text AS value FROM programs WHERE id = $1`,
        [res.json().id],
      ),
    );
    expect(stored.rows[0]).toEqual({ type: 'numeric', value: '1500000.00' });
  });

  it('refuses a broken form definition, naming each problem by JSON Pointer', async () => {
    const res = await t.request({
      method: 'POST',
      url: url(),
      token: officer.token,
      payload: programBody(t, {
        form: {
          sections: [
            {
              key: 'a',
              title: 'A',
              questions: [
                { key: 'pick', type: 'choice', label: 'Pick', options: [] },
                { key: 'pick', type: 'text', label: 'Again' },
                { key: 'when', type: 'calendar', label: 'When' },
              ],
            },
          ],
        },
        closesAt: '2020-01-01T00:00',
      }),
    });
    expect(res.status).toBe(422);
    expect(res.json().code).toBe('program.invalid');
    expect(res.json().errors.map((e: { pointer: string }) => e.pointer)).toEqual(
      expect.arrayContaining([
        '/form/sections/0/questions/0/options',
        '/form/sections/0/questions/2/type',
      ]),
    );
  });

  it("keeps budget codes within the agency's configuration (Missouri has no object code 800)", async () => {
    const mo = await t.request({
      method: 'POST',
      url: url(),
      token: officer.token,
      payload: programBody(t, {
        budgetRules: {
          allowedFunctionCodes: ['1000'],
          allowedObjectCodes: ['100', '800'],
          indirectCostCapPercent: '101',
        },
      }),
    });
    expect(mo.status).toBe(422);
    expect(mo.json().errors.map((e: { pointer: string }) => e.pointer)).toEqual([
      '/budgetRules/indirectCostCapPercent',
    ]);
    const codes = await t.request({
      method: 'POST',
      url: url(),
      token: officer.token,
      payload: programBody(t, { budgetRules: { allowedObjectCodes: ['100', '800'] } }),
    });
    expect(codes.json().errors).toEqual([
      {
        pointer: '/budgetRules/allowedObjectCodes/1',
        detail: '800 is not an object code this agency allows',
      },
    ]);
    const ks = await t.request({
      method: 'POST',
      url: '/api/v1/agencies/ks-ksde/programs',
      token: (await signedInStaff(t, 'ks-ksde', ['program_officer'])).token,
      payload: programBody(t, { budgetRules: { allowedObjectCodes: ['100', '800'] } }),
    });
    expect(ks.status).toBe(201);
  });

  it('publishes only a complete program, then versions its form instead of editing it in place', async () => {
    const incomplete = await createProgram(t, 'mo-dese', officer, {
      form: null,
      fundsAvailable: null,
      rubric: null,
    });
    const refused = await t.request({
      method: 'POST',
      url: url(`/${incomplete.id}/publish`),
      token: officer.token,
    });
    expect(refused.status).toBe(422);
    expect(refused.json().errors.map((e: { pointer: string }) => e.pointer)).toEqual([
      '/fundsAvailable',
      '/form',
      '/rubric',
    ]);

    const program = await createProgram(t, 'mo-dese', officer);
    const published = await publishProgram(t, 'mo-dese', officer, program.id);
    expect(published).toMatchObject({ status: 'published', formVersion: 1 });

    const changedForm = {
      sections: [
        ...STANDARD_FORM.sections,
        { key: 'extra', title: 'Extra', questions: [{ key: 'note', type: 'text', label: 'Note' }] },
      ],
    };
    const edited = await t.request({
      method: 'PATCH',
      url: url(`/${program.id}`),
      token: officer.token,
      headers: { 'if-match': published.version ? `"v${published.version}"` : '' },
      payload: { form: changedForm, title: 'Summer Literacy Grants (revised)' },
    });
    expect(edited.status).toBe(200);
    expect(edited.json()).toMatchObject({
      formVersion: 2,
      title: 'Summer Literacy Grants (revised)',
    });
    const v1 = await t.request({
      method: 'GET',
      url: url(`/${program.id}/form-versions/1`),
      token: officer.token,
    });
    expect(v1.json().definition).toEqual(STANDARD_FORM);
    const versions = await t.request({
      method: 'GET',
      url: url(`/${program.id}/form-versions`),
      token: officer.token,
    });
    expect(versions.json().items.map((v: { version: number }) => v.version)).toEqual([1, 2]);

    // The same form again makes no new version.
    const same = await t.request({
      method: 'PATCH',
      url: url(`/${program.id}`),
      token: officer.token,
      headers: { 'if-match': String(edited.headers.etag) },
      payload: { form: changedForm },
    });
    expect(same.json().formVersion).toBe(2);

    // The app role may only insert and read published form versions.
    const app = await connect(t.db.appUrl);
    try {
      await app.query('BEGIN');
      await app.query(`SELECT set_config('app.agency_id', $1, true)`, [
        await agencyId(t, 'mo-dese'),
      ]);
      await expect(
        app.query(`UPDATE program_form_versions SET definition = '{}' WHERE program_id = $1`, [
          program.id,
        ]),
      ).rejects.toThrow(/permission denied for table program_form_versions/);
      await app.query('ROLLBACK');
    } finally {
      await app.end();
    }
  });

  it('refuses a stale edit (412) and an edit without If-Match (428)', async () => {
    const program = await createProgram(t, 'mo-dese', officer);
    const first = await t.request({
      method: 'PATCH',
      url: url(`/${program.id}`),
      token: officer.token,
      headers: { 'if-match': '"v1"' },
      payload: { title: 'First' },
    });
    expect(first.status).toBe(200);
    const stale = await t.request({
      method: 'PATCH',
      url: url(`/${program.id}`),
      token: officer.token,
      headers: { 'if-match': '"v1"' },
      payload: { title: 'Second' },
    });
    expect(stale.status).toBe(412);
    expect(stale.json()).toMatchObject({ code: 'program.stale', currentEtag: '"v2"' });
    const missing = await t.request({
      method: 'PATCH',
      url: url(`/${program.id}`),
      token: officer.token,
      payload: { title: 'Third' },
    });
    expect(missing.status).toBe(428);
  });

  it('moves through draft -> published -> closed -> archived and refuses other moves', async () => {
    const program = await createProgram(t, 'mo-dese', officer);
    expect(
      (
        await t.request({ method: 'POST', url: url(`/${program.id}/close`), token: officer.token })
      ).json(),
    ).toMatchObject({
      code: 'program.invalid_transition',
      from: 'draft',
      to: 'closed',
    });
    await publishProgram(t, 'mo-dese', officer, program.id);
    const closed = await t.request({
      method: 'POST',
      url: url(`/${program.id}/close`),
      token: officer.token,
    });
    expect(closed.json().status).toBe('closed');
    const archived = await t.request({
      method: 'POST',
      url: url(`/${program.id}/archive`),
      token: officer.token,
    });
    expect(archived.json().status).toBe('archived');
    const edit = await t.request({
      method: 'PATCH',
      url: url(`/${program.id}`),
      token: officer.token,
      headers: { 'if-match': String(archived.headers.etag) },
      payload: { title: 'x' },
    });
    expect(edit.json().code).toBe('program.not_editable');
  });

  it('lists published programs publicly, with search and filters, and nothing of other agencies', async () => {
    const literacy = await createProgram(t, 'mo-dese', officer, {
      title: 'Rural Literacy Expansion',
      kind: 'competitive',
      fiscalYear: 2028,
    });
    await publishProgram(t, 'mo-dese', officer, literacy.id);
    const formula = await createProgram(t, 'mo-dese', officer, {
      title: 'Title I Formula',
      kind: 'formula',
      fiscalYear: 2028,
      rubric: null,
    });
    await publishProgram(t, 'mo-dese', officer, formula.id);
    const draft = await createProgram(t, 'mo-dese', officer, {
      title: 'Rural Literacy Draft',
      fiscalYear: 2028,
    });
    const ksOfficer = await signedInStaff(t, 'ks-ksde', ['program_officer']);
    const kansas = await createProgram(t, 'ks-ksde', ksOfficer, {
      title: 'Rural Literacy Kansas',
      fiscalYear: 2028,
    });
    await publishProgram(t, 'ks-ksde', ksOfficer, kansas.id);

    const anonymous = await t.request({
      method: 'GET',
      url: url('/published?search=rural%20literacy&fiscalYear=2028'),
    });
    expect(anonymous.status).toBe(200);
    const ids = anonymous.json().items.map((p: { id: string }) => p.id);
    expect(ids).toEqual([literacy.id]);
    expect(ids).not.toContain(draft.id);
    expect(anonymous.json().items[0]).not.toHaveProperty('rubric');

    const formulas = await t.request({
      method: 'GET',
      url: url('/published?kind=formula&fiscalYear=2028'),
    });
    expect(formulas.json().items.map((p: { id: string }) => p.id)).toEqual([formula.id]);

    const detail = await t.request({ method: 'GET', url: url(`/published/${literacy.id}`) });
    expect(detail.json().form).toEqual(STANDARD_FORM);
    expect((await t.request({ method: 'GET', url: url(`/published/${draft.id}`) })).status).toBe(
      404,
    );
    expect((await t.request({ method: 'GET', url: url(`/published/${kansas.id}`) })).status).toBe(
      404,
    );
  });

  it('pages the staff list with a keyset cursor', async () => {
    const po = await signedInStaff(t, 'ks-ksde', ['program_officer']);
    for (let i = 0; i < 5; i++)
      await createProgram(t, 'ks-ksde', po, { title: `Paged ${i}`, fiscalYear: 2031 });
    const seen: string[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const res = await t.request({
        method: 'GET',
        url: `/api/v1/agencies/ks-ksde/programs?fiscalYear=2031&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        token: po.token,
      });
      seen.push(...res.json().items.map((p: { title: string }) => p.title));
      cursor = res.json().nextCursor;
    }
    expect(seen).toEqual(['Paged 4', 'Paged 3', 'Paged 2', 'Paged 1', 'Paged 0']);
  });

  it('lets only program officers and agency admins manage programs', async () => {
    const reviewer = await signedInStaff(t, 'mo-dese', ['reviewer']);
    const asReviewer = await t.request({
      method: 'POST',
      url: url(),
      token: reviewer.token,
      payload: programBody(t),
    });
    expect(asReviewer.status).toBe(403);
    const organization = await createOrganization(t, 'mo-dese');
    const writer = await signedInOrganizationMember(t, 'mo-dese', organization.id, [
      'grant_writer',
    ]);
    expect(
      (
        await t.request({
          method: 'POST',
          url: url(),
          token: writer.token,
          payload: programBody(t),
        })
      ).status,
    ).toBe(403);
    expect((await t.request({ method: 'GET', url: url(), token: writer.token })).status).toBe(403);
    const ksOfficer = await signedInStaff(t, 'ks-ksde', ['program_officer']);
    expect((await t.request({ method: 'GET', url: url(), token: ksOfficer.token })).status).toBe(
      404,
    );
  });
});
