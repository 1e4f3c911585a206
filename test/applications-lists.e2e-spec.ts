import { asAgencyOwner, signedInStaff } from './factories/identity';
import {
  applicantTeam,
  applicationsUrl,
  completeAnswers,
  createOrganization,
  openProgram,
  putBudget,
  readyApplication,
  SAMPLE_PDF,
  saveApplication,
  setClock,
  STANDARD_BUDGET,
  startApplication,
  submitApplication,
  uploadAttachment,
} from './factories/grants';
import { parseCsv } from '../src/core/csv/csv';
import { useTestApp } from './support/use-test-app';

describe('applications: lists for applicants and staff, and the CSV export', () => {
  const t = useTestApp();

  it('filters a program’s applications by status, organization and submission date, page by page', async () => {
    setClock(t, '2026-03-02T15:00:00Z');
    const { officer, program } = await openProgram(t, 'mo-dese', {
      opensAt: '2026-03-01T08:00',
      closesAt: '2026-03-31T17:00',
    });
    const made: Array<{
      organizationId: string;
      applicationId: string;
      team: Awaited<ReturnType<typeof applicantTeam>>;
    }> = [];
    for (const day of ['03', '10', '20']) {
      const organization = await createOrganization(t, 'mo-dese');
      const team = await applicantTeam(t, 'mo-dese', organization.id);
      const app = await startApplication(
        t,
        'mo-dese',
        organization.id,
        team.grantWriter,
        program.id,
      );
      made.push({ organizationId: organization.id, applicationId: app.id, team });
      if (day !== '20') {
        await completeParts(organization.id, app.id, team);
        setClock(t, `2026-03-${day}T23:30:00Z`); // 18:30 local: still the same day in Missouri
        expect(
          (await submitApplication(t, 'mo-dese', organization.id, app.id, team.representative))
            .status,
        ).toBe(201);
        setClock(t, '2026-03-02T15:00:00Z');
      }
    }

    const list = async (query: string) => {
      const res = await t.request({
        method: 'GET',
        url: `/api/v1/agencies/mo-dese/programs/${program.id}/applications?${query}`,
        token: officer.token,
      });
      expect(res.status).toBe(200);
      return res.json();
    };
    expect((await list('')).items).toHaveLength(3);
    expect((await list('status=submitted')).items.map((a: { id: string }) => a.id).sort()).toEqual(
      [made[0].applicationId, made[1].applicationId].sort(),
    );
    expect(
      (await list(`organizationId=${made[2].organizationId}`)).items.map(
        (a: { status: string }) => a.status,
      ),
    ).toEqual(['draft']);
    // Dates are agency dates: 2026-03-03 means that day in Chicago, 18:30 local included.
    expect(
      (await list('submittedFrom=2026-03-03&submittedTo=2026-03-03')).items.map(
        (a: { id: string }) => a.id,
      ),
    ).toEqual([made[0].applicationId]);
    expect((await list('submittedFrom=2026-03-04')).items.map((a: { id: string }) => a.id)).toEqual(
      [made[1].applicationId],
    );

    const pages: string[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const page = await list(`limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.items.length).toBeLessThanOrEqual(1);
      pages.push(...page.items.map((a: { id: string }) => a.id));
      cursor = page.nextCursor;
    }
    expect(pages).toEqual([...made].reverse().map((m) => m.applicationId));
    const badCursor = await t.request({
      method: 'GET',
      url: `/api/v1/agencies/mo-dese/programs/${program.id}/applications?cursor=not-a-cursor`,
      token: officer.token,
    });
    expect(badCursor.status).toBe(400);
  });

  /** Answers, a budget and the required attachment, as readyApplication makes them. */
  async function completeParts(
    organizationId: string,
    applicationId: string,
    team: Awaited<ReturnType<typeof applicantTeam>>,
  ) {
    expect(
      (
        await saveApplication(t, 'mo-dese', organizationId, applicationId, team.grantWriter, {
          answers: completeAnswers(),
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await putBudget(
          t,
          'mo-dese',
          organizationId,
          applicationId,
          team.grantWriter,
          STANDARD_BUDGET,
        )
      ).status,
    ).toBe(200);
    expect(
      (
        await uploadAttachment(t, 'mo-dese', organizationId, applicationId, team.grantWriter, {
          filename: 'narrative.pdf',
          content: SAMPLE_PDF,
          requirementKey: 'budgetNarrative',
        })
      ).status,
    ).toBe(201);
  }

  it("shows applicants only their own organization's applications", async () => {
    const a = await readyApplication(t, 'mo-dese');
    const b = await readyApplication(t, 'mo-dese');
    const own = await t.request({
      method: 'GET',
      url: applicationsUrl('mo-dese', a.organization.id),
      token: a.team.grantWriter.token,
    });
    expect(own.json().items.map((x: { id: string }) => x.id)).toEqual([a.application.id]);
    expect(own.json().items[0]).not.toHaveProperty('answers');
    const foreign = await t.request({
      method: 'GET',
      url: applicationsUrl('mo-dese', a.organization.id, b.application.id),
      token: a.team.grantWriter.token,
    });
    expect(foreign.status).toBe(404);
    const otherOrg = await t.request({
      method: 'GET',
      url: applicationsUrl('mo-dese', b.organization.id),
      token: a.team.grantWriter.token,
    });
    expect(otherOrg.status).toBe(403);
    const staffRoute = await t.request({
      method: 'GET',
      url: `/api/v1/agencies/mo-dese/programs/${a.program.id}/applications`,
      token: a.team.grantWriter.token,
    });
    expect(staffRoute.status).toBe(403);
  });

  it('streams a CSV export across many keyset pages, with formulas neutralised', async () => {
    const { officer, program, organization, application } = await readyApplication(t, 'mo-dese');
    await asAgencyOwner(t, 'mo-dese', async (client, agencyId) => {
      await client.query(
        `UPDATE applications SET project_title = '=HYPERLINK("http://x")' WHERE id = $1`,
        [application.id],
      );
      await client.query(
        `INSERT INTO applications (agency_id, program_id, organization_id, form_version, status, amount_requested, project_title, created_at)
         SELECT $1, $2, $3, 1, 'draft', (g * 10)::numeric(14,2), 'Bulk ' || g, now() - g * interval '1 second'
           FROM generate_series(1, 1104) AS g`,
        [agencyId, program.id, organization.id],
      );
    });
    const res = await t.request({
      method: 'GET',
      url: `/api/v1/agencies/mo-dese/programs/${program.id}/applications/export.csv`,
      token: officer.token,
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toContain(
      `filename="applications-${program.code}.csv"`,
    );
    const records = parseCsv(res.body);
    expect(records[0].fields).toEqual([
      'application_id',
      'organization_id',
      'organization_name',
      'status',
      'project_title',
      'amount_requested',
      'budget_total',
      'submission_count',
      'submitted_at_utc',
      'submitted_at_local',
      'created_at_utc',
    ]);
    expect(records).toHaveLength(1 + 1105);
    expect(new Set(records.slice(1).map((r) => r.fields[0])).size).toBe(1105);
    const mine = records.find((r) => r.fields[0] === application.id)!;
    expect(mine.fields.slice(2, 8)).toEqual([
      organization.legalName,
      'draft',
      `'=HYPERLINK("http://x")`,
      '100000.00',
      '100000.00',
      '0',
    ]);

    const filtered = await t.request({
      method: 'GET',
      url: `/api/v1/agencies/mo-dese/programs/${program.id}/applications/export.csv?status=submitted`,
      token: officer.token,
    });
    expect(parseCsv(filtered.body)).toHaveLength(1);

    const reviewer = await signedInStaff(t, 'mo-dese', ['reviewer']);
    const refused = await t.request({
      method: 'GET',
      url: `/api/v1/agencies/mo-dese/programs/${program.id}/applications/export.csv`,
      token: reviewer.token,
    });
    expect(refused.status).toBe(403);
  });
});
