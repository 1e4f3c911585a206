import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pino from 'pino';
import { DataSource } from 'typeorm';
import { AgencyDirectory } from '../src/agencies/agency-directory';
import { loadConfig } from '../src/core/config/env';
import { createApp } from '../src/create-app';
import { Client } from 'pg';
import { createInvitation, createUser, login, ownerPool } from './factories/identity';
import { connect, createTestDatabase, TestDatabase } from './support/database';
import { REPO_ROOT } from './support/test-app';
import { useTestApp } from './support/use-test-app';
import { TEST_APP, TEST_OWNER } from './support/test-database-env';

/**
 * The API never runs as a role that escapes row-level security (issue 13, item 12): boot is
 * refused for the owner, a superuser, a BYPASSRLS role or a table owner, with a message naming
 * DATABASE_URL; the app role boots, and afterwards the process holds no owner connection.
 */
describe('database role at boot', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });

  function boot(databaseUrl: string, ownerUrl?: string) {
    const config = loadConfig({
      NODE_ENV: 'test',
      DATA_DIR: join(REPO_ROOT, '.data', 'test'),
      AUTH_TOKEN_SECRET: 'test-secret-test-secret-test-secret-0123456789',
      PAYEE_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
      MIGRATE_ON_START: 'false',
      AGENCY_CONFIG_DIR: join(REPO_ROOT, 'config', 'agencies'),
      DATABASE_URL: databaseUrl,
      DATABASE_OWNER_URL: ownerUrl,
    });
    return createApp(config, pino({ level: 'silent' }));
  }

  /** Every connection to this test's database, whoever holds it. */
  async function sessions(): Promise<Array<{ usename: string; application_name: string }>> {
    const admin = await connect(db.adminUrl);
    try {
      const { rows } = await admin.query(
        `SELECT usename, application_name FROM pg_stat_activity
          WHERE datname = $1 AND pid <> pg_backend_pid()`,
        [db.name],
      );
      return rows;
    } finally {
      await admin.end();
    }
  }

  it('refuses DATABASE_URL = the owner role, naming the variable', async () => {
    await expect(boot(db.ownerUrl, db.ownerUrl)).rejects.toThrow(
      new RegExp(
        `DATABASE_URL connects as role "${TEST_OWNER}", which is the owner role.*npm run db:setup`,
      ),
    );
  });

  it('refuses a role that owns a table even when no owner URL is configured', async () => {
    await expect(boot(db.ownerUrl)).rejects.toThrow(
      new RegExp(`DATABASE_URL connects as role "${TEST_OWNER}", which owns table public\\.`),
    );
  });

  it('refuses a superuser', async () => {
    const superuser = new URL(db.adminUrl);
    superuser.pathname = `/${db.name}`;
    await expect(boot(superuser.toString(), db.ownerUrl)).rejects.toThrow(
      /DATABASE_URL connects as role ".*", which is a superuser/,
    );
  });

  it('refuses a role with BYPASSRLS, even one that is only a member of the app group', async () => {
    const role = `gc_test_bypass_${randomBytes(4).toString('hex')}`;
    const admin = await connect(db.adminUrl);
    try {
      await admin.query(`CREATE ROLE ${role} LOGIN BYPASSRLS PASSWORD '${role}'`);
      await admin.query(`GRANT gc_app TO ${role}`);
      const url = new URL(db.appUrl);
      url.username = role;
      url.password = role;
      await expect(boot(url.toString(), db.ownerUrl)).rejects.toThrow(
        new RegExp(`DATABASE_URL connects as role "${role}", which has BYPASSRLS`),
      );
    } finally {
      await admin.query(`DROP ROLE IF EXISTS ${role}`);
      await admin.end();
    }
  });

  it('refuses a role that may act as the owner (a member of the owner role)', async () => {
    const role = `gc_test_heir_${randomBytes(4).toString('hex')}`;
    const admin = await connect(db.adminUrl);
    try {
      await admin.query(
        `CREATE ROLE ${role} LOGIN PASSWORD '${role}' IN ROLE gc_app, ${TEST_OWNER}`,
      );
      const url = new URL(db.appUrl);
      url.username = role;
      url.password = role;
      await expect(boot(url.toString(), db.ownerUrl)).rejects.toThrow(
        new RegExp(`DATABASE_URL connects as role "${role}", which owns table public\\.`),
      );
    } finally {
      await admin.query(`DROP ROLE IF EXISTS ${role}`);
      await admin.end();
    }
  });

  it('without DATABASE_OWNER_URL, refuses a boot that would need the owner (agencies not synced yet)', async () => {
    const app = await boot(db.appUrl);
    try {
      await expect(app.init()).rejects.toThrow(
        /DATABASE_OWNER_URL \(the owner role\) is not set; run `npm run agencies:sync`/,
      );
    } finally {
      await app.close();
    }
  });

  it('left no connection behind after the refused boots', async () => {
    expect(await sessions()).toEqual([]);
  });

  it('boots as the app role, and then holds no owner connection (agency sync closed its own)', async () => {
    // The fresh clone has no agencies yet: this boot syncs them as the owner.
    const app = await boot(db.appUrl, db.ownerUrl);
    try {
      await app.init();
      expect(app.get(AgencyDirectory).list().length).toBeGreaterThan(0);
      await app.get(DataSource).query('SELECT 1');
      const held = await sessions();
      expect(held.length).toBeGreaterThan(0);
      expect(held.filter((s) => s.usename !== TEST_APP)).toEqual([]);
      expect(held.map((s) => s.application_name)).not.toContain('grant-commons-sync');
    } finally {
      await app.close();
    }
  });
});

