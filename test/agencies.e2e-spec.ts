import { rmSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { loadAgencyConfigs } from '../src/agencies/agency-config.loader';
import { AgencyDirectory } from '../src/agencies/agency-directory';
import { syncAgencies } from '../src/agencies/agency-sync';
import { loadConfig } from '../src/core/config/env';
import { createApp } from '../src/create-app';
import { connect, createTestDatabase } from './support/database';
import { REPO_ROOT } from './support/test-app';
import { agencyConfigDir, IOWA, SHIPPED_AGENCIES } from './support/third-agency';
import { useTestApp } from './support/use-test-app';

const SHIPPED = SHIPPED_AGENCIES;
const configDir = agencyConfigDir;

describe('agencies: configuration modules synced into the tenant table', () => {
  const t = useTestApp();

  it('syncs the shipped agencies at start, active, with their validated config', async () => {
    const owner = await connect(t.db.ownerUrl);
    try {
      const { rows } = await owner.query(
        `SELECT code, jurisdiction, time_zone, active, config->'finance'->>'paymentExportFormat' AS export,
                length(config_hash) AS hash_length
           FROM agencies ORDER BY code`,
      );
      expect(rows).toEqual([
        {
          code: 'ks-ksde',
          jurisdiction: 'Kansas',
          time_zone: 'America/Chicago',
          active: true,
          export: 'nacha-ach',
          hash_length: 64,
        },
        {
          code: 'mo-dese',
          jurisdiction: 'Missouri',
          time_zone: 'America/Chicago',
          active: true,
          export: 'csv',
          hash_length: 64,
        },
      ]);
    } finally {
      await owner.end();
    }
  });

  it('gives other modules each agency’s own policy through the directory', () => {
    const directory = t.app.get(AgencyDirectory);
    const mo = directory.findByCode('mo-dese')!;
    const ks = directory.findByCode('ks-ksde')!;
    expect(mo.agencyId).not.toBe(ks.agencyId);
    expect(directory.findById(mo.agencyId)).toMatchObject({
      code: 'mo-dese',
      timeZone: 'America/Chicago',
    });
    expect(directory.configOf(mo.agencyId).finance).toMatchObject({
      paymentModels: ['reimbursement'],
      dualApprovalThreshold: '25000.00',
      paymentExportFormat: 'csv',
    });
    expect(directory.configOf(ks.agencyId).finance).toMatchObject({
      paymentModels: ['reimbursement', 'advance'],
      dualApprovalThreshold: '10000.00',
      paymentExportFormat: 'nacha-ach',
    });
    expect(directory.findByCode('xx-none')).toBeUndefined();
    expect(Object.isFrozen(directory.configOf(mo.agencyId).finance)).toBe(true);
  });

  it('hands a strategy the options its declaration names, beside the field choosing it', () => {
    const directory = t.app.get(AgencyDirectory);
    const ks = directory.findByCode('ks-ksde')!;
    const mo = directory.findByCode('mo-dese')!;
    expect(directory.strategyOptions(ks.agencyId, 'paymentExport', 'nacha-ach')).toMatchObject({
      immediateDestination: '101900012',
    });
    expect(directory.strategyOptions(ks.agencyId, 'paymentExport', 'csv')).toBeUndefined();
    expect(directory.strategyOptions(mo.agencyId, 'paymentExport', 'nacha-ach')).toBeUndefined();
  });

  it('serves an agency’s public profile without sign-in, and 404 for an unknown code', async () => {
    const res = await t.request({ method: 'GET', url: '/api/v1/agencies/ks-ksde/profile' });
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({
      code: 'ks-ksde',
      name: 'Kansas State Department of Education',
      jurisdiction: 'Kansas',
      timeZone: 'America/Chicago',
      fiscalYearStart: '07-01',
      branding: {
        displayName: 'KSDE Grants Portal',
        primaryColor: '#5B2C83',
        emailFooter: 'Kansas State Department of Education, Topeka, KS',
      },
      attachments: {
        maxAttachmentBytes: 5242880,
        allowedAttachmentTypes: ['application/pdf', 'text/csv'],
      },
      paymentModels: ['reimbursement', 'advance'],
      // The rules an applicant follows (issue 18), and nothing the agency keeps to itself.
      finance: {
        paymentModels: ['reimbursement', 'advance'],
        dualApprovalThreshold: '10000.00',
        budgetTolerancePercent: '15',
        allowedFunctionCodes: ['1000', '2100', '2200', '2300', '2500', '2600', '2700'],
        allowedObjectCodes: ['100', '200', '300', '400', '500', '600', '700', '800'],
        paymentCutoff: { requestWindowStartDay: 1, requestWindowEndDay: 15, payByDay: 25 },
      },
    });
    // No SSO client, secret variable, ACH originator, sender address or template override.
    for (const secret of [
      'KSDE_STAFF_SSO_SECRET',
      '5b1e8d0a-0000-4000-8000-000000000001',
      '1486000112',
      'grants@ksde.ks.example',
      'achOriginator',
      'sso',
    ]) {
      expect(res.body).not.toContain(secret);
    }
    const unknown = await t.request({ method: 'GET', url: '/api/v1/agencies/zz-nowhere/profile' });
    expect(unknown.status).toBe(404);
    expect(unknown.json()).toMatchObject({ code: 'agency.not_found' });
  });

  it('keeps the platform agency list behind sign-in', async () => {
    const res = await t.request({ method: 'GET', url: '/api/v1/platform/agencies' });
    expect(res.status).toBe(401);
  });

  it('syncs idempotently, deactivates an agency whose file is gone (never deletes), and audits it', async () => {
    const loaded = loadAgencyConfigs(SHIPPED);
    const owner = await connect(t.db.ownerUrl);
    try {
      const before = await owner.query(`SELECT code, updated_at FROM agencies ORDER BY code`);
      expect(await syncAgencies(t.db.ownerUrl, loaded)).toEqual({
        inserted: [],
        updated: [],
        deactivated: [],
        unchanged: ['ks-ksde', 'mo-dese'],
      });
      const after = await owner.query(`SELECT code, updated_at FROM agencies ORDER BY code`);
      expect(after.rows).toEqual(before.rows);

      const onlyMissouri = loaded.filter((a) => a.config.code === 'mo-dese');
      expect((await syncAgencies(t.db.ownerUrl, onlyMissouri)).deactivated).toEqual(['ks-ksde']);
      const ks = await owner.query(`SELECT active FROM agencies WHERE code = 'ks-ksde'`);
      expect(ks.rows).toEqual([{ active: false }]);
      // After a restart (reload) a deactivated agency's paths answer 404 like an unknown one.
      const directory = t.app.get(AgencyDirectory);
      await directory.reload();
      expect(directory.findByCode('ks-ksde')).toBeUndefined();
      // Still named for its users' memberships and notices, and sealed; no longer scheduled.
      const ksId = (await owner.query(`SELECT id FROM agencies WHERE code = 'ks-ksde'`)).rows[0].id;
      expect(directory.describe(ksId)).toMatchObject({ code: 'ks-ksde', name: expect.any(String) });
      expect(directory.allTenants().map((a) => a.agencyCode)).toEqual(['ks-ksde', 'mo-dese']);
      expect(directory.activeTenants().map((a) => a.agencyCode)).toEqual(['mo-dese']);
      const gone = await t.request({ method: 'GET', url: '/api/v1/agencies/ks-ksde/profile' });
      expect(gone.status).toBe(404);

      expect((await syncAgencies(t.db.ownerUrl, loaded)).updated).toEqual(['ks-ksde']);
      const back = await owner.query(`SELECT active FROM agencies WHERE code = 'ks-ksde'`);
      expect(back.rows).toEqual([{ active: true }]);
      await directory.reload();
      expect(directory.findByCode('ks-ksde')).toBeDefined();

      const audited = await owner.query(
        `SELECT action FROM platform_audit_events WHERE entity_type = 'agency' AND entity_id = 'ks-ksde'
          ORDER BY occurred_at, action`,
      );
      expect(audited.rows.map((r) => r.action)).toEqual([
        'agency.onboarded',
        'agency.deactivated',
        'agency.config_changed',
      ]);
    } finally {
      await owner.end();
    }
  });
  it('says which credential is missing when a change needs the owner and only the app role is given', async () => {
    const dir = configDir({ 'ia-doe.yaml': IOWA });
    try {
      await expect(syncAgencies(t.db.appUrl, loadAgencyConfigs(dir))).rejects.toThrow(
        /cannot write the agencies table; set DATABASE_OWNER_URL/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('agencies: a third agency is one new file and a restart', () => {
  const dir = configDir({ 'ia-doe.yaml': IOWA });
  const t = useTestApp({ env: { AGENCY_CONFIG_DIR: dir } });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('boots with it, stores it, and serves it under its own code', async () => {
    const res = await t.request({ method: 'GET', url: '/api/v1/agencies/ia-doe/profile' });
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({
      code: 'ia-doe',
      name: 'Iowa Department of Education',
      jurisdiction: 'Iowa',
      branding: { displayName: 'Iowa Grants Portal' },
      paymentModels: ['advance'],
    });
    const directory = t.app.get(AgencyDirectory);
    const iowa = directory.findByCode('ia-doe')!;
    expect(directory.configOf(iowa.agencyId).finance.dualApprovalThreshold).toBe('50000.00');

    const app = await connect(t.db.appUrl);
    try {
      const { rows } = await app.query(`SELECT code, active FROM agencies ORDER BY code`);
      expect(rows).toEqual([
        { code: 'ia-doe', active: true },
        { code: 'ks-ksde', active: true },
        { code: 'mo-dese', active: true },
      ]);
    } finally {
      await app.end();
    }
  });
});

describe('agencies: a bad agency file stops boot', () => {
  it('with a message naming the file, the field and the problem', async () => {
    const bad = IOWA.replace('dualApprovalThreshold: "50000.00"', 'dualApprovalThreshold: 50000')
      .replace('timeZone: America/Chicago', 'timeZone: America/Des_Moines')
      .replace('paymentExportFormat: csv', 'paymentExportFormat: xml');
    const dir = configDir({ 'ia-doe.yaml': bad });
    const db = await createTestDatabase();
    const config = loadConfig({
      NODE_ENV: 'test',
      DATA_DIR: join(REPO_ROOT, '.data', 'test'),
      AUTH_TOKEN_SECRET: 'test-secret-test-secret-test-secret-0123456789',
      PAYEE_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
      MIGRATE_ON_START: 'false',
      AGENCY_CONFIG_DIR: dir,
      DATABASE_URL: db.appUrl,
      DATABASE_OWNER_URL: db.ownerUrl,
    });
    const app = await createApp(config, pino({ level: 'silent' }));
    try {
      const boot = app.init();
      await expect(boot).rejects.toThrow('Invalid agency configuration');
      const message = await boot.catch((error: Error) => error.message);
      const file = join(dir, 'ia-doe.yaml');
      expect(message).toContain(
        `${file}: finance.dualApprovalThreshold: must be a decimal string like "25000.00" (quote it in YAML)`,
      );
      expect(message).toContain(
        `${file}: timeZone: must be an IANA time zone like "America/Chicago"`,
      );
      expect(message).toContain(
        `${file}: finance.paymentExportFormat: must name a known paymentExport strategy (csv, nacha-ach)`,
      );
      // Nothing was synced: the bad file never reached the table.
      const owner = await connect(db.ownerUrl);
      const { rows } = await owner.query(`SELECT count(*)::int AS n FROM agencies`);
      await owner.end();
      expect(rows[0].n).toBe(0);
    } finally {
      await app.close().catch(() => undefined);
      await db.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
