import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { TenantRunner } from '../src/core/context/tenant-db';
import { JobQueue } from '../src/core/jobs';
import { NotificationService } from '../src/notifications/notification.service';
import {
  asAgencyOwner,
  createUser,
  login,
  ownerPool,
  signedInOrganizationMember,
  signedInPlatformAdmin,
  signedInStaff,
  signedInUser,
  TestUser,
} from './factories';
import { createOrganization } from './factories/grants';
import { freePort, waitFor } from './jobs/waiting';
import { addresses, SmtpSink } from './notifications/smtp-sink';
import { REPO_ROOT } from './support/test-app';
import { useTestApp } from './support/use-test-app';

// Waits are for events and fail only on a hang (test/jobs/waiting.ts); this is the last resort.
jest.setTimeout(15 * 60_000);

const SYSTEM = { kind: 'system' as const };

/** The real agency modules, with Kansas given a template override and a logo. */
function agencyConfigDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gc-agencies-'));
  cpSync(join(REPO_ROOT, 'config', 'agencies'), dir, { recursive: true });
  const file = join(dir, 'ks-ksde.yaml');
  const ks = parse(readFileSync(file, 'utf8')) as Record<string, any>;
  ks.branding.logoUrl = 'https://www.ksde.ks.example/logo.png';
  ks.notifications.templateOverrides = {
    'payment.paid': {
      subject: '{{agencyName}}: payment {{requestRef}} is on its way',
      text: 'Dear {{recipientName}}, we paid {{amount}} on {{paidOn}} for award {{awardRef}}.',
    },
  };
  writeFileSync(file, stringify(ks));
  return dir;
}

