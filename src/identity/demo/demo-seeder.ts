import { INestApplication, Inject, Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { AgencyDirectory } from '../../agencies/agency-directory';
import { AuditLog } from '../../core/audit/audit-log';
import { APP_CONFIG } from '../../core/config/config.module';
import { AppConfig } from '../../core/config/env';
import { Actor } from '../../core/context/request-context';
import { TenantRunner } from '../../core/context/tenant-db';
import { PasswordHasher } from '../auth/password-hasher';
import { SessionService } from '../auth/session.service';
import { SecondFactors } from '../mfa/second-factors.service';
import { AGENCY_ROLES } from '../permissions';
import { sql, sqlRows, sqlText } from '../../core/database/sql-statement';
import { AgencyMembership } from '../entities/agency-membership.entity';
import { User } from '../entities/user.entity';

const ANY_USER = sql<{ any: boolean }>(
  'identity.demo-any-user',
  `SELECT EXISTS (SELECT 1 FROM users) AS any`,
);
const ADD_STAFF = sql<Pick<AgencyMembership, 'userId'>>(
  'identity.demo-add-staff',
  `INSERT INTO agency_memberships (agency_id, user_id, roles) VALUES ($1, $2, $3)
   ON CONFLICT (agency_id, user_id) DO NOTHING RETURNING user_id AS "userId"`,
);
/** Run as the owner: the app role may not write users.platform_admin. */
const MAKE_PLATFORM_ADMIN = sql(
  'identity.demo-make-platform-admin',
  `UPDATE users SET platform_admin = true WHERE id = $1`,
);
const USER_BY_EMAIL = sql<Pick<User, 'id'>>(
  'identity.demo-user-by-email',
  `SELECT id FROM users WHERE email = $1`,
);
const INSERT_USER = sql<Pick<User, 'id'>>(
  'identity.demo-user-insert',
  `INSERT INTO users (email, name, password_hash) VALUES ($1, $2, $3)
   ON CONFLICT (email) DO NOTHING RETURNING id`,
);

/** Printed with the logins; for local demos only (the CLI refuses NODE_ENV=production). */
export const DEMO_PASSWORD = 'grant-commons-demo';
export const DEMO_PLATFORM_ADMIN = 'platform.admin@grantcommons.example.org';

export interface DemoLogin {
  email: string;
  password: string;
  agency: string | null;
  roles: string[];
  /** The district, for a district's member (a district working with two agencies has two). */
  organization?: string;
  /** What this person does in the demo, when the role alone does not say it. */
  note?: string;
}

const SEEDER: Actor = { kind: 'system' };

export const demoEmail = (agencyCode: string, role: string): string =>
  `${role.replace(/_/g, '.')}@${agencyCode}.example.org`;

/**
 * The agency's second finance officer: builds the payment batches, which whoever activated the
 * bank details they pay may not (separation of duties, 2 CFR 200.303).
 */
export const demoBatchOfficer = (agencyCode: string): string =>
  `finance.officer.2@${agencyCode}.example.org`;

/** Each agency's demo staff: one person per agency role, and the second finance officer. */
export function demoStaff(agencyCode: string) {
  return [
    ...AGENCY_ROLES.map((role) => ({ email: demoEmail(agencyCode, role), role, note: undefined })),
    {
      email: demoBatchOfficer(agencyCode),
      role: 'finance_officer' as const,
      note: 'second finance officer: builds payment batches',
    },
  ];
}

/**
 * Demo staff: in every active agency one user per agency role, plus a platform admin, all with
 * DEMO_PASSWORD. Idempotent (existing users and memberships are left as they are) and audited
 * like any other change, through the app role and the tenant context.
 */
@Injectable()
export class DemoSeeder {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    private readonly runner: TenantRunner,
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly passwords: PasswordHasher,
    private readonly audit: AuditLog,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly agencies: AgencyDirectory,
    private readonly factors: SecondFactors,
    private readonly sessions: SessionService,
  ) {}

  /**
   * The demo scenario signs agency admins in through the API, which makes them enrol a second
   * factor whose secret only the scenario saw: it is removed afterwards (with the scenario's
   * sessions), so the people trying the demo set up their own app at their first sign-in.
   */
  async forgetScenarioFactors(userIds: string[]): Promise<void> {
    if (userIds.length === 0) return;
    await this.runner.runWithoutTenant(SEEDER, async () => {
      for (const userId of userIds) {
        await this.factors.remove(userId);
        await this.sessions.revokeAllForUser(userId, 'logout');
      }
    });
  }

  /** Seeds only a database with no users at all (the first `npm start` on embedded PostgreSQL). */
  async seedIfEmpty(): Promise<DemoLogin[] | undefined> {
    const rows = await sqlRows(this.dataSource, ANY_USER, []);
    return rows[0].any ? undefined : this.seed();
  }

  async seed(): Promise<DemoLogin[]> {
    const logins: DemoLogin[] = [];
    const admin = await this.runner.runWithoutTenant(SEEDER, async () => {
      const user = await this.ensureUser(DEMO_PLATFORM_ADMIN, 'Demo Platform Admin');
      if (user.created) {
        await this.audit.recordPlatform({
          action: 'user.created',
          entityType: 'user',
          entityId: user.id,
          after: { email: DEMO_PLATFORM_ADMIN, platformAdmin: true, demo: true },
        });
      }
      return user;
    });
    if (admin.created) await this.makePlatformAdmin(admin.id);
    logins.push({
      email: DEMO_PLATFORM_ADMIN,
      password: DEMO_PASSWORD,
      agency: null,
      roles: ['platform_admin'],
    });

    for (const tenant of this.agencies.activeTenants()) {
      const { agencyId, agencyCode } = tenant;
      await this.runner.run(tenant, SEEDER, async () => {
        for (const { email, role, note } of demoStaff(agencyCode)) {
          const name = `Demo ${email.split('@')[0].replace(/\./g, ' ')} (${agencyCode})`;
          await this.ensureStaff(agencyId, email, name, role);
          logins.push({ email, password: DEMO_PASSWORD, agency: agencyCode, roles: [role], note });
        }
      });
    }
    return logins;
  }

  /**
   * A demo person with DEMO_PASSWORD and no membership (a district's staff joins through the
   * organization's own registration and invitations). Audited when created.
   */
  async ensureDemoUser(email: string, name: string): Promise<string> {
    return this.runner.runWithoutTenant(SEEDER, async () => {
      const user = await this.ensureUser(email, name);
      if (user.created) {
        await this.audit.recordPlatform({
          action: 'user.created',
          entityType: 'user',
          entityId: user.id,
          after: { email, name, demo: true },
        });
      }
      return user.id;
    });
  }

  private async ensureStaff(
    agencyId: string,
    email: string,
    name: string,
    role: string,
  ): Promise<void> {
    const user = await this.ensureUser(email, name);
    if (user.created) {
      await this.audit.record({
        action: 'user.created',
        entityType: 'user',
        entityId: user.id,
        after: { email, name, demo: true },
      });
    }
    const added = await sqlRows(this.txHost.tx, ADD_STAFF, [agencyId, user.id, [role]]);
    if (added.length > 0) {
      await this.audit.record({
        action: 'staff.invited',
        entityType: 'agency_membership',
        entityId: user.id,
        after: { email, roles: [role], status: 'active', demo: true },
      });
    }
  }

  /**
   * The app role may not write users.platform_admin (column grants): the flag is set as the
   * owner, in a connection of its own that is closed at once.
   */
  private async makePlatformAdmin(userId: string): Promise<void> {
    if (!this.config.databaseOwnerUrl) {
      throw new Error('the demo platform admin needs DATABASE_OWNER_URL (the owner role)');
    }
    const owner = new Client({
      connectionString: this.config.databaseOwnerUrl,
      application_name: 'grant-commons-seed',
    });
    await owner.connect();
    try {
      await owner.query(sqlText(MAKE_PLATFORM_ADMIN), [userId]);
    } finally {
      await owner.end();
    }
  }

  private async ensureUser(email: string, name: string): Promise<{ id: string; created: boolean }> {
    const existing = await sqlRows(this.txHost.tx, USER_BY_EMAIL, [email]);
    if (existing[0]) return { id: existing[0].id, created: false };
    const hash = await this.passwords.hash(DEMO_PASSWORD);
    const inserted = await sqlRows(this.txHost.tx, INSERT_USER, [email, name, hash]);
    if (inserted[0]) return { id: inserted[0].id, created: true };
    return this.ensureUser(email, name); // created concurrently: read it
  }
}

