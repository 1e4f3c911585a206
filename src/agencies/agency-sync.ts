import { Client } from 'pg';
import { LoadedAgency } from './agency-config.loader';

/** What the agencies table holds for one agency, as far as syncing is concerned. */
export interface AgencyRowState {
  code: string;
  configHash: string;
  active: boolean;
}

export interface AgencySyncPlan {
  insert: LoadedAgency[];
  /** Changed config, or a file that came back after its agency was deactivated. */
  update: LoadedAgency[];
  /** Codes whose file is gone: deactivated, never deleted (their data and audit trail stay). */
  deactivate: string[];
  unchanged: string[];
}

export function planAgencySync(existing: AgencyRowState[], loaded: LoadedAgency[]): AgencySyncPlan {
  const rows = new Map(existing.map((row) => [row.code, row]));
  const codes = new Set(loaded.map((agency) => agency.config.code));
  const plan: AgencySyncPlan = { insert: [], update: [], deactivate: [], unchanged: [] };
  for (const agency of loaded) {
    const row = rows.get(agency.config.code);
    if (!row) plan.insert.push(agency);
    else if (row.configHash !== agency.configHash || !row.active) plan.update.push(agency);
    else plan.unchanged.push(agency.config.code);
  }
  for (const row of existing) {
    if (row.active && !codes.has(row.code)) plan.deactivate.push(row.code);
  }
  return plan;
}

export function isEmptyPlan(plan: AgencySyncPlan): boolean {
  return plan.insert.length + plan.update.length + plan.deactivate.length === 0;
}

export interface AgencySyncResult {
  inserted: string[];
  updated: string[];
  deactivated: string[];
  unchanged: string[];
}

const summary = (plan: AgencySyncPlan): AgencySyncResult => ({
  inserted: plan.insert.map((a) => a.config.code),
  updated: plan.update.map((a) => a.config.code),
  deactivated: plan.deactivate,
  unchanged: plan.unchanged,
});

type Query = (text: string, params?: unknown[]) => Promise<{ rows: unknown[] }>;

export async function readAgencyStates(query: Query): Promise<AgencyRowState[]> {
  const { rows } = await query(
    `SELECT code, config_hash AS "configHash", active FROM agencies ORDER BY code`,
  );
  return rows as AgencyRowState[];
}

export class AgencySyncError extends Error {
  constructor(message: string, options?: { cause: unknown }) {
    super(message, options);
    this.name = 'AgencySyncError';
  }
}

/**
 * Makes the agencies table match the files, as the owner role (the app role may only read it).
 * Idempotent; serialised by an advisory lock so an API and a worker starting together do not
 * race. `readOnlyFirst` reads the current state through the app role and skips the owner
 * connection entirely when nothing changed.
 */
export async function syncAgencies(
  ownerUrl: string | undefined,
  loaded: LoadedAgency[],
  readOnlyFirst?: Query,
): Promise<AgencySyncResult> {
  if (readOnlyFirst) {
    const plan = planAgencySync(await readAgencyStates(readOnlyFirst), loaded);
    if (isEmptyPlan(plan)) return summary(plan);
  }
  if (!ownerUrl) {
    throw new AgencySyncError(
      'agency sync: config/agencies differs from the agencies table and DATABASE_OWNER_URL (the owner role) is not set; run `npm run agencies:sync` with it (the setup job does), or set it for this process',
    );
  }
  const client = new Client({ connectionString: ownerUrl, application_name: 'grant-commons-sync' });
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query(`SELECT pg_advisory_xact_lock(hashtextextended('agencies:sync', 0))`);
    const existing = await readAgencyStates((text, params) => client.query(text, params));
    const before = new Map(existing.map((row) => [row.code, row]));
    const plan = planAgencySync(existing, loaded);
    // Onboarding and configuration changes are platform events: audited like any state change.
    const audit = (action: string, code: string, from: unknown, to: unknown) =>
      client.query(
        `INSERT INTO platform_audit_events (actor_kind, action, entity_type, entity_id, before, after)
         VALUES ('system', $1, 'agency', $2, $3::jsonb, $4::jsonb)`,
        [action, code, from === null ? null : JSON.stringify(from), JSON.stringify(to)],
      );
    for (const agency of [...plan.insert, ...plan.update]) {
      const { config, configHash } = agency;
      const previous = before.get(config.code);
      await client.query(
        `INSERT INTO agencies (code, name, jurisdiction, time_zone, config, config_hash, active)
         VALUES ($1, $2, $3, $4, $5::jsonb, $6, true)
         ON CONFLICT (code) DO UPDATE SET
           name = EXCLUDED.name, jurisdiction = EXCLUDED.jurisdiction,
           time_zone = EXCLUDED.time_zone, config = EXCLUDED.config,
           config_hash = EXCLUDED.config_hash, active = true, updated_at = now()`,
        [
          config.code,
          config.name,
          config.jurisdiction,
          config.timeZone,
          JSON.stringify(config),
          configHash,
        ],
      );
      await audit(
        previous ? 'agency.config_changed' : 'agency.onboarded',
        config.code,
        previous ? { configHash: previous.configHash, active: previous.active } : null,
        { configHash, active: true },
      );
    }
    for (const code of plan.deactivate) {
      await client.query(`UPDATE agencies SET active = false, updated_at = now() WHERE code = $1`, [
        code,
      ]);
      await audit('agency.deactivated', code, { active: true }, { active: false });
    }
    await client.query('COMMIT');
    return summary(plan);
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    if (error instanceof AgencySyncError) throw error;
    const code = (error as { code?: string }).code;
    throw new AgencySyncError(
      code === '42501'
        ? 'agency sync: the database role cannot write the agencies table; set DATABASE_OWNER_URL to the owner role (or run `npm run agencies:sync` with it)'
        : `agency sync failed: ${(error as Error).message}`,
      { cause: error },
    );
  } finally {
    await client.end();
  }
}
