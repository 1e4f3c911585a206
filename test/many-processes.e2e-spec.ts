import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { SMTPServer } from 'smtp-server';
import { readAgencies, AgencyRow } from '../src/agencies/agency-directory';
import { verifyAllAuditLogs } from '../src/core/audit/verify-all';
import { SCHEDULES_QUEUE } from '../src/core/jobs/drivers/bullmq-schedules';
import { CLOSE_WINDOWS_SCHEDULE } from '../src/programs/program-schedules';
import {
  activeAward,
  reimbursement,
  requestPayment,
  unbalancedLedgerTransactions,
} from './factories/finance';
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
import { asAgencyOwner, ownerPool, SignedIn, signedInStaff } from './factories/identity';
import { deleteRedisKeys, TEST_REDIS_URL } from './jobs/redis';
import { freePort, waitFor, waitForCount } from './jobs/waiting';
import { expectStatus, TEST_APP_ENV } from './support/test-app';
import { TsProcess } from './support/ts-process';
import { useTestApp } from './support/use-test-app';

const AGENCY = 'mo-dese';
const AGENCIES = ['mo-dese', 'ks-ksde'];
const SUBMISSIONS = 24;
/** Awards with payment requests above Missouri's $25,000 dual-approval threshold. */
const APPROVAL_AWARDS = 2;
const REQUESTS_PER_AWARD = 3;
const SERVING = /Grant Commons is serving at/;
const METRICS_TOKEN = 'many-processes-metrics-token-0123';

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

/** A submitted payment request that needs two different finance officers (2 CFR 200.303). */
interface ToApprove {
  requestId: string;
  reference: string;
  requester: SignedIn;
  financeA: SignedIn;
  financeB: SignedIn;
}

/** Sums a counter's samples in Prometheus text by the labels it is asked for. */
function counterSum(text: string, metric: string, labels: Record<string, string>): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${metric}{`)) continue;
    const matches = Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`));
    if (matches) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