/**
 * The logins as a table for the terminal, agency by agency (a district working with two agencies
 * is listed under both), the shared password once at the top.
 */
export function formatDemoLogins(logins: DemoLogin[]): string {
  const row = (role: string, email: string, note?: string) =>
    `    ${role.replace(/_/g, ' ').padEnd(27)} ${email}${note ? `  (${note})` : ''}`;
  const out = [`Demo logins (password for every account: ${DEMO_PASSWORD})`];
  const platform = logins.filter((l) => l.agency === null);
  if (platform.length) {
    out.push('', '  Platform');
    for (const l of platform) out.push(row(l.roles.join(', '), l.email, l.note));
  }
  const agencies = [...new Set(logins.flatMap((l) => l.agency?.split(' + ') ?? []))].sort();
  for (const agency of agencies) {
    const mine = logins.filter((l) => l.agency?.split(' + ').includes(agency));
    out.push('', `  ${agency}: staff (portal /${agency}, API /api/v1/agencies/${agency})`);
    for (const l of mine.filter((x) => !x.organization))
      out.push(row(l.roles.join(', '), l.email, l.note));
    for (const organization of [...new Set(mine.map((l) => l.organization))]) {
      if (!organization) continue;
      const members = mine.filter((l) => l.organization === organization);
      const also = members[0].agency!.split(' + ').filter((a) => a !== agency);
      out.push(
        `  ${agency}: ${organization}${also.length ? ` (also works with ${also.join(', ')})` : ''}`,
      );
      for (const l of members) out.push(row(l.roles.join(', '), l.email, l.note));
    }
  }
  return [...out, ''].join('\n');
}

/**
 * `npm start` on the embedded database: seeds the demo staff when there are no users yet and
 * prints their logins. Initializes the app first (agencies are synced during init).
 */
export async function seedDemoIfEmpty(
  app: INestApplication,
  out: (text: string) => void = (text) => process.stdout.write(text),
): Promise<void> {
  await app.init();
  const logins = await app.get(DemoSeeder).seedIfEmpty();
  if (logins) out(formatDemoLogins(logins));
}