describe('database role: an API process with the app role only', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });

  it('boots without DATABASE_OWNER_URL once a setup step has migrated and synced', async () => {
    const env = (extra: Record<string, string>) =>
      loadConfig({
        NODE_ENV: 'test',
        DATA_DIR: join(REPO_ROOT, '.data', 'test'),
        AUTH_TOKEN_SECRET: 'test-secret-test-secret-test-secret-0123456789',
        PAYEE_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
        AGENCY_CONFIG_DIR: join(REPO_ROOT, 'config', 'agencies'),
        DATABASE_URL: db.appUrl,
        ...extra,
      });
    // The setup step: owner credentials, then gone.
    const setup = await createApp(
      env({ DATABASE_OWNER_URL: db.ownerUrl, MIGRATE_ON_START: 'false' }),
      pino({ level: 'silent' }),
    );
    await setup.init();
    await setup.close();
    const config = env({}); // no owner URL: MIGRATE_ON_START defaults to false
    expect(config.databaseOwnerUrl).toBeUndefined();
    expect(config.migrateOnStart).toBe(false);
    const api = await createApp(config, pino({ level: 'silent' }));
    try {
      await api.init();
      expect(api.get(AgencyDirectory).list().length).toBeGreaterThan(0);
    } finally {
      await api.close();
    }
  });
});

describe('database role: the normal test app', () => {
  const t = useTestApp();

  it('connects as the app role with the statement and idle-in-transaction limits', async () => {
    const { app } = t;
    const rows: Array<{ user: string; statement: string; idle: string }> = await app
      .get(DataSource)
      .query(
        `SELECT current_user AS user, current_setting('statement_timeout') AS statement,
                current_setting('idle_in_transaction_session_timeout') AS idle`,
      );
    expect(rows[0]).toEqual({ user: TEST_APP, statement: '30s', idle: '1min' });
  });
});

/**
 * Column-level grants on users (issue 13, item 14): the app role writes only the columns the
 * app's own flows write; platform_admin and email take the owner.
 */
describe('users: the app role cannot write privileged columns', () => {
  const t = useTestApp();
  let app: Client;
  beforeAll(async () => {
    app = await connect(t.db.appUrl);
  });
  t.cleanup(async () => {
    await app.end();
  });

  const snapshot = async (id: string) =>
    (
      await ownerPool(t).query(
        `SELECT email, name, password_hash, platform_admin, updated_at FROM users WHERE id = $1`,
        [id],
      )
    ).rows[0] as Record<string, unknown>;

  it('refuses UPDATE of platform_admin and email, and INSERT of a platform admin', async () => {
    const user = await createUser(t);
    const before = await snapshot(user.id);
    await expect(
      app.query(`UPDATE users SET platform_admin = true WHERE id = $1`, [user.id]),
    ).rejects.toThrow(/permission denied for table users/);
    await expect(
      app.query(`UPDATE users SET email = 'attacker@example.org' WHERE id = $1`, [user.id]),
    ).rejects.toThrow(/permission denied for table users/);
    await expect(
      app.query(
        `INSERT INTO users (email, name, platform_admin) VALUES ('x@example.org', 'X', true)`,
      ),
    ).rejects.toThrow(/permission denied for table users/);
    expect(await snapshot(user.id)).toEqual(before);
    const admins = await ownerPool(t).query(
      `SELECT count(*)::int AS n FROM users WHERE platform_admin`,
    );
    expect(admins.rows[0].n).toBe(0);
  });

  it('still lets the app flows work: sign-in, accepting an invitation, a name change', async () => {
    const member = await createUser(t);
    expect((await login(t, member.email, member.password)).accessToken).toBeTruthy();

    const invitee = await createUser(t, { password: null });
    const token = await createInvitation(t, invitee.id);
    const accepted = await t.request({
      method: 'POST',
      url: '/api/v1/auth/accept-invitation',
      payload: { token, password: 'a long enough passphrase' },
    });
    expect(accepted.status).toBe(204);
    expect((await login(t, invitee.email, 'a long enough passphrase')).accessToken).toBeTruthy();

    await app.query(`UPDATE users SET name = 'Renamed', updated_at = now() WHERE id = $1`, [
      member.id,
    ]);
    expect((await snapshot(member.id)).name).toBe('Renamed');
  });
});