/**
 * Issue 17, many processes: three API processes and two workers on one PostgreSQL and one Redis.
 * First the schedules: with both workers up, every tick of a schedule runs once in each agency
 * (BullMQ's record of the ticks against the runs both workers count), and its effect (a program
 * window closed) happens once. Then the load: submissions and payment-request approvals with
 * segregation of duties (each with an Idempotency-Key) go round the three APIs; one API and one
 * worker are killed with SIGKILL mid-load, and a client whose request died with its API sends it
 * again, with the same key, to the next. Afterwards every submission and every approval happened
 * exactly once, no request was approved twice or by its requester, the ledger balances, every
 * job ran to its end with its effects recorded once, every email arrived (a resend after a kill
 * carries the same Message-ID), the surviving worker's metrics count its jobs by name, and the
 * audit chain verifies. Then SIGTERM: in-flight requests finish.
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
  const workerMetrics: string[] = [];
  const ready: Ready[] = [];
  const toApprove: ToApprove[] = [];
  /** Per agency, a program whose window closes just before the workers start. */
  const closing: { agency: string; programId: string }[] = [];

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

    // Payment requests of $30,000 on active awards: each needs two finance officers.
    for (let a = 0; a < APPROVAL_AWARDS; a++) {
      const active = await activeAward(t, AGENCY, {
        budget: [{ functionCode: '1000', objectCode: '100', amount: '100000.00' }],
      });
      for (let r = 0; r < REQUESTS_PER_AWARD; r++) {
        const created = await requestPayment(
          t,
          AGENCY,
          active.organization.id,
          active.award.id,
          active.team.grantWriter,
          reimbursement('30000.00'),
        );
        expectStatus(created, 201, 'request payment');
        toApprove.push({
          requestId: created.json().id,
          reference: created.json().reference,
          requester: active.team.grantWriter,
          financeA: active.financeA,
          financeB: active.financeB,
        });
      }
    }

    // A program in each agency whose window (no grace) closes in a few seconds: the schedule
    // that closes windows has work in every agency once the workers run it.
    const closesAt = Date.now() + 4000;
    for (const agency of AGENCIES) {
      const officer = await signedInStaff(t, agency, ['program_officer']);
      const { program } = await openProgram(
        t,
        agency,
        { closesAt: new Date(closesAt).toISOString(), graceMinutes: 0 },
        officer,
      );
      closing.push({ agency, programId: program.id });
    }
    await waitFor('the windows to close', () => Date.now() > closesAt + 1000);

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
    for (let i = 0; i < 2; i++) {
      // Each worker serves its metrics on a port of its own, to the token.
      const metricsPort = await freePort();
      workerMetrics.push(`http://127.0.0.1:${metricsPort}/metrics`);
      workers.push(
        new TsProcess('src/worker.ts', {
          ...env,
          METRICS_PORT: String(metricsPort),
          METRICS_TOKEN,
        }),
      );
    }
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

  const scrape = async (url: string) => {
    const res = await fetch(url, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(res.status).toBe(200);
    return res.text();
  };

  it('ticks a schedule once per agency with two workers running, and its effect happens once', async () => {
    // The effect: each agency's program closed by the schedule, once (one audit event).
    for (const { agency, programId } of closing) {
      await waitFor(`the ${agency} program closed by the schedule`, () =>
        asAgencyOwner(t, agency, async (db) => {
          const { rows } = await db.query<{ status: string }>(
            `SELECT status FROM programs WHERE id = $1`,
            [programId],
          );
          return rows[0].status === 'closed';
        }),
      );
      const closed = await asAgencyOwner(t, agency, (db) =>
        db.query<{ n: string }>(
          `SELECT count(*) AS n FROM audit_events WHERE action = 'program.closed' AND entity_id = $1`,
          [programId],
        ),
      );
      expect({ agency, closedEvents: closed.rows[0].n }).toEqual({ agency, closedEvents: '1' });
    }

    // The ticks: BullMQ's record of the schedule's runs (one job per tick, whichever worker took
    // it) against what both workers count per agency. Read while no tick runs, after at least
    // two ticks (the first fires as the first worker starts; the next has both competing).
    const connection = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
    const queue = new Queue(SCHEDULES_QUEUE, { connection, prefix });
    try {
      const ticks = async () => {
        const named = async (state: 'completed' | 'active' | 'failed') =>
          (await queue.getJobs([state])).filter((job) => job.name === CLOSE_WINDOWS_SCHEDULE)
            .length;
        return { done: await named('completed'), busy: await named('active') };
      };
      const reading = await waitFor(
        'two ticks of the schedule, read while none runs',
        async () => {
          const before = await ticks();
          if (before.done < 2 || before.busy > 0) return undefined;
          const texts = await Promise.all(workerMetrics.map(scrape));
          const after = await ticks();
          if (after.done !== before.done || after.busy > 0) return undefined;
          return { ticks: before.done, texts };
        },
        undefined,
        500,
      );
      const failedTicks = (await queue.getJobs(['failed'])).map((job) => job.failedReason);
      expect(failedTicks).toEqual([]);
      for (const agency of AGENCIES) {
        const runs = reading.texts.map((text) =>
          counterSum(text, 'gc_schedule_runs_total', { schedule: CLOSE_WINDOWS_SCHEDULE, agency }),
        );
        // Once per tick in each agency, however the two workers shared the ticks.
        expect({ agency, runs: runs[0] + runs[1] }).toEqual({ agency, runs: reading.ticks });
      }
    } finally {
      await queue.close();
      connection.disconnect();
    }
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
  const approve = (api: number, p: ToApprove, officer: SignedIn, key: string) =>
    fetch(`${apis[api].url}/api/v1/agencies/${AGENCY}/payment-requests/${p.requestId}/approve`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${officer.token}`,
        'content-type': 'application/json',
        'idempotency-key': key,
      },
      body: '{}',
    });

  it('submits every application and records every approval exactly once through the APIs, one of them killed mid-load', async () => {
    const submissions: number[] = [];
    const approvals: string[] = [];
    let retried = 0;
    let answered = 0;
    let apiKilled: Promise<unknown> | undefined;
    const answers = SUBMISSIONS + 4 * toApprove.length;

    // Kill one worker as soon as it has mail going out: its leased jobs must not be lost.
    const killWorker = waitFor('the first email', () => sink.messageIds.length > 0).then(() => {
      workers[0].child.kill('SIGKILL');
      return workers[0].exited;
    });

    /**
     * One request round the live APIs, starting at `index`: a request whose connection died with
     * its API goes again, same key, to the next one.
     */
    const send = async (index: number, request: (api: number) => Promise<Response>) => {
      for (let attempt = 0; ; attempt++) {
        const live = [...alive];
        const api = live[(index + attempt) % live.length];
        try {
          const res = await request(api);
          const body = await res.text();
          // Kill the first API once a third of all answers are in (an event, not a time).
          if (++answered === Math.floor(answers / 3) && !apiKilled) {
            alive.delete(0);
            apis[0].proc.child.kill('SIGKILL');
            apiKilled = apis[0].proc.exited;
          }
          return { status: res.status, body };
        } catch {
          retried++;
          if (attempt > 5) throw new Error('no API answered');
        }
      }
    };
    const codeOf = (body: string) => JSON.parse(body) as { code?: string; status?: string };

    const submitOne = async (r: Ready, index: number) => {
      const key = randomUUID();
      submissions.push((await send(index, (api) => submit(api, r, key))).status);
    };
    // Segregation of duties, each step through the next API: the first finance officer approves;
    // the requester may not approve; the first officer cannot approve again; the second does.
    const approveChain = async (p: ToApprove, index: number) => {
      const [keyA, keyB] = [randomUUID(), randomUUID()];
      const first = await send(index, (api) => approve(api, p, p.financeA, keyA));
      const requester = await send(index + 1, (api) => approve(api, p, p.requester, randomUUID()));
      const again = await send(index + 2, (api) => approve(api, p, p.financeA, randomUUID()));
      const second = await send(index + 3, (api) => approve(api, p, p.financeB, keyB));
      approvals.push(
        [
          `first ${first.status} ${codeOf(first.body).status}`,
          `requester ${requester.status}`,
          `again ${again.status} ${codeOf(again.body).code}`,
          `second ${second.status} ${codeOf(second.body).status}`,
        ].join(', '),
      );
    };

    // Six clients at a time, districts submitting and finance officers approving, interleaved.
    const queue: Array<() => Promise<void>> = [];
    for (let i = 0; i < Math.max(ready.length, toApprove.length); i++) {
      if (ready[i]) queue.push(() => submitOne(ready[i], i));
      if (toApprove[i]) queue.push(() => approveChain(toApprove[i], i));
    }
    await Promise.all(
      Array.from({ length: 6 }, async () => {
        for (let next = queue.shift(); next; next = queue.shift()) await next();
      }),
    );
    expect(submissions).toHaveLength(SUBMISSIONS);
    expect(submissions.filter((s) => s !== 200 && s !== 201)).toEqual([]);
    expect(approvals).toEqual(
      Array(toApprove.length).fill(
        'first 200 awaiting_second_approval, requester 403, again 409 payment.already_approved, second 200 approved',
      ),
    );
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

      // Each request: approved, by exactly the two officers, each once; one approval audited
      // as recorded and one as completing; the requester told once.
      for (const p of toApprove) {
        const request = await db.query<{ status: string; approvers: string[] }>(
          `SELECT r.status,
                  (SELECT array_agg(a.approver_id::text ORDER BY a.approver_id)
                     FROM payment_approvals a
                    WHERE a.agency_id = r.agency_id AND a.request_id = r.id
                      AND a.decision = 'approved') AS approvers
             FROM payment_requests r WHERE r.id = $1`,
          [p.requestId],
        );
        expect(request.rows[0]).toEqual({
          status: 'approved',
          approvers: [p.financeA.user.id, p.financeB.user.id].sort(),
        });
        const audited = await db.query<{ action: string; n: string }>(
          `SELECT action, count(*) AS n FROM audit_events
            WHERE entity_id = $1 AND action LIKE 'payment_request.approv%'
            GROUP BY action ORDER BY action`,
          [p.requestId],
        );
        expect(audited.rows).toEqual([
          { action: 'payment_request.approval_recorded', n: '1' },
          { action: 'payment_request.approved', n: '1' },
        ]);
        const told = await db.query<{ n: string }>(
          `SELECT count(*) AS n FROM notifications
            WHERE template = 'payment.approved' AND data->>'requestRef' = $1`,
          [p.reference],
        );
        expect({ request: p.reference, notices: told.rows[0].n }).toEqual({
          request: p.reference,
          notices: '1',
        });
      }
    });
    const ledger = await unbalancedLedgerTransactions(t, AGENCIES);
    expect(ledger.problems).toEqual([]);
    expect(ledger.transactions).toBeGreaterThan(0);
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
    expect(distinct.size).toBeGreaterThanOrEqual(SUBMISSIONS + toApprove.length);

    // The surviving worker's metrics (its own port): refused without the token; with it, the
    // email jobs it ran, by name.
    expect((await fetch(workerMetrics[1])).status).toBe(401);
    const text = await scrape(workerMetrics[1]);
    expect(
      counterSum(text, 'gc_jobs_total', { job: 'notification.email', outcome: 'done' }),
    ).toBeGreaterThan(0);
    expect(text).toMatch(/^gc_job_duration_seconds_count\{job="notification.email"\} [1-9]/m);
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
