import { createServer } from 'node:net';
import { UsageMeter } from '../src/core/usage/usage-meter';
import { MetricsServer } from '../src/core/metrics/metrics-server';
import { waitFor } from './factories/finance';
import {
  applicationsUrl,
  readyApplication,
  SAMPLE_PDF,
  submitApplication,
} from './factories/grants';
import {
  agencyId,
  asAgencyOwner,
  SignedIn,
  signedInPlatformAdmin,
  signedInStaff,
} from './factories/identity';
import { useTestApp } from './support/use-test-app';

const METRICS_TOKEN = 'metrics-token-for-tests-0123456789';
let metricsPort = 0;

/** A free loopback port for METRICS_PORT (bound and released just before the app boots). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

interface UsageRow {
  api_requests: string;
  applications_submitted: string;
  storage_bytes_added: string;
  emails_sent: string;
  jobs_run: string;
  active_users: string;
}

/**
 * Usage metering and metrics over HTTP as the app role: work in two agencies (uploads, a
 * submission and its email jobs in one, an upload in the other) is counted per agency as it
 * happens; the platform report (JSON and CSV) shows each agency's share and charge; an agency
 * admin reads only their own agency; /metrics refuses without its token and names what ran.
 */
describe('usage metering per agency, and /metrics', () => {
  beforeAll(async () => {
    metricsPort = await freePort();
  });
  const t = useTestApp({
    env: () => ({
      METRICS_TOKEN,
      METRICS_PORT: String(metricsPort),
      METRICS_HOST: '127.0.0.1',
      USAGE_PRICES: 'apiRequests=0.0001,applicationsSubmitted=0.50,emailsSent=0.001,jobsRun=0.0002',
    }),
  });

  let mo: Awaited<ReturnType<typeof readyApplication>>;
  let ks: Awaited<ReturnType<typeof readyApplication>>;

  // The owner reads across agencies (the report function's policy): every query names the agency.
  async function usageOf(code: string): Promise<UsageRow> {
    const id = await agencyId(t, code);
    return asAgencyOwner(t, code, async (client) => {
      const { rows } = await client.query(
        // Each connection adds to its own shard of the month: the agency's figure is their sum.
        `SELECT sum(u.api_requests)::text AS api_requests,
                sum(u.applications_submitted)::text AS applications_submitted,
                sum(u.storage_bytes_added)::text AS storage_bytes_added,
                sum(u.emails_sent)::text AS emails_sent, sum(u.jobs_run)::text AS jobs_run,
                (SELECT count(*) FROM agency_active_users a WHERE a.agency_id = $1
                    AND a.month = date_trunc('month', now())::date)::text AS active_users
           FROM agency_usage u
          WHERE u.agency_id = $1 AND u.month = date_trunc('month', now())::date`,
        [id],
      );
      return rows[0] as UsageRow;
    });
  }

  /** Every job of the agency done (the outbox is the source of truth), and its counts. */
  async function settledJobs(code: string) {
    const id = await agencyId(t, code);
    return waitFor(`${code}'s jobs done`, () =>
      asAgencyOwner(t, code, async (client) => {
        const { rows } = await client.query<{ open: string; done: string; emails: string }>(
          `SELECT (SELECT count(*) FROM jobs_outbox WHERE agency_id = $1 AND state <> 'done')::text AS open,
                  (SELECT count(*) FROM jobs_outbox WHERE agency_id = $1 AND state = 'done')::text AS done,
                  (SELECT count(*) FROM job_effects
                    WHERE agency_id = $1 AND effect_key LIKE 'email:%')::text AS emails`,
          [id],
        );
        return rows[0].open === '0' ? rows[0] : undefined;
      }),
    );
  }

  beforeAll(async () => {
    mo = await readyApplication(t, 'mo-dese');
    ks = await readyApplication(t, 'ks-ksde');
    const submitted = await submitApplication(
      t,
      'mo-dese',
      mo.organization.id,
      mo.application.id,
      mo.team.representative,
    );
    expect(submitted.status).toBe(201);
    await settledJobs('mo-dese');
    await settledJobs('ks-ksde');
    await t.app.get(UsageMeter).flush();
  });

  it('counts each agency’s work as it happens, in its own row', async () => {
    const moJobs = await settledJobs('mo-dese');
    const ksJobs = await settledJobs('ks-ksde');
    const moUsage = await usageOf('mo-dese');
    const ksUsage = await usageOf('ks-ksde');
    expect(moUsage).toMatchObject({
      applications_submitted: '1',
      storage_bytes_added: String(SAMPLE_PDF.length),
      emails_sent: moJobs.emails,
      jobs_run: moJobs.done,
    });
    expect(Number(moJobs.emails)).toBeGreaterThan(0);
    expect(ksUsage).toMatchObject({
      applications_submitted: '0',
      storage_bytes_added: String(SAMPLE_PDF.length),
      emails_sent: ksJobs.emails,
      jobs_run: ksJobs.done,
    });
    // The officer, grant writer and representative (at least) acted in each agency.
    expect(Number(moUsage.active_users)).toBeGreaterThanOrEqual(3);
    expect(Number(ksUsage.active_users)).toBeGreaterThanOrEqual(2);
  });

  it('counts authorized API requests exactly, and not an outsider’s', async () => {
    const before = Number((await usageOf('mo-dese')).api_requests);
    const ksBefore = Number((await usageOf('ks-ksde')).api_requests);
    const url = applicationsUrl('mo-dese', mo.organization.id, mo.application.id);
    for (let i = 0; i < 3; i++) {
      expect(
        (await t.request({ method: 'GET', url, token: mo.team.grantWriter.token })).status,
      ).toBe(200);
    }
    // A Kansas grant writer knocking at Missouri's door: 404, counted nowhere.
    const outsider = await t.request({ method: 'GET', url, token: ks.team.grantWriter.token });
    expect(outsider.status).toBe(404);
    await t.app.get(UsageMeter).flush();
    expect(Number((await usageOf('mo-dese')).api_requests)).toBe(before + 3);
    expect(Number((await usageOf('ks-ksde')).api_requests)).toBe(ksBefore);
  });

  describe('the reports', () => {
    let platform: SignedIn;
    let moAdmin: SignedIn;

    beforeAll(async () => {
      platform = await signedInPlatformAdmin(t);
      moAdmin = await signedInStaff(t, 'mo-dese', ['agency_admin']);
    });

    it('gives platform admins every agency, its shares and its charge (JSON and CSV)', async () => {
      const res = await t.request({
        method: 'GET',
        url: '/api/v1/platform/usage',
        token: platform.token,
      });
      expect(res.status).toBe(200);
      const report = res.json<{
        month: string;
        agencies: Array<{
          agencyCode: string;
          usage: Record<string, string>;
          share: Record<string, string>;
          charge: string;
          chargeShare: string;
        }>;
        totals: Record<string, string>;
        bill: { total: string };
      }>();
      const byCode = new Map(report.agencies.map((a) => [a.agencyCode, a]));
      const moLine = byCode.get('mo-dese')!;
      const ksLine = byCode.get('ks-ksde')!;
      expect(moLine.usage.applicationsSubmitted).toBe('1');
      expect(moLine.share.applicationsSubmitted).toBe('100.0');
      expect(ksLine.share.applicationsSubmitted).toBe('0.0');
      expect(moLine.share.storageBytesHeld).toBe('50.0');
      expect(report.totals.storageBytesHeld).toBe(String(2 * SAMPLE_PDF.length));
      // Charges are exact decimal strings that add up to the bill.
      const cents = (s: string) => BigInt(s.replace('.', ''));
      expect(cents(moLine.charge) + cents(ksLine.charge)).toBe(cents(report.bill.total));
      expect(cents(moLine.charge)).toBeGreaterThanOrEqual(50n); // the submission's $0.50

      const csv = await t.request({
        method: 'GET',
        url: `/api/v1/platform/usage/export.csv?month=${report.month}`,
        token: platform.token,
      });
      expect(csv.status).toBe(200);
      expect(csv.headers['content-type']).toMatch(/^text\/csv/);
      const lines = csv.body
        .replace(/^\ufeff/, '')
        .trim()
        .split('\r\n');
      expect(lines[0]).toBe(
        'month,agency_code,agency_name,api_requests,applications_submitted,storage_bytes_held,emails_sent,jobs_run,active_users,charge,charge_share_percent',
      );
      expect(lines.some((l) => l.startsWith(`${report.month},mo-dese,`))).toBe(true);
      expect(lines[lines.length - 1]).toMatch(new RegExp(`^${report.month},total,`));

      const bad = await t.request({
        method: 'GET',
        url: '/api/v1/platform/usage?month=2026-13',
        token: platform.token,
      });
      expect(bad.status).toBe(400);
    });

    it('gives an agency admin their own agency, and nothing of another', async () => {
      const own = await t.request({
        method: 'GET',
        url: '/api/v1/agencies/mo-dese/usage',
        token: moAdmin.token,
      });
      expect(own.status).toBe(200);
      expect(own.json()).toMatchObject({
        agencyCode: 'mo-dese',
        usage: { applicationsSubmitted: '1', storageBytesHeld: String(SAMPLE_PDF.length) },
      });
      // The attack: another agency's usage by its path, and the platform report.
      const other = await t.request({
        method: 'GET',
        url: '/api/v1/agencies/ks-ksde/usage',
        token: moAdmin.token,
      });
      expect(other.status).toBe(404);
      expect(other.body).not.toContain('ks-ksde"');
      const all = await t.request({
        method: 'GET',
        url: '/api/v1/platform/usage',
        token: moAdmin.token,
      });
      expect(all.status).toBe(403);
      const csv = await t.request({
        method: 'GET',
        url: '/api/v1/platform/usage/export.csv',
        token: moAdmin.token,
      });
      expect(csv.status).toBe(403);
      // Other staff of the same agency do not see the bill either.
      const officer = await t.request({
        method: 'GET',
        url: '/api/v1/agencies/mo-dese/usage',
        token: mo.officer.token,
      });
      expect(officer.status).toBe(403);
    });
  });

  describe('/metrics', () => {
    it('refuses without the token, and with a wrong one', async () => {
      const none = await t.request({ method: 'GET', url: '/metrics' });
      expect(none.status).toBe(401);
      const wrong = await t.request({
        method: 'GET',
        url: '/metrics',
        headers: { authorization: 'Bearer not-the-metrics-token-at-all' },
      });
      expect(wrong.status).toBe(401);
      const port = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
      expect(port.status).toBe(401);
    });

    it('names requests by route pattern and agency, jobs, the pool and the outbox', async () => {
      // An unknown agency code must not become a label value.
      await t.request({ method: 'GET', url: '/api/v1/agencies/zz-made-up/programs/published' });
      const res = await t.request({
        method: 'GET',
        url: '/metrics',
        headers: { authorization: `Bearer ${METRICS_TOKEN}` },
      });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
      const text = res.body;
      for (const name of [
        'gc_http_requests_total',
        'gc_http_request_duration_seconds_bucket',
        'gc_jobs_total',
        'gc_job_failures_total',
        'gc_job_duration_seconds_bucket',
        'gc_job_lag_seconds_bucket',
        'gc_db_pool_connections',
        'gc_outbox_jobs',
        'gc_outbox_oldest_due_seconds',
        'gc_outbox_relayed_total',
        'gc_process_cpu_seconds_total',
      ]) {
        expect(text).toContain(name);
      }
      expect(text).toMatch(
        /gc_http_requests_total\{method="POST",route="\/api\/v1\/agencies\/:agencyCode\/organizations\/:organizationId\/applications\/:applicationId\/submit",status="201",agency="mo-dese"\} 1/,
      );
      expect(text).toMatch(
        /gc_jobs_total\{job="notification\.email",outcome="done",agency="mo-dese"\} \d+/,
      );
      expect(text).toMatch(/gc_outbox_relayed_total\{delivery="first"\} [1-9]/);
      expect(text).toMatch(/gc_db_pool_connections\{state="total"\} \d+/);
      expect(text).toMatch(/gc_outbox_jobs\{state="pending"\} \d+/);
      // Route patterns only: no application id, and no made-up agency code, in any label.
      expect(text).not.toContain(mo.application.id);
      expect(text).not.toContain('zz-made-up');

      const separate = await fetch(`http://127.0.0.1:${metricsPort}/metrics`, {
        headers: { authorization: `Bearer ${METRICS_TOKEN}` },
      });
      expect(separate.status).toBe(200);
      expect(await separate.text()).toContain('gc_jobs_total');
      expect(t.app.get(MetricsServer).address?.port).toBe(metricsPort);
    });
  });
});
