import { randomUUID } from 'node:crypto';
import { SMTPServer } from 'smtp-server';
import { readAgencies, AgencyRow } from '../src/agencies/agency-directory';
import { verifyAllAuditLogs } from '../src/core/audit/verify-all';
import {
  applicantTeam,
  applicationsUrl,
  completeAnswers,
  createOrganization,
  openProgram,
  putBudget,
  SAMPLE_PDF,
  saveApplication,
  STANDARD_BUDGET,
  startApplication,
  uploadAttachment,
} from './factories/grants';
import { asAgencyOwner, ownerPool, SignedIn } from './factories/identity';
import { deleteRedisKeys, TEST_REDIS_URL } from './jobs/redis';
import { freePort, waitFor, waitForCount } from './jobs/waiting';
import { expectStatus, TEST_APP_ENV } from './support/test-app';
import { TsProcess } from './support/ts-process';
import { useTestApp } from './support/use-test-app';

const AGENCY = 'mo-dese';
const SUBMISSIONS = 24;
const SERVING = /Grant Commons is serving at/;

/** An SMTP server that keeps each message's Message-ID: a resent duplicate carries the same one. */
function mailSink(): { server: SMTPServer; messageIds: string[] } {
  const messageIds: string[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    disableReverseLookup: true,
    onData: (stream, _session, callback) => {
      let head = '';
      stream.on('data', (chunk: Buffer) => {
        if (head.length < 8192) head += chunk.toString('utf8');
      });
      stream.on('end', () => {
        const id = /^Message-ID:\s*(<[^>]+>)/im.exec(head)?.[1];
        messageIds.push(id ?? `(none) ${randomUUID()}`);
        callback();
      });
    },
  });
  // A worker killed mid-message resets its connection: that is the test, not a failure.
  server.on('error', () => undefined);
  return { server, messageIds };
}

interface Ready {
  organizationId: string;
  applicationId: string;
  representative: SignedIn;
}

/**
 * Issue 17, many processes: three API processes and two workers on one PostgreSQL and one Redis.
 * Submissions (each with an Idempotency-Key) go round the three APIs; one API and one worker are
 * killed with SIGKILL mid-load, and a client whose request died with its API sends it again, with
 * the same key, to the next. Afterwards every submission happened exactly once, every job ran to
 * its end with its effects recorded once, every email arrived (a resend after a kill carries the
 * same Message-ID), and the audit chain verifies. Then SIGTERM: in-flight requests finish.
 */
