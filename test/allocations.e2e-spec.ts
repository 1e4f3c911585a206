import { FundingDecisionsReader } from '../src/reviews/decisions/funding-decisions-reader';
import { AgencyDirectory } from '../src/agencies/agency-directory';
import { FinalAllocations } from '../src/allocations/final-allocations';
import { asAgencyOwner, signedInOrganizationMember, signedInStaff } from './factories/identity';
import {
  applicationsUrl,
  completeAnswers,
  createOrganization,
  multipartFile,
  openProgram,
  putBudget,
  saveApplication,
  startApplication,
  STANDARD_BUDGET,
  submitApplication,
} from './factories/grants';
import { call, inTenant } from './factories/reviews';
import { useTestApp } from './support/use-test-app';

/**
 * Formula allocations over HTTP on PostgreSQL as the app role: configuration, a CSV of inputs
 * (districts named by state district code or NCES id), computation checked against hand
 * computation (hold-harmless included), a malformed file refused with its lines named,
 * preliminary publication, a revision, and the final allocation.
 */
describe('formula allocations', () => {
  const t = useTestApp();
  const MO = 'mo-dese';

  it('computes allocations from a CSV by hand-checked shares, refuses a malformed file by line, publishes preliminary then final', async () => {
    const { officer, program } = await openProgram(t, MO, {
      kind: 'formula',
      title: 'Title I-A Formula Allocation',
      fundsAvailable: '100000.00',
      awardFloor: null,
      awardCeiling: null,
      requiredAttachments: [],
    });
    const admin = await signedInStaff(t, MO, ['agency_admin']);
    const a = await createOrganization(t, MO, { stateDistrictCode: '048-901' }, admin);
    const b = await createOrganization(t, MO, { stateDistrictCode: '048-902' }, admin);
    const c = await createOrganization(t, MO, { stateDistrictCode: '048-903' }, admin);
    const base = `/api/v1/agencies/${MO}/programs/${program.id}/allocations`;

    const formula = await call(t, officer, 'PUT', `${base}/formula`, {
      factors: { low_income: '1' },
      holdHarmlessPercent: '85',
    });
    expect(formula.status).toBe(200);
    expect(formula.json()).toMatchObject({ csvHeader: 'identifier,low_income,prior_allocation' });

    // A malformed file: an unknown district on line 3, a negative count on line 4. Nothing is kept.
    const malformed = await call(t, officer, 'POST', `${base}/inputs`, {
      csv: [
        'identifier,low_income,prior_allocation',
        '048-901,10,60000.00',
        '999-999,30,',
        `${c.ncesLeaId},-60,`,
      ].join('\n'),
      filename: 'title-i-2027.csv',
    });
    expect(malformed.status).toBe(422);
    expect(malformed.headers['content-type']).toContain('application/problem+json');
    expect(malformed.json()).toMatchObject({
      code: 'allocation.input_invalid',
      problems: [
        { line: 3, message: 'no organization of this agency has the identifier "999-999"' },
        { line: 4, message: 'low_income must be a whole number of 0 or more (got "-60")' },
      ],
    });
    expect((await call(t, officer, 'GET', `${base}/inputs`)).json().items).toEqual([]);

    // The same data, correct, as a file upload; C is named by its NCES id.
    const csv = [
      'identifier,low_income,prior_allocation',
      '048-901,10,60000.00',
      '048-902,30,',
      `${c.ncesLeaId},60,`,
    ].join('\r\n');
    const upload = multipartFile('title-i-2027.csv', Buffer.from(csv), 'text/csv');
    const uploaded = await t.request({
      method: 'POST',
      url: `${base}/inputs`,
      token: officer.token,
      headers: upload.headers,
      payload: upload.payload,
    });
    expect(uploaded.status).toBe(201);
    expect(uploaded.json()).toMatchObject({ rows: 3, filename: 'title-i-2027.csv' });

    // By hand: 100,000.00 shared 10:30:60 is 10,000 / 30,000 / 60,000. A was paid 60,000.00 last
    // year and is held harmless at 85% = 51,000.00. The other 49,000.00 go 30:60 to B and C:
    // 16,333.333... and 32,666.666...; the leftover cent goes to C (larger remainder).
    const run1 = await call(t, officer, 'POST', `${base}/runs`, {});
    expect(run1.status).toBe(201);
    const amounts = (run: { json(): { allocations: Array<Record<string, unknown>> } }) =>
      run
        .json()
        .allocations.map((x) => [x.organizationId, x.proportionalShare, x.amount, x.constraint]);
    expect(amounts(run1)).toEqual([
      [a.id, '10000.00', '51000.00', 'hold-harmless'],
      [b.id, '30000.00', '16333.33', null],
      [c.id, '60000.00', '32666.67', null],
    ]);
    expect(run1.json()).toMatchObject({ number: 1, status: 'computed', allocated: '100000.00' });

    // Preliminary: the district sees its figure.
    const preliminary = await call(t, officer, 'POST', `${base}/runs/${run1.json().id}/publish`, {
      stage: 'preliminary',
    });
    expect(preliminary.json().status).toBe('preliminary');
    const districtA = await signedInOrganizationMember(t, MO, a.id, ['org_admin']);
    const seen = await call(
      t,
      districtA,
      'GET',
      `/api/v1/agencies/${MO}/organizations/${a.id}/allocations`,
    );
    expect(seen.json().items).toEqual([
      expect.objectContaining({ programId: program.id, stage: 'preliminary', amount: '51000.00' }),
    ]);
    expect((await call(t, districtA, 'GET', `${base}/runs`)).status).toBe(403);

    // Revised counts (B corrected to 40): A is still held at 51,000.00; 49,000.00 go 40:60.
    const revised = await call(t, officer, 'POST', `${base}/inputs`, {
      csv: `identifier,low_income,prior_allocation\n048-901,10,60000.00\n048-902,40,\n048-903,60,\n`,
    });
    expect(revised.status).toBe(201);
    const run2 = await call(t, officer, 'POST', `${base}/runs`, {});
    expect(amounts(run2)).toEqual([
      [a.id, '9090.91', '51000.00', 'hold-harmless'],
      [b.id, '36363.64', '19600.00', null],
      [c.id, '54545.45', '29400.00', null],
    ]);

    // Final: only the latest run, once; the earlier preliminary is superseded.
    const olderFinal = await call(t, officer, 'POST', `${base}/runs/${run1.json().id}/publish`, {
      stage: 'final',
    });
    expect(olderFinal.json().code).toBe('allocation.run_not_publishable');
    const final = await call(t, officer, 'POST', `${base}/runs/${run2.json().id}/publish`, {
      stage: 'final',
    });
    expect(final.json()).toMatchObject({ status: 'final', number: 2 });
    const runs = (await call(t, officer, 'GET', `${base}/runs`)).json().items;
    expect(runs.map((r: { number: number; status: string }) => [r.number, r.status])).toEqual([
      [2, 'final'],
      [1, 'superseded'],
    ]);
    const afterFinal = await call(t, officer, 'POST', `${base}/runs`, {});
    expect(afterFinal.status).toBe(409);
    expect(afterFinal.json().code).toBe('allocation.final_published');
    const audits = await asAgencyOwner(t, MO, (client) =>
      client.query(
        `SELECT action FROM audit_events WHERE action LIKE 'allocation.%' ORDER BY occurred_at, action`,
      ),
    );
    expect(audits.rows.map((r) => r.action)).toEqual(
      expect.arrayContaining(['allocation.inputs_uploaded', 'allocation.published_final']),
    );

    // Awards read the final allocation; the final amount caps the district's budget.
    const finalA = final
      .json()
      .allocations.find((x: { organizationId: string }) => x.organizationId === a.id);
    const reader = t.app.get(FundingDecisionsReader);
    const read = await inTenant(t, MO, () => reader.getFinalAllocation(finalA.id));
    expect(read).toMatchObject({ programId: program.id, organizationId: a.id, amount: '51000.00' });
    expect(read.publishedAt).toBeInstanceOf(Date);
    const preliminaryA = run1.json().allocations[0].id;
    await expect(
      inTenant(t, MO, () => reader.getFinalAllocation(preliminaryA)),
    ).rejects.toMatchObject({
      code: 'allocation.not_found',
    });
    const cap = await inTenant(t, MO, () => t.app.get(FinalAllocations).capFor(program.id, b.id));
    expect(cap).toBe('19600.00');

    // District B may not budget more than its 19,600.00: submission names the cap.
    const writer = await signedInOrganizationMember(t, MO, b.id, ['authorized_representative']);
    const draft = await startApplication(t, MO, b.id, writer, program.id);
    await saveApplication(t, MO, b.id, draft.id, writer, { answers: completeAnswers() });
    expect((await putBudget(t, MO, b.id, draft.id, writer, STANDARD_BUDGET)).status).toBe(200);
    const overCap = await submitApplication(t, MO, b.id, draft.id, writer);
    expect(overCap.status).toBe(422);
    expect(overCap.json().errors).toContainEqual({
      pointer: '/amountRequested',
      detail: "must be at most the organization's final allocation of 19600.00",
    });
    const withinCap = await putBudget(t, MO, b.id, draft.id, writer, {
      amountRequested: '19600.00',
      lines: [
        { functionCode: '1000', objectCode: '100', description: 'Tutors', amount: '19600.00' },
      ],
    });
    expect(withinCap.status).toBe(200);
    expect((await submitApplication(t, MO, b.id, draft.id, writer)).status).toBe(201);
    const submitted = await call(t, writer, 'GET', applicationsUrl(MO, b.id, draft.id));
    expect(submitted.json().status).toBe('submitted');
  });

  it('refuses a formula on a competitive program and names bad weights', async () => {
    const { officer, program } = await openProgram(t, MO, { requiredAttachments: [] });
    const base = `/api/v1/agencies/${MO}/programs/${program.id}/allocations`;
    const competitive = await call(t, officer, 'PUT', `${base}/formula`, { factors: { x: '1' } });
    expect(competitive.json().code).toBe('allocation.not_formula_program');

    const { program: formula } = await openProgram(
      t,
      MO,
      { kind: 'formula', awardCeiling: null, requiredAttachments: [] },
      officer,
    );
    const bad = await call(
      t,
      officer,
      'PUT',
      `/api/v1/agencies/${MO}/programs/${formula.id}/allocations/formula`,
      { factors: { enrollment: '0', Low: '1' } },
    );
    expect(bad.status).toBe(422);
    expect(bad.json().errors.map((e: { pointer: string }) => e.pointer)).toEqual([
      '/factors/enrollment',
      '/factors/Low',
    ]);
    const early = await call(
      t,
      officer,
      'POST',
      `/api/v1/agencies/${MO}/programs/${formula.id}/allocations/runs`,
      {},
    );
    expect(early.json().code).toBe('allocation.formula_not_configured');
  });

  it("refuses every program-officer allocation route when the agency's file switches formula allocations off", async () => {
    const { officer, program } = await openProgram(t, MO, {
      kind: 'formula',
      awardCeiling: null,
      requiredAttachments: [],
    });
    const base = `/api/v1/agencies/${MO}/programs/${program.id}/allocations`;
    const auditCount = async () =>
      (
        await asAgencyOwner(t, MO, (client) =>
          client.query(
            `SELECT count(*)::int AS n FROM audit_events WHERE action LIKE 'allocation.%'`,
          ),
        )
      ).rows[0].n as number;
    const auditBefore = await auditCount();
    // As if mo-dese.yaml said `features: { formulaAllocations: false }` (the loaded configuration
    // is frozen; the validation spec checks the YAML field itself).
    const directory = t.app.get(AgencyDirectory);
    const configOf = directory.configOf.bind(directory);
    const spy = jest.spyOn(directory, 'configOf').mockImplementation((id) => {
      const config = configOf(id);
      return { ...config, features: { ...config.features, formulaAllocations: false } };
    });
    try {
      const attempts = [
        await call(t, officer, 'GET', `${base}/formula`),
        await call(t, officer, 'PUT', `${base}/formula`, { factors: { low_income: '1' } }),
        await call(t, officer, 'GET', `${base}/inputs`),
        await call(t, officer, 'POST', `${base}/inputs`, {
          csv: 'identifier,low_income,prior_allocation\n048-901,10,\n',
          filename: 'x.csv',
        }),
        await call(t, officer, 'POST', `${base}/runs`, {}),
        await call(t, officer, 'GET', `${base}/runs`),
      ];
      for (const res of attempts) {
        expect(res.status).toBe(403);
        expect(res.json().code).toBe('allocation.formulas_disabled');
      }
    } finally {
      spy.mockRestore();
    }
    // Nothing was written: no formula, no inputs, no audit rows.
    expect((await call(t, officer, 'GET', `${base}/formula`)).json()).toMatchObject({
      configured: false,
    });
    expect((await call(t, officer, 'GET', `${base}/inputs`)).json().items).toEqual([]);
    expect(await auditCount()).toBe(auditBefore);
  });
});