describe('notifications: email through the outbox, and the in-app list', () => {
  let smtp: SmtpSink;
  let mo: { agencyId: string; agencyCode: string };
  let ks: { agencyId: string; agencyCode: string };

  const notify = (
    tenant: { agencyId: string; agencyCode: string },
    input: Parameters<NotificationService['notify']>[0],
  ) =>
    t.app.get(TenantRunner).run(tenant, SYSTEM, () => t.app.get(NotificationService).notify(input));

  /**
   * Waits until every email job naming these users has finished (done or dead, none pending or
   * in flight): from then on nothing more can reach them, so what the sink holds is final. A
   * fixed pause instead would pass or fail with the machine's load.
   */
  const emailsSettled = (userIds: string[]) =>
    waitFor('their email jobs to finish', async () => {
      const { rows } = await asAgencyOwner(t, 'mo-dese', (client) =>
        client.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM jobs_outbox
            WHERE name = 'notification.email' AND state IN ('pending', 'published')
              AND payload::text LIKE ANY($1::text[])`,
          [userIds.map((id) => `%${id}%`)],
        ),
      );
      return rows[0].n === 0;
    });

  beforeAll(async () => {
    smtp = new SmtpSink(await freePort());
    await smtp.start();
  });
  const t = useTestApp({
    env: () => ({
      AGENCY_CONFIG_DIR: agencyConfigDir(),
      SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
      PUBLIC_APP_URL: 'https://grants.test.example/',
      WORKER_IN_PROCESS: 'true',
      JOB_POLL_MS: '100',
      JOB_RETRY_BASE_MS: '20',
    }),
  });
  beforeAll(async () => {
    const { rows } = await ownerPool(t).query(`SELECT id, code FROM agencies`);
    const byCode = Object.fromEntries(
      rows.map((r: any) => [r.code, { agencyId: r.id, agencyCode: r.code }]),
    );
    mo = byCode['mo-dese'];
    ks = byCode['ks-ksde'];
  });

  afterAll(() => smtp?.stop());

  it("sends from each agency's sender, with its reply-to, branding and overrides, text and HTML", async () => {
    const officer = await createUser(t, { name: 'Olivia <Officer>' });
    await notify(mo, {
      agencyId: mo.agencyId,
      template: 'application.submitted.officer',
      data: {
        programTitle: 'Title I, Part A <2026>',
        applicationRef: 'APP-1001',
        organizationName: 'Springfield R-XII & Co',
        submittedAt: 'March 3, 2026 4:55 PM CST',
      },
      userIds: [officer.id],
      emails: [{ email: 'contact@springfield.example', name: 'District Contact' }],
      link: 'https://grants.example/mo-dese/applications/APP-1001',
    });
    await notify(ks, {
      agencyId: ks.agencyId,
      template: 'payment.paid',
      data: { awardRef: 'AW-9', requestRef: 'PR-77', amount: '1250.5', paidOn: 'July 1, 2026' },
      emails: [{ email: 'finance@topeka.example', name: 'Pat Payee' }],
    });

    await waitFor('three emails', () => smtp.messages.length >= 3);
    const [toOfficer] = smtp.to(officer.email);
    expect(toOfficer.from?.value[0]).toEqual({
      name: 'Missouri DESE Grants',
      address: 'grants@dese.mo.example',
    });
    expect(addresses(toOfficer.replyTo)).toEqual(['grants-help@dese.mo.example']);
    expect(toOfficer.subject).toBe('New application APP-1001 for Title I, Part A <2026>');
    expect(toOfficer.text).toContain('Hello Olivia <Officer>,');
    expect(toOfficer.text).toContain('Springfield R-XII & Co submitted application APP-1001');
    expect(toOfficer.text).toContain(
      'Missouri Department of Elementary and Secondary Education, Jefferson City, MO',
    );
    expect(toOfficer.html).toContain('Title I, Part A &lt;2026&gt;');
    expect(toOfficer.html).toContain('Springfield R-XII &amp; Co');
    expect(toOfficer.html).toContain('Hello Olivia &lt;Officer&gt;,');
    expect(toOfficer.html).not.toContain('<Officer>');
    expect(toOfficer.html).toContain('#003B71');
    expect(toOfficer.html).toContain('href="https://grants.example/mo-dese/applications/APP-1001"');
    expect(toOfficer.headers.get('x-grant-commons-agency')).toBe('mo-dese');

    const [toContact] = smtp.to('contact@springfield.example');
    expect(toContact.text).toContain('Hello District Contact,');

    const [toPayee] = smtp.to('finance@topeka.example');
    expect(toPayee.from?.value[0]).toEqual({
      name: 'KSDE Grants',
      address: 'grants@ksde.ks.example',
    });
    expect(toPayee.replyTo).toBeUndefined();
    expect(toPayee.subject).toBe('KSDE Grants Portal: payment PR-77 is on its way');
    expect(toPayee.text).toContain(
      'Dear Pat Payee, we paid 1250.5 on July 1, 2026 for award AW-9.',
    );
    expect(toPayee.text).toContain('Kansas State Department of Education, Topeka, KS');
    expect(toPayee.html).toContain('#5B2C83');
    expect(toPayee.html).toContain('src="https://www.ksde.ks.example/logo.png"');
  });

  it('sends nothing and records no notice when the business transaction rolls back', async () => {
    const user = await createUser(t);
    await expect(
      t.app.get(TenantRunner).run(mo, SYSTEM, async () => {
        await t.app.get(NotificationService).notify({
          agencyId: mo.agencyId,
          template: 'payment.approved',
          data: { awardRef: 'AW-1', requestRef: 'PR-1', amount: '10.00' },
          userIds: [user.id],
        });
        throw new Error('approval failed');
      }),
    ).rejects.toThrow('approval failed');
    // A later notice to the same person arrives alone: the rolled-back one never existed.
    await notify(mo, {
      agencyId: mo.agencyId,
      template: 'payment.rejected',
      data: { awardRef: 'AW-1', requestRef: 'PR-1', amount: '10.00', reason: 'Receipts missing' },
      userIds: [user.id],
    });
    await waitFor('the rejection email', () => smtp.to(user.email).length >= 1);
    await emailsSettled([user.id]);
    expect(smtp.to(user.email).map((m) => m.subject)).toEqual(['Payment request PR-1 rejected']);
    const { token } = await signIn(user);
    const list = (
      await t.request({ method: 'GET', url: '/api/v1/me/notifications', token })
    ).json();
    expect(list.items.map((n: any) => n.template)).toEqual(['payment.rejected']);
  });

  it('sends a deduplicated notice once, however often it is requested', async () => {
    const user = await createUser(t);
    for (let i = 0; i < 3; i++) {
      await notify(mo, {
        agencyId: mo.agencyId,
        template: 'deadline.reminder',
        data: { programTitle: 'Title IV-A', closesAt: 'May 1, 2026 5:00 PM CDT', daysLeft: 7 },
        userIds: [user.id],
        dedupeKey: 'deadline:program-1:7',
      });
    }
    await waitFor('the reminder', () => smtp.to(user.email).length >= 1);
    await emailsSettled([user.id]);
    expect(smtp.to(user.email)).toHaveLength(1);
    expect(smtp.to(user.email)[0].subject).toBe('7 days left to apply: Title IV-A');
    const { token } = await signIn(user);
    const list = (
      await t.request({ method: 'GET', url: '/api/v1/me/notifications', token })
    ).json();
    expect(list.items).toHaveLength(1);
  });

  it('sends a notice once to each recipient when one is refused, and retries only that one', async () => {
    const [kept, refused] = [await createUser(t), await createUser(t)];
    const followUp = (client: { query: (sql: string, values: unknown[]) => Promise<any> }) =>
      client.query(
        `SELECT id, state FROM jobs_outbox
          WHERE name = 'notification.email' AND payload->'notices'->0->'recipients' = $1::jsonb`,
        [JSON.stringify([{ userId: refused.id }])],
      );
    smtp.refused.add(refused.email);
    let job: { id: string; state: string } | undefined;
    try {
      await notify(mo, {
        agencyId: mo.agencyId,
        template: 'deadline.reminder',
        data: { programTitle: 'Title II-A', closesAt: 'May 1, 2026 5:00 PM CDT', daysLeft: 3 },
        userIds: [kept.id, refused.id],
      });
      job = await waitFor(
        'a job of its own for the refused recipient',
        async () => (await asAgencyOwner(t, 'mo-dese', followUp)).rows[0],
      );
    } finally {
      smtp.refused.delete(refused.email);
    }
    expect(job).toMatchObject({ state: 'pending' });
    expect(smtp.to(kept.email)).toHaveLength(1);
    expect(smtp.to(refused.email)).toHaveLength(0);

    // Its retry is half a minute out; bring it forward.
    await asAgencyOwner(t, 'mo-dese', (client) =>
      client.query(`UPDATE jobs_outbox SET run_after = now() WHERE id = $1`, [job!.id]),
    );
    await waitFor('the refused recipient, now accepted', () => smtp.to(refused.email).length >= 1);
    await emailsSettled([kept.id, refused.id]);
    expect(smtp.to(refused.email)).toHaveLength(1);
    expect(smtp.to(kept.email)).toHaveLength(1);
  });

  it('sends the notices of one change in one job: each once, apart, refused ones retried alone', async () => {
    const [both, refused] = [await createUser(t), await createUser(t)];
    const emailJobs = (client: { query: (sql: string, values: unknown[]) => Promise<any> }) =>
      client.query(
        `SELECT id, state, payload FROM jobs_outbox
          WHERE name = 'notification.email' AND payload::text LIKE '%' || $1 || '%'
          ORDER BY created_at`,
        [both.id],
      );
    const retryJob = (client: { query: (sql: string, values: unknown[]) => Promise<any> }) =>
      client.query(
        `SELECT id, state, payload FROM jobs_outbox
          WHERE name = 'notification.email' AND jsonb_array_length(payload->'notices') = 1
            AND payload->'notices'->0->'recipients' = $1::jsonb`,
        [JSON.stringify([{ userId: refused.id }])],
      );
    const data = {
      programTitle: 'Title I-A',
      applicationRef: 'APP-2002',
      organizationName: 'Jefferson City Public Schools',
      submittedAt: 'March 4, 2026 9:00 AM CST',
    };
    smtp.refused.add(refused.email);
    let retry: { id: string; state: string; payload: any } | undefined;
    try {
      await t.app.get(TenantRunner).run(mo, SYSTEM, () =>
        t.app.get(NotificationService).notifyAll([
          {
            agencyId: mo.agencyId,
            template: 'application.submitted.applicant',
            data,
            userIds: [both.id],
          },
          {
            agencyId: mo.agencyId,
            template: 'application.submitted.officer',
            data,
            userIds: [both.id, refused.id],
          },
        ]),
      );
      const jobs = (await asAgencyOwner(t, 'mo-dese', emailJobs)).rows;
      expect(jobs).toHaveLength(1);
      expect(jobs[0].payload.notices).toHaveLength(2);
      retry = await waitFor(
        'a job of its own for the refused recipient',
        async () => (await asAgencyOwner(t, 'mo-dese', retryJob)).rows[0],
      );
    } finally {
      smtp.refused.delete(refused.email);
    }
    expect(retry).toMatchObject({
      state: 'pending',
      payload: { notices: [{ template: 'application.submitted.officer' }] },
    });
    const toBoth = smtp.to(both.email);
    expect(toBoth.map((m) => m.subject).sort()).toEqual([
      'Application APP-2002 submitted: Title I-A',
      'New application APP-2002 for Title I-A',
    ]);
    expect(new Set(toBoth.map((m) => m.messageId)).size).toBe(2);

    await asAgencyOwner(t, 'mo-dese', (client) =>
      client.query(`UPDATE jobs_outbox SET run_after = now() WHERE id = $1`, [retry!.id]),
    );
    await waitFor('the refused recipient, now accepted', () => smtp.to(refused.email).length >= 1);
    await emailsSettled([both.id, refused.id]);
    expect(smtp.to(refused.email).map((m) => m.subject)).toEqual([
      'New application APP-2002 for Title I-A',
    ]);
    expect(smtp.to(both.email)).toHaveLength(2);
  });

  it('still delivers email jobs queued in the shapes used before there was one', async () => {
    // A deployed outbox may hold them: a notice at the top level, with `recipients` or `to`.
    const [listed, single] = [await createUser(t), await createUser(t)];
    const notice = {
      template: 'award.offered',
      data: { programTitle: 'Title I-A', awardRef: 'AW-OLD', amount: '1000.00' },
    };
    await t.app.get(TenantRunner).run(mo, SYSTEM, async () => {
      const jobs = t.app.get(JobQueue);
      await jobs.enqueue('notification.email', {
        agencyId: mo.agencyId,
        ...notice,
        recipients: [{ userId: listed.id }],
      } as never);
      await jobs.enqueue('notification.email', {
        agencyId: mo.agencyId,
        ...notice,
        to: { userId: single.id },
      } as never);
    });
    await waitFor(
      'both emails',
      () => smtp.to(listed.email).length + smtp.to(single.email).length >= 2,
    );
    await emailsSettled([listed.id, single.id]);
    for (const user of [listed, single]) {
      expect(smtp.to(user.email).map((m) => m.subject)).toEqual([
        expect.stringContaining('AW-OLD'),
      ]);
    }
  });

  it("lists a user's own notices from every agency and marks them read; nobody else sees them", async () => {
    const user = await createUser(t);
    const other = await signedInUser(t);
    await notify(mo, {
      agencyId: mo.agencyId,
      template: 'award.offered',
      data: { programTitle: 'Title I-A', awardRef: 'AW-5', amount: '250000.00' },
      userIds: [user.id],
      channels: { email: false },
    });
    await notify(ks, {
      agencyId: ks.agencyId,
      template: 'decision.released',
      data: { programTitle: 'Title II', applicationRef: 'APP-8', decision: 'waitlisted' },
      userIds: [user.id],
      channels: { email: false },
    });
    const { token } = await signIn(user);
    const res = await t.request({ method: 'GET', url: '/api/v1/me/notifications', token });
    expect(res.status).toBe(200);
    const page = res.json();
    expect(page.unreadCount).toBe(2);
    expect(page.items.map((n: any) => [n.agencyCode, n.subject])).toEqual([
      ['ks-ksde', 'Decision on application APP-8'],
      ['mo-dese', 'Award AW-5 offered: Title I-A'],
    ]);
    expect(page.items[1].body).toContain('$250,000.00');

    const theirs = await t.request({
      method: 'GET',
      url: '/api/v1/me/notifications',
      token: other.token,
    });
    expect(theirs.json()).toEqual({ items: [], unreadCount: 0, nextCursor: null });
    const stolen = await t.request({
      method: 'POST',
      url: `/api/v1/me/notifications/${page.items[0].id}/read`,
      token: other.token,
    });
    expect(stolen.status).toBe(404);
    expect(stolen.json().code).toBe('notification.not_found');

    const read = await t.request({
      method: 'POST',
      url: `/api/v1/me/notifications/${page.items[0].id}/read`,
      token,
    });
    expect(read.status).toBe(200);
    expect(read.json().readAt).toEqual(expect.any(String));
    const unread = (
      await t.request({ method: 'GET', url: '/api/v1/me/notifications?unread=true', token })
    ).json();
    expect(unread.items.map((n: any) => n.agencyCode)).toEqual(['mo-dese']);
    expect(unread.unreadCount).toBe(1);

    const firstPage = (
      await t.request({ method: 'GET', url: '/api/v1/me/notifications?limit=1', token })
    ).json();
    expect(firstPage.items).toHaveLength(1);
    const secondPage = (
      await t.request({
        method: 'GET',
        url: `/api/v1/me/notifications?limit=1&cursor=${firstPage.nextCursor}`,
        token,
      })
    ).json();
    expect(secondPage.items.map((n: any) => n.agencyCode)).toEqual(['mo-dese']);
    expect(secondPage.nextCursor).toBeNull();

    expect((await t.request({ method: 'GET', url: '/api/v1/me/notifications' })).status).toBe(401);
  });

  it('dead-letters an email SMTP keeps refusing; a platform admin lists and retries it', async () => {
    const user = await createUser(t);
    await smtp.stop(); // connection refused from now on
    try {
      await notify(mo, {
        agencyId: mo.agencyId,
        template: 'application.returned',
        data: {
          programTitle: 'Title I-A',
          applicationRef: 'APP-404',
          reason: 'Budget does not total',
        },
        emails: ['writer@district.example'],
      });
      const admin = await signedInPlatformAdmin(t);
      const dead = await waitFor(
        'the email job to be dead-lettered',
        async () => {
          const res = await t.request({
            method: 'GET',
            url: '/api/v1/platform/jobs/dead-letters',
            token: admin.token,
          });
          return res.json().items.find((j: any) => j.name === 'notification.email');
        },
        30_000,
        200,
      );
      expect(dead).toMatchObject({ agencyCode: 'mo-dese', attempts: 8, maxAttempts: 8 });
      expect(dead.lastError).toMatch(/ECONNREFUSED/);
      expect(dead).not.toHaveProperty('payload');

      const staff = await signedInUser(t);
      const forbidden = await t.request({
        method: 'GET',
        url: '/api/v1/platform/jobs/dead-letters',
        token: staff.token,
      });
      expect(forbidden.status).toBe(403);
      expect(
        (
          await t.request({
            method: 'POST',
            url: `/api/v1/platform/jobs/${dead.id}/retry`,
            token: staff.token,
          })
        ).status,
      ).toBe(403);

      await smtp.start();
      const retried = await t.request({
        method: 'POST',
        url: `/api/v1/platform/jobs/${dead.id}/retry`,
        token: admin.token,
      });
      expect(retried.status).toBe(202);
      expect(retried.json()).toEqual({
        id: dead.id,
        agencyCode: 'mo-dese',
        name: 'notification.email',
        state: 'pending',
      });
      const { rows: audit } = await ownerPool(t).query(
        `SELECT action, actor_user_id, after FROM platform_audit_events WHERE entity_type = 'job' AND entity_id = $1`,
        [dead.id],
      );
      expect(audit).toEqual([
        { action: 'job.retried', actor_user_id: admin.user.id, after: { state: 'pending' } },
      ]);
      await waitFor('the retried email', () => smtp.to('writer@district.example').length === 1);
      expect(smtp.to('writer@district.example')[0].subject).toBe(
        'Application APP-404 returned for revision',
      );

      const again = await t.request({
        method: 'POST',
        url: `/api/v1/platform/jobs/${dead.id}/retry`,
        token: admin.token,
      });
      expect(again.status).toBe(409);
      expect(again.json().code).toBe('job.not_dead_lettered');
      const missing = await t.request({
        method: 'POST',
        url: '/api/v1/platform/jobs/00000000-0000-4000-8000-000000000000/retry',
        token: admin.token,
      });
      expect(missing.status).toBe(404);
      void user;
    } finally {
      if (!smtp['server']) await smtp.start();
    }
  });

  describe('invitations', () => {
    const ACCEPT_LINK =
      /https:\/\/grants\.test\.example\/accept-invitation\?token=([A-Za-z0-9_-]{43})/;

    /** The token of the one invitation email to this address (waits for it). */
    async function invitationToken(address: string, count = 1): Promise<string> {
      await waitFor(`invitation email to ${address}`, () => smtp.to(address).length >= count);
      const mail = smtp.to(address)[count - 1];
      expect(mail.subject).toBe('Your invitation to Grant Commons');
      const token = ACCEPT_LINK.exec(mail.text ?? '')?.[1];
      expect(token).toBeDefined();
      expect(mail.html).toContain(
        `href="https://grants.test.example/accept-invitation?token=${token}"`,
      );
      return token!;
    }

    /**
     * Whether the secret shows up anywhere but the email (it must not): audit events, in-app
     * notices, the outbox (payloads and errors), processed-effect keys, the invitation rows.
     */
    async function storedOutsideTheEmail(token: string): Promise<number> {
      const global = await ownerPool(t).query(
        `SELECT (SELECT count(*)::int FROM platform_audit_events
                  WHERE concat(before::text, after::text) LIKE '%' || $1 || '%')
              + (SELECT count(*)::int FROM user_invitations
                  WHERE token_hash = $1 OR id::text = $1) AS n`,
        [token],
      );
      let n = global.rows[0].n as number;
      for (const code of ['mo-dese', 'ks-ksde']) {
        n += await asAgencyOwner(t, code, async (client) => {
          const { rows } = await client.query(
            `SELECT (SELECT count(*)::int FROM audit_events
                      WHERE concat(before::text, after::text) LIKE '%' || $1 || '%')
                  + (SELECT count(*)::int FROM notifications
                      WHERE concat(subject, body, link) LIKE '%' || $1 || '%')
                  + (SELECT count(*)::int FROM jobs_outbox
                      WHERE concat(payload::text, last_error) LIKE '%' || $1 || '%')
                  + (SELECT count(*)::int FROM job_effects
                      WHERE effect_key LIKE '%' || $1 || '%') AS n`,
            [token],
          );
          return rows[0].n as number;
        });
      }
      return n;
    }

    it('emails a new staff member a link whose token sets their password, and only there', async () => {
      const admin = await signedInStaff(t, 'mo-dese', ['agency_admin']);
      const invited = await t.request({
        method: 'POST',
        url: '/api/v1/agencies/mo-dese/staff',
        token: admin.token,
        payload: { email: 'Nia.Officer@dese.example', name: 'Nia Officer', roles: ['reviewer'] },
      });
      expect(invited.status).toBe(201);
      const token = await invitationToken('nia.officer@dese.example');
      const [mail] = smtp.to('nia.officer@dese.example');
      expect(mail.from?.value[0].address).toBe('grants@dese.mo.example');
      expect(mail.text).toContain('Hello Nia Officer,');
      expect(mail.text).toContain("join the agency's grants staff");
      expect(invited.body).not.toContain(token);
      expect(await storedOutsideTheEmail(token)).toBe(0);

      const accepted = await t.request({
        method: 'POST',
        url: '/api/v1/auth/accept-invitation',
        payload: { token, password: 'a long enough passphrase' },
      });
      expect(accepted.status).toBe(204);
      expect(accepted.body).toBe('');
      const tokens = await login(t, 'nia.officer@dese.example', 'a long enough passphrase');
      // Membership waits for the person's own yes (issue 13, consent before membership).
      const accept = await t.request({
        method: 'POST',
        url: '/api/v1/me/invitations/agencies/mo-dese/accept',
        token: tokens.accessToken,
      });
      expect(accept.status).toBe(200);
      const me = await t.request({
        method: 'GET',
        url: '/api/v1/me',
        token: tokens.accessToken,
      });
      expect(me.json().agencies.map((a: any) => [a.agencyCode, a.roles])).toEqual([
        ['mo-dese', ['reviewer']],
      ]);

      // A person who already has a password gets no invitation.
      const existing = await createUser(t);
      await t.request({
        method: 'POST',
        url: '/api/v1/agencies/mo-dese/staff',
        token: admin.token,
        payload: { email: existing.email, name: 'Existing', roles: ['reviewer'] },
      });
      const issued = await ownerPool(t).query(`SELECT 1 FROM user_invitations WHERE user_id = $1`, [
        existing.id,
      ]);
      expect(issued.rows).toHaveLength(0);
    });

    it('keeps the secret out of the outbox: the job mints it, and a rerun sends the same link once', async () => {
      const admin = await signedInStaff(t, 'mo-dese', ['agency_admin']);
      const invited = await t.request({
        method: 'POST',
        url: '/api/v1/agencies/mo-dese/staff',
        token: admin.token,
        payload: { email: 'ola.outbox@dese.example', name: 'Ola Outbox', roles: ['reviewer'] },
      });
      expect(invited.status).toBe(201);
      // The answer carries no user id (issue 13, consent before membership): look it up.
      const userId = (
        await ownerPool(t).query(`SELECT id FROM users WHERE email = 'ola.outbox@dese.example'`)
      ).rows[0].id as string;
      const token = await invitationToken('ola.outbox@dese.example');
      const [mail] = smtp.to('ola.outbox@dese.example');
      expect(await storedOutsideTheEmail(token)).toBe(0);

      // What the outbox holds: the invitation's id, nothing secret.
      const job = await asAgencyOwner(t, 'mo-dese', async (client) => {
        const { rows } = await client.query(
          `SELECT o.id, o.payload FROM jobs_outbox o
             JOIN user_invitations i ON i.id = (o.payload->>'invitationId')::uuid
            WHERE o.name = 'identity.invitation_email' AND i.user_id = $1`,
          [userId],
        );
        return rows[0] as { id: string; payload: Record<string, unknown> };
      });
      expect(Object.keys(job.payload).sort()).toEqual(['agencyId', 'invitationId']);

      // A delivery after the job committed: the email's effect key is claimed, nothing sent.
      const rerun = (forgetEffects: boolean) =>
        asAgencyOwner(t, 'mo-dese', async (client) => {
          if (forgetEffects) {
            // As after a crash between the SMTP server's acceptance and the commit: the
            // job's hash and effect key rolled back.
            await client.query(`DELETE FROM job_effects WHERE job_id = $1`, [job.id]);
            await client.query(`UPDATE user_invitations SET token_hash = NULL WHERE id = $1`, [
              job.payload.invitationId,
            ]);
          }
          await client.query(
            `UPDATE jobs_outbox SET state = 'pending', run_after = now(), finished_at = NULL
              WHERE id = $1`,
            [job.id],
          );
        });
      const done = () =>
        waitFor('the rerun to finish', () =>
          asAgencyOwner(t, 'mo-dese', async (client) => {
            const { rows } = await client.query(`SELECT state FROM jobs_outbox WHERE id = $1`, [
              job.id,
            ]);
            return rows[0].state === 'done';
          }),
        );
      await rerun(false);
      await done();
      expect(smtp.to('ola.outbox@dese.example')).toHaveLength(1);

      // A retry after the send but before the commit: the same link, the same Message-ID.
      await rerun(true);
      const resent = await invitationToken('ola.outbox@dese.example', 2);
      expect(resent).toBe(token);
      expect(smtp.to('ola.outbox@dese.example')[1].messageId).toBe(mail.messageId);
      // The mail arrives before the job's transaction commits the link's hash: wait for the job.
      await done();
      const valid = await ownerPool(t).query(
        `SELECT count(*)::int AS n FROM user_invitations
          WHERE user_id = $1 AND closed_at IS NULL AND token_hash IS NOT NULL`,
        [userId],
      );
      expect(valid.rows[0].n).toBe(1);
      expect(await storedOutsideTheEmail(token)).toBe(0);

      const accepted = await t.request({
        method: 'POST',
        url: '/api/v1/auth/accept-invitation',
        payload: { token, password: 'a long enough passphrase' },
      });
      expect(accepted.status).toBe(204);
    });

    it('names the organization when an org admin invites a member; only the newest link works', async () => {
      const org = await createOrganization(t, 'ks-ksde');
      const orgAdmin = await signedInOrganizationMember(t, 'ks-ksde', org.id, ['org_admin']);
      const invite = () =>
        t.request({
          method: 'POST',
          url: `/api/v1/agencies/ks-ksde/organizations/${org.id}/members`,
          token: orgAdmin.token,
          payload: { email: 'gw@usd259.example', name: 'Gabe Writer', roles: ['grant_writer'] },
        });
      expect((await invite()).status).toBe(201);
      const first = await invitationToken('gw@usd259.example');
      const [mail] = smtp.to('gw@usd259.example');
      expect(mail.from?.value[0].address).toBe('grants@ksde.ks.example');
      expect(mail.text).toContain(`grant applications for ${org.legalName} in Grant Commons`);

      // Inviting again issues a new link and closes the first.
      expect((await invite()).status).toBe(201);
      const second = await invitationToken('gw@usd259.example', 2);
      expect(second).not.toBe(first);
      const stale = await t.request({
        method: 'POST',
        url: '/api/v1/auth/accept-invitation',
        payload: { token: first, password: 'a long enough passphrase' },
      });
      expect(stale.status).toBe(400);
      expect(stale.json().code).toBe('auth.invitation_invalid');
      const accepted = await t.request({
        method: 'POST',
        url: '/api/v1/auth/accept-invitation',
        payload: { token: second, password: 'a long enough passphrase' },
      });
      expect(accepted.status).toBe(204);
      expect(await storedOutsideTheEmail(second)).toBe(0);
    });
  });

  async function signIn(user: TestUser): Promise<{ token: string }> {
    const tokens = await login(t, user.email, user.password);
    return { token: tokens.accessToken };
  }
});
