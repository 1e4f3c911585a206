import {
  DynamicModule,
  Global,
  Inject,
  Injectable,
  Module,
  OnApplicationShutdown,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG } from '../config/config.module';
import { AppConfig } from '../config/env';
import { dataSourceOptions } from './data-source-options';
import { DatabaseError } from './database.errors';
import { sql, sqlRows } from './sql-statement';

/**
 * The read pool's DataSource (DATABASE_READ_URL), or null when there is none and every read runs
 * on the primary. Only ReadReplica uses it: a service asks for a lag-tolerant read there.
 */
export const READ_DATA_SOURCE = Symbol('READ_DATA_SOURCE');

@Injectable()
class DataSourceCloser implements OnApplicationShutdown {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(READ_DATA_SOURCE) private readonly readSource: DataSource | null,
  ) {}
  async onApplicationShutdown(): Promise<void> {
    if (this.readSource?.isInitialized) await this.readSource.destroy();
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

/** An initialized app-role DataSource, or an error (the pool closed) when the role is wrong. */
async function openAppRole(
  config: AppConfig,
  url: string,
  poolSize: number,
  applicationName: string,
  variable = 'DATABASE_URL',
): Promise<DataSource> {
  const dataSource = new DataSource(
    dataSourceOptions(
      url,
      poolSize,
      applicationName,
      config.databasePreparedStatements,
      config.databaseTimeouts,
    ),
  );
  await dataSource.initialize();
  try {
    await assertAppRole(dataSource, config.databaseOwnerUrl, variable);
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
  return dataSource;
}

/**
 * The app-role DataSource (a pg pool). It refuses to start as a role that would bypass
 * row-level security, since that would silently remove the second wall between agencies.
 */
@Global()
@Module({})
export class DatabaseModule {
  static register(): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        {
          provide: DataSource,
          inject: [APP_CONFIG],
          useFactory: async (config: AppConfig) => {
            if (!config.databaseUrl) throw new DatabaseError('DATABASE_URL is not set');
            return openAppRole(
              config,
              config.databaseUrl,
              config.databasePoolSize,
              'grant-commons',
            );
          },
        },
        {
          provide: READ_DATA_SOURCE,
          inject: [APP_CONFIG, DataSource],
          // The replica holds the same roles (physical replication copies them): the same check
          // that the read connection cannot escape row-level security. A refused boot closes the
          // primary's pool too (no shutdown hook runs when boot fails).
          useFactory: async (
            config: AppConfig,
            primary: DataSource,
          ): Promise<DataSource | null> => {
            if (!config.databaseReadUrl) return null;
            try {
              return await openAppRole(
                config,
                config.databaseReadUrl,
                config.databaseReadPoolSize,
                'grant-commons-read',
                'DATABASE_READ_URL',
              );
            } catch (error) {
              await primary.destroy();
              throw error;
            }
          },
        },
        DataSourceCloser,
      ],
      exports: [DataSource, READ_DATA_SOURCE],
    };
  }
}

/** What the connected role may do that would escape row-level security (pg_roles, pg_class). */
const ROLE_FACTS = sql<{
  role: string;
  rolsuper: boolean;
  rolbypassrls: boolean;
  owned: string | null;
}>(
  'core.app-role-facts',
  `SELECT r.rolname AS role, r.rolsuper, r.rolbypassrls,
          (SELECT n.nspname || '.' || c.relname FROM pg_class c
             JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
              AND n.nspname NOT IN ('pg_catalog', 'information_schema')
              AND n.nspname NOT LIKE 'pg\\_toast%'
              AND pg_has_role(r.oid, c.relowner, 'MEMBER')
            ORDER BY 1 LIMIT 1) AS owned
     FROM pg_roles r WHERE r.rolname = current_user`,
);

/**
 * The server runs as the app role, never as one that escapes row-level security: a superuser,
 * a BYPASSRLS role, the owner role, or any role that owns (or may act as the owner of) a table,
 * since a table's owner can switch its policies off. Refuses to boot otherwise.
 */
export async function assertAppRole(
  dataSource: DataSource,
  ownerUrl?: string,
  variable = 'DATABASE_URL',
): Promise<void> {
  const rows = await sqlRows(dataSource, ROLE_FACTS, []);
  const facts = rows[0];
  const ownerRole = ownerUrl ? decodeURIComponent(new URL(ownerUrl).username) : undefined;
  const why = !facts
    ? undefined
    : facts.rolsuper
      ? 'is a superuser'
      : facts.rolbypassrls
        ? 'has BYPASSRLS'
        : ownerRole !== undefined && facts.role === ownerRole
          ? 'is the owner role (DATABASE_OWNER_URL)'
          : facts.owned
            ? `owns table ${facts.owned}`
            : undefined;
  if (why) {
    throw new DatabaseError(
      `${variable} connects as role "${facts.role}", which ${why}: row-level security would not hold. ` +
        `Point ${variable} at the app role (non-owner, NOBYPASSRLS); run npm run db:setup to create it`,
    );
  }
}
