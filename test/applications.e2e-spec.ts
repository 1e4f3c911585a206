import { createHash, randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalJson } from '../src/core/idempotency/canonical-json';
import { agencyId, asAgencyOwner, signedInStaff, signedInUser } from './factories/identity';
import {
  applicantTeam,
  applicationsUrl,
  completeAnswers,
  currentEtag,
  organizationBody,
  programBody,
  putBudget,
  readyApplication,
  SAMPLE_PDF,
  saveApplication,
  setClock,
  STANDARD_BUDGET,
  startApplication,
  submitApplication,
  submittedApplication,
  uploadAttachment,
} from './factories/grants';
import { ApplicationRecords } from '../src/applications/application-records';
import { ApplicationBudget } from '../src/applications/budget/application-budget.service';
import { inAgency } from './factories/finance';
import { useTestApp } from './support/use-test-app';

/**
 * The applicant's path end to end, over real HTTP with real tokens, on real PostgreSQL as the
 * app role. Deadlines use the server's Clock service, set per test.
 */
describe('applications: from registration to a submitted application', () => {
  const t = useTestApp();

  /** What the database holds for an application, read as the owner within its agency. */
  async function stored(agencyCode: string, applicationId: string) {
    return asAgencyOwner(t, agencyCode, async (client) => {
      const app = await client.query(
        'SELECT status, version, submission_count FROM applications WHERE id = $1',
        [applicationId],
      );
      const submissions = await client.query(
        'SELECT count(*)::int AS n FROM application_submissions WHERE application_id = $1',
        [applicationId],
      );
      const audits = await client.query(
        `SELECT count(*)::int AS n FROM audit_events WHERE entity_id = $1 AND action IN ('application.submitted', 'application.resubmitted')`,
        [applicationId],
      );
      const keys = await client.query('SELECT count(*)::int AS n FROM idempotency_keys');
      return {
        ...app.rows[0],
        submissions: submissions.rows[0].n,
        submitAudits: audits.rows[0].n,
        idempotencyKeys: keys.rows[0].n,
      };
    });
  }

  /**
   * A district's whole path in one agency: a user registers the district, agency staff approve
   * it, the org admin adds colleagues, the grant writer drafts answers, budget and attachment,
   * the authorized representative certifies and submits, the program officer sees it.
   */
  async function walkDistrict(agencyCode: string, budgetLines: Array<Record<string, unknown>>) {
    // A program officer publishes a program open now.
    setClock(t, '2026-03-15T17:00:00Z');
    const officer = await signedInStaff(t, agencyCode, ['program_officer']);
    const created = await t.request({
      method: 'POST',
      url: `/api/v1/agencies/${agencyCode}/programs`,
      token: officer.token,
      payload: programBody(t, {
        opensAt: '2026-03-01T08:00',
        closesAt: '2026-03-31T17:00',
        budgetRules: { mustTotalRequested: true },
      }),
    });
    expect(created.status).toBe(201);
    expect(created.json()).toMatchObject({
      closesAtLocal: '2026-03-31T17:00:00',
      closesAt: '2026-03-31T22:00:00.000Z',
    });
    const published = await t.request({
      method: 'POST',
      url: `/api/v1/agencies/${agencyCode}/programs/${created.json().id}/publish`,
      token: officer.token,
    });
    expect(published.json()).toMatchObject({ status: 'published', formVersion: 1 });
    const programId = created.json().id as string;

    // Anyone can find it without logging in.
    const listed = await t.request({
      method: 'GET',
      url: `/api/v1/agencies/${agencyCode}/programs/published?search=literacy`,
    });
    expect(listed.json().items.map((p: { id: string }) => p.id)).toContain(programId);

    // A signed-in user with no role anywhere registers the district: pending, them as org admin.
    const registrant = await signedInUser(t);
    const registered = await t.request({
      method: 'POST',
      url: `/api/v1/agencies/${agencyCode}/organizations/registrations`,
      token: registrant.token,
      payload: organizationBody({ legalName: `${agencyCode} Unified District` }),
    });
    expect(registered.status).toBe(201);
    expect(registered.json().status).toBe('pending');
    const organizationId = registered.json().id as string;

    // Pending: not yet able to apply.
    const early = await t.request({
      method: 'POST',
      url: applicationsUrl(agencyCode, organizationId),
      token: registrant.token,
      payload: { programId },
    });
    expect(early.status).toBe(422);
    expect(early.json()).toMatchObject({
      code: 'application.not_eligible',
      errors: [{ pointer: '/organization/status' }],
    });

    const admin = await signedInStaff(t, agencyCode, ['agency_admin']);
    const approved = await t.request({
      method: 'POST',
      url: `/api/v1/agencies/${agencyCode}/organizations/${organizationId}/approve`,
      token: admin.token,
      payload: {},
    });
    expect(approved.json().status).toBe('active');

    // The org admin (the registrant) adds a colleague.
    const orgAdminToken = registrant.token;
    const invited = await t.request({
      method: 'POST',
      url: `/api/v1/agencies/${agencyCode}/organizations/${organizationId}/members`,
      token: orgAdminToken,
      payload: {
        email: `writer-${randomUUID().slice(0, 6)}@district.example`,
        name: 'Wren Writer',
        roles: ['grant_writer'],
      },
    });
    expect(invited.status).toBe(201);
    expect(invited.json()).toMatchObject({ roles: ['grant_writer'], invitationPending: true });

    const team = await applicantTeam(t, agencyCode, organizationId);
    const app = await startApplication(t, agencyCode, organizationId, team.grantWriter, programId);
    expect(app).toMatchObject({ status: 'draft', formVersion: 1, readiness: { canSubmit: false } });

    expect(
      (
        await saveApplication(t, agencyCode, organizationId, app.id, team.grantWriter, {
          answers: completeAnswers(),
        })
      ).status,
    ).toBe(200);
    const budget = await putBudget(t, agencyCode, organizationId, app.id, team.grantWriter, {
      amountRequested: '50000.00',
      lines: budgetLines,
    });
    expect(budget.status).toBe(200);
    expect(budget.json()).toMatchObject({ total: '50000.00', problems: [] });
    const upload = await uploadAttachment(t, agencyCode, organizationId, app.id, team.grantWriter, {
      filename: 'Budget narrative.pdf',
      content: SAMPLE_PDF,
      requirementKey: 'budgetNarrative',
    });
    expect(upload.status).toBe(201);
    expect(upload.json()).toMatchObject({
      contentType: 'application/pdf',
      sizeBytes: SAMPLE_PDF.length,
    });

    const ready = await t.request({
      method: 'GET',
      url: applicationsUrl(agencyCode, organizationId, app.id),
      token: team.grantWriter.token,
    });
    expect(ready.json().readiness).toEqual({ canSubmit: true, problems: [] });

    const submitted = await submitApplication(
      t,
      agencyCode,
      organizationId,
      app.id,
      team.representative,
    );
    expect(submitted.status).toBe(201);
    expect(submitted.json()).toMatchObject({
      status: 'submitted',
      submission: {
        number: 1,
        amountRequested: '50000.00',
        certification: { name: 'Pat Jones', userId: team.representative.user.id },
      },
    });

    // The program officer sees it in the program's list.
    const staffList = await t.request({
      method: 'GET',
      url: `/api/v1/agencies/${agencyCode}/programs/${programId}/applications?status=submitted`,
      token: officer.token,
    });
    expect(staffList.json().items).toEqual([
      expect.objectContaining({
        id: app.id,
        organizationName: `${agencyCode} Unified District`,
        status: 'submitted',
      }),
    ]);

    // ... and opens it: one hand-written statement reads what the entity services read.
    const seen = await t.request({
      method: 'GET',
      url: `/api/v1/agencies/${agencyCode}/programs/${programId}/applications/${app.id}`,
      token: officer.token,
    });
    expect(seen.status).toBe(200);
    expect(seen.json().attachments).toEqual([upload.json()]);
    const [lines, history] = await inAgency(t, agencyCode, async () => [
      await t.app.get(ApplicationBudget).lines(app.id),
      await t.app.get(ApplicationRecords).history(app.id),
    ]);
    expect(seen.json().budget.lines).toEqual(lines);
    expect(seen.json().history).toEqual(history);
    expect(history.map((h) => h.to)).toEqual(['draft', 'submitted']);
    return { programId, organizationId, applicationId: app.id as string, team };
  }

  it('walks a Missouri district from registration to a submitted application', async () => {
    await walkDistrict('mo-dese', [
      { functionCode: '1000', objectCode: '100', description: 'Teachers', amount: '40000.00' },
      { functionCode: '1000', objectCode: '600', description: 'Books', amount: '10000.00' },
    ]);
  });

  it('walks a Kansas district the same way under Kansas rules (object code 800 allowed there)', async () => {
    await walkDistrict('ks-ksde', [
      { functionCode: '1000', objectCode: '100', description: 'Teachers', amount: '40000.00' },
      { functionCode: '1000', objectCode: '800', description: 'Dues and fees', amount: '10000.00' },
    ]);
  });

  it('refuses object code 800 in Missouri, naming the line', async () => {
    setClock(t, '2026-03-15T17:00:00Z');
    const { organization, team, application } = await readyApplication(t, 'mo-dese');
    const res = await putBudget(t, 'mo-dese', organization.id, application.id, team.grantWriter, {
      lines: [
        { functionCode: '1000', objectCode: '100', amount: '100.00' },
        { functionCode: '1000', objectCode: '800', amount: '50.00' },
        { functionCode: '3000', objectCode: '600', amount: '50.00' },
      ],
    });
    expect(res.status).toBe(422);
    expect(res.json()).toMatchObject({ code: 'application.budget_invalid' });
    expect(res.json().errors.map((e: { pointer: string }) => e.pointer)).toEqual([
      '/lines/1/objectCode',
      '/lines/2/functionCode',
    ]);
    expect(res.json().errors[0].detail).toContain('line 2: object code 800 is not allowed');
    // The budget that was there is untouched.
    const after = await t.request({
      method: 'GET',
      url: `${applicationsUrl('mo-dese', organization.id, application.id)}/budget`,
      token: team.grantWriter.token,
    });
    expect(after.json().total).toBe('100000.00');
  });

  it('refuses to submit a budget that does not total the amount requested, naming the lines', async () => {
    setClock(t, '2026-03-15T17:00:00Z');
    const { organization, team, application } = await readyApplication(t, 'mo-dese');
    await putBudget(t, 'mo-dese', organization.id, application.id, team.grantWriter, {
      amountRequested: '100000.00',
      lines: STANDARD_BUDGET.lines.slice(0, 2),
    });
    const before = await stored('mo-dese', application.id);
    const res = await submitApplication(
      t,
      'mo-dese',
      organization.id,
      application.id,
      team.representative,
    );
    expect(res.status).toBe(422);
    expect(res.json()).toMatchObject({
      code: 'application.incomplete',
      errors: [
        {
          pointer: '/budget/lines',
          detail:
            'lines 1, 2 total 75000.00, but the amount requested is 100000.00 (difference 25000.00)',
        },
      ],
    });
    expect(await stored('mo-dese', application.id)).toEqual(before);
  });

  it('refuses a submission one second after the deadline (agency time), changing nothing', async () => {
    setClock(t, '2026-03-15T17:00:00Z');
    const { organization, team, application } = await readyApplication(t, 'mo-dese', {
      opensAt: '2026-03-01T08:00',
      closesAt: '2026-03-31T17:00', // 17:00 CDT = 22:00 UTC; Missouri allows no grace
    });
    const before = await stored('mo-dese', application.id);
    setClock(t, '2026-03-31T22:00:01Z');
    const res = await submitApplication(
      t,
      'mo-dese',
      organization.id,
      application.id,
      team.representative,
    );
    expect(res.status).toBe(409);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({
      code: 'application.window_closed',
      closesAt: '2026-03-31T22:00:00.000Z',
      acceptsUntil: '2026-03-31T22:00:00.000Z',
      now: '2026-03-31T22:00:01.000Z',
    });
    expect(await stored('mo-dese', application.id)).toEqual(before);

    // At the deadline itself it is still accepted.
    setClock(t, '2026-03-31T22:00:00Z');
    expect(
      (await submitApplication(t, 'mo-dese', organization.id, application.id, team.representative))
        .status,
    ).toBe(201);
  });

  it("honours Kansas's 15 grace minutes, and not one second more", async () => {
    setClock(t, '2026-03-15T17:00:00Z');
    const first = await readyApplication(t, 'ks-ksde', {
      opensAt: '2026-03-01T08:00',
      closesAt: '2026-03-31T17:00',
    });
    expect(first.program.effectiveGraceMinutes).toBe(15);
    const second = await readyApplication(t, 'ks-ksde', {
      opensAt: '2026-03-01T08:00',
      closesAt: '2026-03-31T17:00',
    });

    setClock(t, '2026-03-31T22:15:00Z');
    expect(
      (
        await submitApplication(
          t,
          'ks-ksde',
          first.organization.id,
          first.application.id,
          first.team.representative,
        )
      ).status,
    ).toBe(201);
    setClock(t, '2026-03-31T22:15:01Z');
    const late = await submitApplication(
      t,
      'ks-ksde',
      second.organization.id,
      second.application.id,
      second.team.representative,
    );
    expect(late.status).toBe(409);
    expect(late.json()).toMatchObject({
      code: 'application.window_closed',
      acceptsUntil: '2026-03-31T22:15:00.000Z',
    });
  });

  it('answers a stale save with 412 and a save without If-Match with 428', async () => {
    const { organization, team, application } = await readyApplication(t, 'mo-dese');
    const etag = await currentEtag(t, 'mo-dese', organization.id, application.id, team.grantWriter);
    const first = await saveApplication(
      t,
      'mo-dese',
      organization.id,
      application.id,
      team.grantWriter,
      { projectTitle: 'First' },
      etag,
    );
    expect(first.status).toBe(200);
    expect(first.headers.etag).not.toBe(etag);
    const stale = await saveApplication(
      t,
      'mo-dese',
      organization.id,
      application.id,
      team.orgAdmin,
      { projectTitle: 'Second' },
      etag,
    );
    expect(stale.status).toBe(412);
    expect(stale.json()).toMatchObject({
      code: 'application.stale',
      currentEtag: first.headers.etag,
    });
    const missing = await t.request({
      method: 'PATCH',
      url: applicationsUrl('mo-dese', organization.id, application.id),
      token: team.grantWriter.token,
      payload: { projectTitle: 'Third' },
    });
    expect(missing.status).toBe(428);
    const now = await t.request({
      method: 'GET',
      url: applicationsUrl('mo-dese', organization.id, application.id),
      token: team.grantWriter.token,
    });
    expect(now.json().projectTitle).toBe('First');
  });

  it('a save with wrong answers changes nothing, not even the version; "*" and null fields save', async () => {
    const { organization, team, application } = await readyApplication(t, 'mo-dese');
    const read = () =>
      t.request({
        method: 'GET',
        url: applicationsUrl('mo-dese', organization.id, application.id),
        token: team.grantWriter.token,
      });
    const before = await read();
    const wrong = await saveApplication(
      t,
      'mo-dese',
      organization.id,
      application.id,
      team.grantWriter,
      { projectTitle: 'Not kept', answers: { narrative: { studentsServed: 'many' } } },
      String(before.headers.etag),
    );
    expect(wrong.status).toBe(422);
    const after = await read();
    expect(after.headers.etag).toBe(before.headers.etag);
    expect(after.json()).toMatchObject({
      projectTitle: before.json().projectTitle,
      answers: before.json().answers,
      updatedAt: before.json().updatedAt,
    });

    const any = await saveApplication(
      t,
      'mo-dese',
      organization.id,
      application.id,
      team.grantWriter,
      { amountRequested: null, projectTitle: 'Kept' },
      '*',
    );
    expect(any.status).toBe(200);
    expect(any.json()).toMatchObject({
      amountRequested: null,
      projectTitle: 'Kept',
      answers: before.json().answers,
      version: before.json().version + 1,
    });
    expect(any.headers.etag).toBe(`"v${before.json().version + 1}"`);
    expect((await read()).json()).toMatchObject({
      amountRequested: null,
      projectTitle: 'Kept',
      version: before.json().version + 1,
      updatedAt: any.json().updatedAt,
    });
  });

  it('validates answers against the form: partial drafts yes, wrong types no, pointers to the field', async () => {
    const { organization, team, application } = await readyApplication(t, 'mo-dese');
    const wrong = await saveApplication(
      t,
      'mo-dese',
      organization.id,
      application.id,
      team.grantWriter,
      {
        answers: {
          narrative: { studentsServed: 'many', gradeBand: 'college' },
          sites: { schools: [{ enrollment: -1 }] },
        },
      },
    );
    expect(wrong.status).toBe(422);
    expect(
      wrong
        .json()
        .errors.map((e: { pointer: string }) => e.pointer)
        .sort(),
    ).toEqual([
      '/answers/narrative/gradeBand',
      '/answers/narrative/studentsServed',
      '/answers/sites/schools/0/enrollment',
    ]);
    const partial = await saveApplication(
      t,
      'mo-dese',
      organization.id,
      application.id,
      team.grantWriter,
      {
        answers: { narrative: { summary: 'Just started' } },
      },
    );
    expect(partial.status).toBe(200);
    const detail = await t.request({
      method: 'GET',
      url: applicationsUrl('mo-dese', organization.id, application.id),
      token: team.grantWriter.token,
    });
    expect(detail.json().readiness.problems).toEqual(
      expect.arrayContaining([
        { pointer: '/answers/narrative/studentsServed', detail: 'is required' },
        { pointer: '/answers/sites', detail: 'is required' },
      ]),
    );
  });

  it('refuses a renamed executable uploaded as a PDF, storing nothing', async () => {
    const { organization, team, application } = await readyApplication(t, 'mo-dese');
    const dir = join(
      t.config.storageDir,
      await agencyId(t, 'mo-dese'),
      'applications',
      application.id,
    );
    const filesBefore = readdirSync(dir).length;
    const elf = Buffer.concat([
      Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00]),
      Buffer.alloc(2048, 0x90),
    ]);
    const res = await uploadAttachment(
      t,
      'mo-dese',
      organization.id,
      application.id,
      team.grantWriter,
      {
        filename: 'budget-narrative.pdf',
        content: elf,
        contentType: 'application/pdf',
        requirementKey: 'budgetNarrative',
      },
    );
    expect(res.status).toBe(415);
    expect(res.json()).toMatchObject({
      code: 'application.attachment_refused',
      reason: 'executable',
    });
    const mz = await uploadAttachment(
      t,
      'mo-dese',
      organization.id,
      application.id,
      team.grantWriter,
      {
        filename: 'report.pdf',
        content: Buffer.concat([Buffer.from('MZ'), Buffer.alloc(512, 0)]),
        contentType: 'application/pdf',
      },
    );
    expect(mz.json()).toMatchObject({
      code: 'application.attachment_refused',
      reason: 'executable',
    });
    expect(readdirSync(dir).length).toBe(filesBefore);
    const list = await t.request({
      method: 'GET',
      url: `${applicationsUrl('mo-dese', organization.id, application.id)}/attachments`,
      token: team.grantWriter.token,
    });
    expect(list.json().items).toHaveLength(1);
  });

  it("refuses a file over the agency's size limit and a type the requirement does not accept", async () => {
    const { organization, team, application } = await readyApplication(t, 'ks-ksde');
    const big = Buffer.concat([SAMPLE_PDF, Buffer.alloc(5 * 1024 * 1024, 0x20)]); // Kansas: 5 MiB
    const tooBig = await uploadAttachment(
      t,
      'ks-ksde',
      organization.id,
      application.id,
      team.grantWriter,
      { filename: 'big.pdf', content: big },
    );
    expect(tooBig.status).toBe(413);
    expect(tooBig.json()).toMatchObject({
      code: 'application.attachment_too_large',
      maxBytes: 5242880,
    });
    const csv = await uploadAttachment(
      t,
      'ks-ksde',
      organization.id,
      application.id,
      team.grantWriter,
      {
        filename: 'narrative.csv',
        content: Buffer.from('a,b\n1,2\n'),
        requirementKey: 'budgetNarrative',
      },
    );
    expect(csv.status).toBe(415);
    expect(csv.json()).toMatchObject({ reason: 'not-allowed' });
  });

  it('downloads an attachment with a safely encoded filename', async () => {
    const { organization, team, application } = await readyApplication(t, 'mo-dese');
    const up = await uploadAttachment(
      t,
      'mo-dese',
      organization.id,
      application.id,
      team.grantWriter,
      {
        filename: 'Plan; final – Año 2027.pdf',
        content: SAMPLE_PDF,
      },
    );
    const res = await t.request({
      method: 'GET',
      url: `${applicationsUrl('mo-dese', organization.id, application.id)}/attachments/${up.json().id}`,
      token: team.representative.token,
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename="Plan_ final _ A_o 2027.pdf"; filename*=UTF-8''Plan%3B%20final%20%E2%80%93%20A%C3%B1o%202027.pdf`,
    );
    expect(Buffer.from(res.body, 'binary').length).toBe(SAMPLE_PDF.length);
  });

  it('submits once for the same Idempotency-Key and replays the same response', async () => {
    const { organization, team, application } = await readyApplication(t, 'mo-dese');
    const key = randomUUID();
    const first = await submitApplication(
      t,
      'mo-dese',
      organization.id,
      application.id,
      team.representative,
      key,
    );
    const again = await submitApplication(
      t,
      'mo-dese',
      organization.id,
      application.id,
      team.representative,
      key,
    );
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toBe(first.body);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(await stored('mo-dese', application.id)).toMatchObject({
      submissions: 1,
      submitAudits: 1,
      submission_count: 1,
    });

    const otherBody = await t.request({
      method: 'POST',
      url: `${applicationsUrl('mo-dese', organization.id, application.id)}/submit`,
      token: team.representative.token,
      headers: { 'idempotency-key': key },
      payload: { certification: { name: 'Someone Else', title: 'Clerk', accepted: true } },
    });
    expect(otherBody.status).toBe(422);
    expect(otherBody.json().code).toBe('idempotency.key_reused');

    const noKey = await t.request({
      method: 'POST',
      url: `${applicationsUrl('mo-dese', organization.id, application.id)}/submit`,
      token: team.representative.token,
      payload: { certification: { name: 'Pat Jones', title: 'Superintendent', accepted: true } },
    });
    expect(noKey.status).toBe(400);
    expect(noKey.json().code).toBe('idempotency.key_required');
  });

  it('creates one submission when the same key arrives concurrently', async () => {
    const { organization, team, application } = await readyApplication(t, 'mo-dese');
    const key = randomUUID();
    const responses = await Promise.all(
      Array.from({ length: 6 }, () =>
        submitApplication(t, 'mo-dese', organization.id, application.id, team.representative, key),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(6).fill(201));
    expect(new Set(responses.map((r) => r.body)).size).toBe(1);
    expect(await stored('mo-dese', application.id)).toMatchObject({
      submissions: 1,
      submitAudits: 1,
    });
  });

  it('does not let a grant writer (or an org admin) submit', async () => {
    const { organization, team, application } = await readyApplication(t, 'mo-dese');
    for (const member of [team.grantWriter, team.orgAdmin]) {
      const res = await submitApplication(t, 'mo-dese', organization.id, application.id, member);
      expect(res.status).toBe(403);
      expect(res.json()).toMatchObject({
        code: 'auth.forbidden',
        permission: 'application.submit',
      });
    }
    expect(await stored('mo-dese', application.id)).toMatchObject({
      status: 'draft',
      submissions: 0,
    });
  });

  it('keeps one application per organization and program', async () => {
    const { program, organization, team, application } = await readyApplication(t, 'mo-dese');
    const res = await t.request({
      method: 'POST',
      url: applicationsUrl('mo-dese', organization.id),
      token: team.grantWriter.token,
      payload: { programId: program.id },
    });
    expect(res.status).toBe(409);
    expect(res.json()).toMatchObject({
      code: 'application.already_exists',
      applicationId: application.id,
    });
  });

  it('returns a submission for revision, takes a revised version, and shows the diff', async () => {
    const { officer, program, organization, team, application } = await readyApplication(
      t,
      'mo-dese',
    );
    expect(
      (await submitApplication(t, 'mo-dese', organization.id, application.id, team.representative))
        .status,
    ).toBe(201);
    const locked = await saveApplication(
      t,
      'mo-dese',
      organization.id,
      application.id,
      team.grantWriter,
      { projectTitle: 'Too late' },
    );
    expect(locked.status).toBe(409);
    expect(locked.json().code).toBe('application.not_editable');

    const returned = await t.request({
      method: 'POST',
      url: `/api/v1/agencies/mo-dese/programs/${program.id}/applications/${application.id}/return`,
      token: officer.token,
      payload: { comment: 'Please serve a second school and adjust the budget.' },
    });
    expect(returned.status).toBe(200);
    expect(returned.json()).toMatchObject({ status: 'returned' });

    const answers = completeAnswers() as { sites: { schools: unknown[] } };
    answers.sites.schools.push({ name: 'Washington Elementary', enrollment: 300 });
    expect(
      (
        await saveApplication(t, 'mo-dese', organization.id, application.id, team.grantWriter, {
          answers,
        })
      ).status,
    ).toBe(200);
    await putBudget(t, 'mo-dese', organization.id, application.id, team.grantWriter, {
      amountRequested: '110000.00',
      lines: [
        ...STANDARD_BUDGET.lines,
        { functionCode: '2100', objectCode: '300', description: 'Counselor', amount: '10000.00' },
      ],
    });
    const resubmitted = await submitApplication(
      t,
      'mo-dese',
      organization.id,
      application.id,
      team.representative,
    );
    expect(resubmitted.json().submission.number).toBe(2);
    // The stored version is exactly what was hashed and certified.
    const stored = (
      await t.request({
        method: 'GET',
        url: `${applicationsUrl('mo-dese', organization.id, application.id)}/versions/2`,
        token: team.grantWriter.token,
      })
    ).json();
    expect(stored.answers).toEqual(answers);
    expect(stored.contentSha256).toBe(resubmitted.json().submission.contentSha256);
    expect(
      createHash('sha256')
        .update(
          canonicalJson({
            formVersion: stored.formVersion,
            projectTitle: stored.projectTitle,
            amountRequested: stored.amountRequested,
            answers: stored.answers,
            budget: stored.budget,
            attachments: stored.attachments,
          }),
        )
        .digest('hex'),
    ).toBe(stored.contentSha256);

    const diff = await t.request({
      method: 'GET',
      url: `/api/v1/agencies/mo-dese/programs/${program.id}/applications/${application.id}/diff?from=1&to=2`,
      token: officer.token,
    });
    expect(diff.json().changes).toEqual([
      { op: 'replace', path: '/amountRequested', oldValue: '100000.00', value: '110000.00' },
      {
        op: 'add',
        path: '/answers/sites/schools/1',
        value: { name: 'Washington Elementary', enrollment: 300 },
      },
      {
        op: 'add',
        path: '/budget/4',
        value: {
          functionCode: '2100',
          objectCode: '300',
          description: 'Counselor',
          amount: '10000.00',
          indirect: false,
        },
      },
    ]);
    const history = await t.request({
      method: 'GET',
      url: applicationsUrl('mo-dese', organization.id, application.id),
      token: team.grantWriter.token,
    });
    expect(history.json().history.map((h: { to: string }) => h.to)).toEqual([
      'draft',
      'submitted',
      'returned',
      'submitted',
    ]);
    expect(history.json().history[2].comment).toBe(
      'Please serve a second school and adjust the budget.',
    );
  });

  it('keeps submitted versions immutable, even for the database owner', async () => {
    const { organization, receipt } = await submittedApplication(t, 'mo-dese');
    await expect(
      asAgencyOwner(t, 'mo-dese', (client) =>
        client.query(
          `UPDATE application_submissions SET amount_requested = 1 WHERE application_id = $1`,
          [receipt.applicationId],
        ),
      ),
    ).rejects.toThrow(/append-only/);
    expect(organization.id).toBeDefined();
  });

  it('shows the budget as a function x object matrix and copies lines from an earlier application', async () => {
    const { program, organization, team, application } = await readyApplication(t, 'mo-dese', {
      allowMultipleApplications: true,
    });
    const budget = await t.request({
      method: 'GET',
      url: `${applicationsUrl('mo-dese', organization.id, application.id)}/budget`,
      token: team.grantWriter.token,
    });
    expect(budget.json().matrix).toEqual({
      functionCodes: ['1000', '2200'],
      objectCodes: ['100', '200', '300', '600'],
      rows: [
        {
          functionCode: '1000',
          cells: ['60000.00', '15000.00', null, '17600.00'],
          total: '92600.00',
        },
        { functionCode: '2200', cells: [null, null, '7400.00', null], total: '7400.00' },
      ],
      columnTotals: ['60000.00', '15000.00', '7400.00', '17600.00'],
      total: '100000.00',
    });
    expect(budget.json()).toMatchObject({ directTotal: '92600.00', indirectTotal: '7400.00' });

    const second = await startApplication(
      t,
      'mo-dese',
      organization.id,
      team.grantWriter,
      program.id,
    );
    const copy = await t.request({
      method: 'POST',
      url: `${applicationsUrl('mo-dese', organization.id, second.id)}/budget/copy`,
      token: team.grantWriter.token,
      headers: {
        'if-match': await currentEtag(t, 'mo-dese', organization.id, second.id, team.grantWriter),
      },
      payload: { sourceApplicationId: application.id },
    });
    expect(copy.status).toBe(200);
    expect(copy.json()).toMatchObject({ copied: 4, skipped: [], budget: { total: '100000.00' } });

    // Another organization's application is not a source: it does not exist from here.
    const other = await readyApplication(t, 'mo-dese');
    const foreign = await t.request({
      method: 'POST',
      url: `${applicationsUrl('mo-dese', organization.id, second.id)}/budget/copy`,
      token: team.grantWriter.token,
      headers: {
        'if-match': await currentEtag(t, 'mo-dese', organization.id, second.id, team.grantWriter),
      },
      payload: { sourceApplicationId: other.application.id },
    });
    expect(foreign.status).toBe(404);
  });

  it('withdraws an application', async () => {
    const { organization, team, application } = await readyApplication(t, 'mo-dese');
    const res = await t.request({
      method: 'POST',
      url: `${applicationsUrl('mo-dese', organization.id, application.id)}/withdraw`,
      token: team.representative.token,
      payload: { reason: 'We will apply next year.' },
    });
    expect(res.status).toBe(200);
    expect(res.json().status).toBe('withdrawn');
    const submit = await submitApplication(
      t,
      'mo-dese',
      organization.id,
      application.id,
      team.representative,
    );
    expect(submit.json().code).toBe('application.invalid_transition');
  });
});
