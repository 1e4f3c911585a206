import { ApplicationReminders } from '../src/applications/submission/application-reminders';
import { ProgramLifecycle } from '../src/programs/program-lifecycle.service';
import { inAgency as inAgencyOf } from './factories/finance';
import { asAgencyOwner, createUser, grantAgencyRoles } from './factories/identity';
import { readyApplication, setClock, submitApplication } from './factories/grants';
import { useTestApp } from './support/use-test-app';

/** Side effects through the outbox: notices on submission and return, reminders, closing windows. */
describe('applications: notices, deadline reminders and closing windows', () => {
  const t = useTestApp();

  const inAgency = <R>(code: string, work: () => Promise<R>) => inAgencyOf(t, code, work);

  async function notices(code: string, template: string) {
    return asAgencyOwner(t, code, async (client) => {
      const inApp = await client.query(
        `SELECT user_id, subject FROM notifications WHERE template = $1 ORDER BY user_id`,
        [template],
      );
      const emails = await client.query(
        // The email handler sends once per (recipient, dedupe key): count what will be sent.
        `SELECT count(DISTINCT r.value::text || coalesce(n->>'dedupeKey', id::text))::int AS n
           FROM jobs_outbox,
                jsonb_array_elements(payload->'notices') n,
                jsonb_array_elements(n->'recipients') r
          WHERE name = 'notification.email' AND n->>'template' = $1`,
        [template],
      );
      return {
        inApp: inApp.rows as Array<{ user_id: string; subject: string }>,
        emails: emails.rows[0].n as number,
      };
    });
  }

  it('tells the applicant team and every active program officer about a submission, once', async () => {
    const { officer, organization, team, application } = await readyApplication(t, 'mo-dese');
    // Another officer hears about it too; a deactivated officer, a reviewer and Kansas's
    // officers do not.
    const colleague = await createUser(t);
    await grantAgencyRoles(t, 'mo-dese', colleague.id, ['reviewer', 'program_officer']);
    const departed = await createUser(t);
    await grantAgencyRoles(t, 'mo-dese', departed.id, ['program_officer']);
    await asAgencyOwner(t, 'mo-dese', (client) =>
      client.query(`UPDATE agency_memberships SET status = 'deactivated' WHERE user_id = $1`, [
        departed.id,
      ]),
    );
    const reviewer = await createUser(t);
    await grantAgencyRoles(t, 'mo-dese', reviewer.id, ['reviewer']);
    const kansan = await createUser(t);
    await grantAgencyRoles(t, 'ks-ksde', kansan.id, ['program_officer']);
    const key = 'notice-once';
    await submitApplication(
      t,
      'mo-dese',
      organization.id,
      application.id,
      team.representative,
      key,
    );
    await submitApplication(
      t,
      'mo-dese',
      organization.id,
      application.id,
      team.representative,
      key,
    );
    const applicant = await notices('mo-dese', 'application.submitted.applicant');
    expect(applicant.inApp.map((n) => n.user_id).sort()).toEqual(
      [team.orgAdmin.user.id, team.grantWriter.user.id, team.representative.user.id].sort(),
    );
    expect(applicant.emails).toBe(3);
    expect(applicant.inApp[0].subject).toContain('submitted');
    const toOfficers = await notices('mo-dese', 'application.submitted.officer');
    expect(toOfficers.inApp.map((n) => n.user_id)).toEqual([officer.user.id, colleague.id].sort());
    expect(toOfficers.emails).toBe(2);
  });

  it('tells the applicant team when a submission is returned', async () => {
    const { officer, program, organization, team, application } = await readyApplication(
      t,
      'ks-ksde',
    );
    await submitApplication(t, 'ks-ksde', organization.id, application.id, team.representative);
    await t.request({
      method: 'POST',
      url: `/api/v1/agencies/ks-ksde/programs/${program.id}/applications/${application.id}/return`,
      token: officer.token,
      payload: { comment: 'Add the second site.' },
    });
    expect((await notices('ks-ksde', 'application.returned')).inApp).toHaveLength(3);
  });

  it('sends the nearest deadline reminder once to teams with unsubmitted applications', async () => {
    setClock(t, '2026-05-01T15:00:00Z');
    const open = await readyApplication(t, 'mo-dese', {
      opensAt: '2026-04-01T08:00',
      closesAt: '2026-05-06T17:00',
    });
    const done = await readyApplication(t, 'mo-dese', {
      opensAt: '2026-04-01T08:00',
      closesAt: '2026-05-06T17:00',
    });
    await submitApplication(
      t,
      'mo-dese',
      done.organization.id,
      done.application.id,
      done.team.representative,
    );

    const reminders = t.app.get(ApplicationReminders, { strict: false });
    await inAgency('mo-dese', () => reminders.sendDue()); // 5 days left: Missouri reminds at 7 and 1
    await inAgency('mo-dese', () => reminders.sendDue()); // the schedule ran twice: still one each
    let sent = await notices('mo-dese', 'deadline.reminder');
    const openTeam = [open.team.orgAdmin, open.team.grantWriter, open.team.representative]
      .map((m) => m.user.id)
      .sort();
    expect(sent.inApp.map((n) => n.user_id).sort()).toEqual(openTeam);
    expect(sent.emails).toBe(3);

    setClock(t, '2026-05-06T02:00:00Z'); // under a day left
    await inAgency('mo-dese', () => reminders.sendDue());
    sent = await notices('mo-dese', 'deadline.reminder');
    expect(sent.inApp).toHaveLength(6);
  });

  it('closes windows whose deadline and grace have passed, by the server clock', async () => {
    setClock(t, '2026-05-01T15:00:00Z');
    const ks = await readyApplication(t, 'ks-ksde', {
      opensAt: '2026-04-01T08:00',
      closesAt: '2026-05-06T17:00',
    });
    const lifecycle = t.app.get(ProgramLifecycle, { strict: false });
    setClock(t, '2026-05-06T22:14:59Z'); // Kansas: 15 grace minutes
    expect(await inAgency('ks-ksde', () => lifecycle.closeDue())).toEqual([]);
    setClock(t, '2026-05-06T22:15:01Z');
    expect(await inAgency('ks-ksde', () => lifecycle.closeDue())).toEqual([ks.program.id]);
    const program = await t.request({
      method: 'GET',
      url: `/api/v1/agencies/ks-ksde/programs/${ks.program.id}`,
      token: ks.officer.token,
    });
    expect(program.json().status).toBe('closed');
  });
});