describe('many processes: three APIs and two workers, one killed of each mid-load', () => {
  const prefix = `gc-many-${randomUUID().slice(0, 8)}`;
  const sink = mailSink();
  let smtpPort = 0;
  const t = useTestApp({
    env: () => ({
      REDIS_URL: TEST_REDIS_URL,
      WORKER_IN_PROCESS: 'false',
      JOB_QUEUE_PREFIX: prefix,
    }),
  });
  const apis: { proc: TsProcess; url: string }[] = [];
  const workers: TsProcess[] = [];
  const ready: Ready[] = [];

  beforeAll(async () => {
    smtpPort = await freePort();
    await new Promise<void>((done) => sink.server.listen(smtpPort, '127.0.0.1', done));

    // The districts' drafts, complete and ready to submit, made through this file's own app.
    const { program } = await openProgram(t, AGENCY);
    for (let i = 0; i < SUBMISSIONS; i++) {
      const organization = await createOrganization(t, AGENCY);
      const team = await applicantTeam(t, AGENCY, organization.id);
      const application = await startApplication(
        t,
        AGENCY,
        organization.id,
        team.grantWriter,
        program.id,
      );
      expectStatus(
        await saveApplication(t, AGENCY, organization.id, application.id, team.grantWriter, {
          answers: completeAnswers(),
        }),
        200,
        'save answers',
      );
      expectStatus(
        await putBudget(
          t,
          AGENCY,
          organization.id,
          application.id,
          team.grantWriter,
          STANDARD_BUDGET,
        ),
        200,
        'save budget',
      );
      expectStatus(
        await uploadAttachment(t, AGENCY, organization.id, application.id, team.grantWriter, {
          filename: 'budget-narrative.pdf',
          content: SAMPLE_PDF,
          contentType: 'application/pdf',
          requirementKey: 'budgetNarrative',
        }),
        201,
        'upload attachment',
      );
      ready.push({
        organizationId: organization.id,
        applicationId: application.id,
        representative: team.representative,
      });
    }

    const env = {
      ...TEST_APP_ENV,
      LOG_LEVEL: 'info',
      // Tokens name their issuer: every process must be the same service as this file's app.
      PUBLIC_APP_URL: t.config.publicAppUrl,
      DATABASE_URL: t.db.appUrl,
      DATABASE_OWNER_URL: t.db.ownerUrl,
      REDIS_URL: TEST_REDIS_URL,
      WORKER_IN_PROCESS: 'false',
      JOB_QUEUE_PREFIX: prefix,
      SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      JOB_RETRY_BASE_MS: '200',
      // A job leased by the killed worker is taken up again once its lease lapses.
      JOB_LEASE_MS: '3000',
      // At SIGTERM the API keeps serving (not ready) this long before it closes.
      SHUTDOWN_DRAIN_MS: '2000',
    };
    for (let i = 0; i < 3; i++) {
      const port = await freePort();
      apis.push({
        proc: new TsProcess('src/main.ts', { ...env, PORT: String(port), HOST: '127.0.0.1' }),
        url: `http://127.0.0.1:${port}`,
      });
    }
    for (let i = 0; i < 2; i++) workers.push(new TsProcess('src/worker.ts', env));
    await Promise.all([
      ...apis.map((api) => api.proc.output(SERVING)),
      ...workers.map((worker) => worker.output(/worker started/)),
    ]);
  });

  t.cleanup(async () => {
    await Promise.all([...apis.map((a) => a.proc.stop()), ...workers.map((w) => w.stop())]);
    await new Promise<void>((done) => sink.server.close(() => done()));
    await deleteRedisKeys(TEST_REDIS_URL, prefix);
  });

  const alive = new Set([0, 1, 2]);
  const submit = (api: number, r: Ready, key: string) =>
    fetch(`${apis[api].url}${applicationsUrl(AGENCY, r.organizationId, r.applicationId)}/submit`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${r.representative.token}`,
        'content-type': 'application/json',
        'idempotency-key': key,
      },
      body: JSON.stringify({
        certification: { name: 'Pat Jones', title: 'Superintendent', accepted: true },
      }),
    });

  it('submits every application exactly once through the APIs, one of them killed mid-load', async () => {
    const statuses: number[] = [];
    let retried = 0;
    let answered = 0;
    let apiKilled: Promise<unknown> | undefined;

    // Kill one worker as soon as it has mail going out: its leased jobs must not be lost.
    const killWorker = waitFor('the first email', () => sink.messageIds.length > 0).then(() => {
      workers[0].child.kill('SIGKILL');
      return workers[0].exited;
    });

    const one = async (r: Ready, index: number) => {
      const key = randomUUID();
      for (let attempt = 0; ; attempt++) {
        const live = [...alive];
        const api = live[(index + attempt) % live.length];
        try {
          const res = await submit(api, r, key);
          statuses.push(res.status);
          await res.arrayBuffer();
          // Kill the first API once a third of the submissions were answered (an event).
          if (++answered === Math.floor(SUBMISSIONS / 3) && !apiKilled) {
            alive.delete(0);
            apis[0].proc.child.kill('SIGKILL');
            apiKilled = apis[0].proc.exited;
          }
          return;
        } catch {
          // The connection died with its API: the same request, same key, to the next one.
          retried++;
          if (attempt > 5) throw new Error('no API answered');
        }
      }
    };
    // Six districts at a time, each submitting its own application.
    const queue = ready.map((r, i) => [r, i] as const);
    await Promise.all(
      Array.from({ length: 6 }, async () => {
        for (let next = queue.shift(); next; next = queue.shift()) await one(...next);
      }),
    );
    expect(statuses).toHaveLength(SUBMISSIONS);
    expect(statuses.filter((s) => s !== 200 && s !== 201)).toEqual([]);
    await apiKilled;
    await killWorker;

    expect(apis[0].proc.child.signalCode).toBe('SIGKILL');
    expect(workers[0].child.signalCode).toBe('SIGKILL');
    // How many requests died with the API depends on timing (often none, sometimes several);
    // what matters is that none was lost or doubled, below.
    void retried;

    const ids = ready.map((r) => r.applicationId);
    await asAgencyOwner(t, AGENCY, async (db) => {
      const { rows } = await db.query<{ status: string; n: string }>(
        `SELECT status, count(*) AS n FROM applications WHERE id = ANY($1) GROUP BY status`,
        [ids],
      );
      expect(rows).toEqual([{ status: 'submitted', n: String(SUBMISSIONS) }]);
      const audits = await db.query<{ entity_id: string; n: string }>(
        `SELECT entity_id, count(*) AS n FROM audit_events
          WHERE action = 'application.submitted' AND entity_id = ANY($1) GROUP BY entity_id`,
        [ids],
      );
      expect(audits.rows).toHaveLength(SUBMISSIONS);
      expect(audits.rows.every((row) => row.n === '1')).toBe(true);
    });
  });

  it('runs every job to its end once the survivors take over: none lost, effects once, every email sent', async () => {
    const pool = ownerPool(t);
    const unfinished = async () =>
      Number(
        (
          await pool.query<{ n: string }>(
            `SELECT count(*) AS n FROM jobs_outbox WHERE state IN ('pending', 'published')`,
          )
        ).rows[0].n,
      );
    const total = Number(
      (await pool.query<{ n: string }>(`SELECT count(*) AS n FROM jobs_outbox`)).rows[0].n,
    );
    // Waits for the backlog to drain, however long that takes; fails only if it stops moving.
    await waitForCount('jobs finished', async () => total - (await unfinished()), total);
    const dead = await pool.query(`SELECT name, last_error FROM jobs_outbox WHERE state = 'dead'`);
    expect(dead.rows).toEqual([]);

    // Each email's effect key is recorded once; each distinct message arrived (a job resent
    // after the kill sends the same Message-ID again, which a mail system drops).
    const effects = await asAgencyOwner(t, AGENCY, (db) =>
      db.query<{ n: string }>(
        `SELECT count(*) AS n FROM job_effects WHERE effect_key LIKE 'email:%'`,
      ),
    );
    const distinct = new Set(sink.messageIds);
    expect(distinct.size).toBe(Number(effects.rows[0].n));
    expect(distinct.size).toBeGreaterThanOrEqual(SUBMISSIONS);
  });

  it('keeps an audit chain that verifies in every agency', async () => {
    const rows = await readAgencies(
      async (text) => (await ownerPool(t).query<AgencyRow>(text)).rows,
    );
    const results = await verifyAllAuditLogs(
      t.db.appUrl,
      rows.map((row) => ({ agencyId: row.id, agencyCode: row.code })),
    );
    expect(results.filter(({ result }) => !result.ok)).toEqual([]);
  });

  it('drains on SIGTERM: reports not ready, answers the requests already sent, exits cleanly', async () => {
    const api = apis[1];
    const r = ready[0];
    const reads = Array.from({ length: 20 }, () =>
      fetch(`${api.url}${applicationsUrl(AGENCY, r.organizationId, r.applicationId)}`, {
        headers: { authorization: `Bearer ${r.representative.token}` },
      }).then(
        async (res) => ({ status: res.status, body: await res.text() }),
        (error: Error & { cause?: { code?: string } }) => ({
          status: 0,
          body: error.cause?.code ?? error.message,
        }),
      ),
    );
    // Stop once the first answer is out, with the others on their way.
    await Promise.race(reads);
    api.proc.child.kill('SIGTERM');
    await api.proc.output(/shutting down/);
    const readiness = await fetch(`${api.url}/health/ready`);
    expect(readiness.status).toBe(503);
    expect(await readiness.json()).toMatchObject({ status: 'draining' });
    // Every request sent before the signal is answered in full: none refused, none cut off.
    const answers = await Promise.all(reads);
    expect(answers.filter((a) => a.status !== 200)).toEqual([]);
    expect(await api.proc.exited).toBe(0);

    workers[1].child.kill('SIGTERM');
    expect(await workers[1].exited).toBe(0);
  });
});
