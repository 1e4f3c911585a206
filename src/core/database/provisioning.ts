import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source-options';
import { StartupError } from '../startup/startup-error';
import { DatabaseError } from './database.errors';

/**
 * The group role every migration grants table privileges to. The login role the server uses
 * (from DATABASE_URL) is a member of it, so migrations never need to know that role's name.
 */
export const APP_GROUP_ROLE = 'gc_app';

export interface DatabaseTargets {
  /** A superuser (or CREATEROLE + CREATEDB) connection used only to create roles and the database. */
  adminUrl: string;
  /** The owner role: owns the schema, runs migrations. */
  ownerUrl: string;
  /** The app role: non-owner, NOBYPASSRLS; the server connects as it. */
  appUrl: string;
}

interface RoleTarget {
  user: string;
  password: string;
  database: string;
}

function parse(url: string, label: string): RoleTarget {
  const parsed = new URL(url);
  const user = decodeURIComponent(parsed.username);
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (!user) throw new DatabaseError(`${label}: the URL names no user`);
  if (!database) throw new DatabaseError(`${label}: the URL names no database`);
  return { user, password: decodeURIComponent(parsed.password), database };
}

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;
const literal = (value: string) => `'${value.replace(/'/g, "''")}'`;

async function ensureLoginRole(admin: Client, role: RoleTarget, attributes: string): Promise<void> {
  const exists = await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role.user]);
  const verb = exists.rowCount ? 'ALTER' : 'CREATE';
  const password = role.password ? ` PASSWORD ${literal(role.password)}` : '';
  await admin.query(`${verb} ROLE ${ident(role.user)} WITH LOGIN ${attributes}${password}`);
}

/**
 * Creates (idempotently) the owner role, the app role, the group role and the database.
 * Safe to run on every start and from `npm run db:setup`.
 */
export async function provisionDatabase(targets: DatabaseTargets): Promise<void> {
  const owner = parse(targets.ownerUrl, 'DATABASE_OWNER_URL');
  const app = parse(targets.appUrl, 'DATABASE_URL');
  if (owner.user === app.user) {
    throw new DatabaseError(
      'DATABASE_URL and DATABASE_OWNER_URL must use different roles (the app role must not own tables)',
    );
  }
  if (owner.database !== app.database) {
    throw new DatabaseError('DATABASE_URL and DATABASE_OWNER_URL must name the same database');
  }

  const admin = new Client({ connectionString: targets.adminUrl });
  await admin.connect();
  try {
    // Serialise concurrent provisioning (several test workers, or API and worker starting together).
    await admin.query('SELECT pg_advisory_lock(727001)');
    const group = await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [APP_GROUP_ROLE]);
    if (!group.rowCount) await admin.query(`CREATE ROLE ${ident(APP_GROUP_ROLE)} NOLOGIN`);
    await ensureLoginRole(admin, owner, 'NOSUPERUSER NOBYPASSRLS');
    await ensureLoginRole(admin, app, 'NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE');
    await admin.query(`GRANT ${ident(APP_GROUP_ROLE)} TO ${ident(app.user)}`);
    const db = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [owner.database]);
    if (!db.rowCount) {
      await admin.query(`CREATE DATABASE ${ident(owner.database)} OWNER ${ident(owner.user)}`);
    }
    await admin.query('SELECT pg_advisory_unlock(727001)');
  } finally {
    await admin.end();
  }

  // Inside the database: the app may use the schema but create nothing in it.
  const adminUrl = new URL(targets.adminUrl);
  adminUrl.pathname = `/${encodeURIComponent(owner.database)}`;
  const inDb = new Client({ connectionString: adminUrl.toString() });
  await inDb.connect();
  try {
    await inDb.query(`ALTER SCHEMA public OWNER TO ${ident(owner.user)}`);
    await inDb.query('REVOKE CREATE ON SCHEMA public FROM PUBLIC');
    await inDb.query(`GRANT USAGE ON SCHEMA public TO ${ident(APP_GROUP_ROLE)}`);
    await inDb.query(
      `GRANT CONNECT ON DATABASE ${ident(owner.database)} TO ${ident(APP_GROUP_ROLE)}`,
    );
  } finally {
    await inDb.end();
  }
}

/** Applies pending migrations as the owner role. Returns the names applied. */
export async function runMigrations(ownerUrl: string): Promise<string[]> {
  const dataSource = new DataSource(dataSourceOptions(ownerUrl, 1, 'grant-commons-migrate'));
  await dataSource.initialize();
  try {
    // Concurrent starters (API and worker) must not both migrate.
    await dataSource.query('SELECT pg_advisory_lock(727002)');
    let applied;
    try {
      applied = await dataSource.runMigrations({ transaction: 'each' });
    } catch (error) {
      throw new MigrationFailedError(await firstPending(dataSource), error);
    }
    await dataSource.query('SELECT pg_advisory_unlock(727002)');
    return applied.map((m) => m.name);
  } finally {
    await dataSource.destroy();
  }
}

/** A migration that failed: named, with the database's reason; it was rolled back alone. */
export class MigrationFailedError extends StartupError {
  constructor(migration: string | undefined, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(
      `migration ${migration ?? '(unknown)'} failed: ${reason}. It was rolled back; the migrations before it stay applied. Fix the cause (or the migration) and start again.`,
    );
  }
}

/** After a failure with one transaction per migration, the first not recorded is the one. */
async function firstPending(dataSource: DataSource): Promise<string | undefined> {
  try {
    const rows: Array<{ name: string }> = await dataSource.query(
      'SELECT name FROM schema_migrations',
    );
    const done = new Set(rows.map((r) => r.name));
    return [...dataSource.migrations]
      .map((m) => m.name ?? m.constructor.name)
      .sort((a, b) => Number(/\d+$/.exec(a)?.[0]) - Number(/\d+$/.exec(b)?.[0]))
      .find((name) => !done.has(name));
  } catch {
    return undefined;
  }
}

/**
 * The drift check: on a migrated database, what would TypeORM still change to match the
 * entities? An empty list means entities and migrations agree.
 */
export async function schemaDrift(ownerUrl: string): Promise<string[]> {
  const dataSource = new DataSource(dataSourceOptions(ownerUrl, 1, 'grant-commons-drift'));
  await dataSource.initialize();
  try {
    const sql = await dataSource.driver.createSchemaBuilder().log();
    return sql.upQueries.map((q) => q.query);
  } finally {
    await dataSource.destroy();
  }
}
