import { randomUUID } from 'node:crypto';
import { PRUNE_IDEMPOTENCY_KEYS_SCHEDULE } from '../src/core/idempotency/idempotency-schedules';
import { JobScheduler } from '../src/core/jobs';
import { PRUNE_JOB_EFFECTS_SCHEDULE } from '../src/core/jobs/job-housekeeping';
import { PRUNE_LOGIN_THROTTLES_SCHEDULE } from '../src/identity/identity-schedules';
import { PRUNE_WEBHOOK_DELIVERIES_SCHEDULE } from '../src/webhooks/webhook-log-retention';
import { asAgencyOwner, ownerPool } from './factories';
import { useTestApp } from './support/use-test-app';

/**
 * The daily prune schedules, each fired the way the scheduler fires it (as the app role, tenant
 * tables agency by agency): old rows go, recent ones stay.
 */
describe('housekeeping: pruning throttles, idempotency keys and processed-effect keys', () => {
  // No background schedule runs: each test fires its schedule itself.
  const t = useTestApp({ env: { WORKER_IN_PROCESS: 'false' } });
  const AGENCIES = ['mo-dese', 'ks-ksde'];

  const fire = (name: string) => t.app.get(JobScheduler).fire(name);

  it('forgets failed-login counts older than a day', async () => {
    const pool = ownerPool(t);
    await pool.query(
      `INSERT INTO login_throttles (email, failures, last_failed_at, locked_until) VALUES
         ('stale@throttle.example', 11, now() - interval '25 hours', now() - interval '24 hours'),
         ('today@throttle.example', 11, now() - interval '23 hours', NULL),
         ('locked@throttle.example', 11, now(), now() + interval '15 minutes')`,
    );
    await fire(PRUNE_LOGIN_THROTTLES_SCHEDULE);
    const { rows } = await pool.query(
      `SELECT email FROM login_throttles WHERE email LIKE '%@throttle.example' ORDER BY email`,
    );
    expect(rows.map((r) => r.email)).toEqual(['locked@throttle.example', 'today@throttle.example']);
  });

  it('forgets Idempotency-Keys older than 7 days, in every agency', async () => {
    for (const code of AGENCIES) {
      await asAgencyOwner(t, code, (client, agencyId) =>
        client.query(
          `INSERT INTO idempotency_keys (agency_id, principal, key, request_hash, response_status, created_at)
           VALUES ($1, 'someone', 'old-key', 'h', 201, now() - interval '7 days 1 minute'),
                  ($1, 'someone', 'recent-key', 'h', 201, now() - interval '6 days 23 hours')`,
          [agencyId],
        ),
      );
    }
    await fire(PRUNE_IDEMPOTENCY_KEYS_SCHEDULE);
    for (const code of AGENCIES) {
      const { rows } = await asAgencyOwner(t, code, (client) =>
        client.query(`SELECT key FROM idempotency_keys WHERE principal = 'someone'`),
      );
      expect(rows.map((r) => r.key)).toEqual(['recent-key']);
    }
  });

  it('forgets processed-effect keys past their retention, keeping dedupe keys still in use', async () => {
    for (const code of AGENCIES) {
      await asAgencyOwner(t, code, (client, agencyId) =>
        client.query(
          `INSERT INTO job_effects (agency_id, effect_key, job_id, created_at)
           VALUES ($1, 'test:ancient', $2, now() - interval '401 days'),
                  -- Older than the outbox keeps done jobs, but a reminder may still ask again.
                  ($1, 'test:reminder-14-days-ago', $2, now() - interval '14 days'),
                  ($1, 'test:today', $2, now())`,
          [agencyId, randomUUID()],
        ),
      );
    }
    await fire(PRUNE_JOB_EFFECTS_SCHEDULE);
    for (const code of AGENCIES) {
      const { rows } = await asAgencyOwner(t, code, (client) =>
        client.query(
          `SELECT effect_key FROM job_effects WHERE effect_key LIKE 'test:%' ORDER BY 1`,
        ),
      );
      expect(rows.map((r) => r.effect_key)).toEqual(['test:reminder-14-days-ago', 'test:today']);
    }
  });
  it('forgets finished webhook deliveries past their retention, keeping those still retried', async () => {
    for (const code of AGENCIES) {
      await asAgencyOwner(t, code, async (client, agencyId) => {
        const endpoint = await client.query<{ id: string }>(
          `INSERT INTO webhook_endpoints (agency_id, url, events, secret_sealed)
           VALUES ($1, 'https://hooks.example.org/', '{award.accepted}', 'v2.x.y.z') RETURNING id`,
          [agencyId],
        );
        await client.query(
          `INSERT INTO webhook_deliveries (agency_id, endpoint_id, event_id, event_type, body, state, created_at)
           SELECT $1, $2, e.id, 'award.accepted', '{}', e.state, now() - e.age::interval
             FROM (VALUES ('msg_old_done', 'delivered', '31 days'), ('msg_old_failed', 'failed', '31 days'),
                          ('msg_old_pending', 'pending', '31 days'), ('msg_recent', 'delivered', '29 days'))
               AS e(id, state, age)`,
          [agencyId, endpoint.rows[0].id],
        );
      });
    }
    await fire(PRUNE_WEBHOOK_DELIVERIES_SCHEDULE);
    for (const code of AGENCIES) {
      const { rows } = await asAgencyOwner(t, code, (client) =>
        client.query(`SELECT event_id FROM webhook_deliveries ORDER BY event_id`),
      );
      expect(rows.map((r) => r.event_id)).toEqual(['msg_old_pending', 'msg_recent']);
    }
  });
});
