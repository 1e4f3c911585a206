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

@Injectable()
class DataSourceCloser implements OnApplicationShutdown {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}
  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
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
            const dataSource = new DataSource(
              dataSourceOptions(
                config.databaseUrl,
                config.databasePoolSize,
                'grant-commons',
                config.databasePreparedStatements,
              ),
            );
            await dataSource.initialize();
            await assertNotPrivileged(dataSource);
            return dataSource;
          },
        },
        DataSourceCloser,
      ],
      exports: [DataSource],
    };
  }
}

async function assertNotPrivileged(dataSource: DataSource): Promise<void> {
  const rows: Array<{ rolsuper: boolean; rolbypassrls: boolean }> = await dataSource.query(
    'SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user',
  );
  const role = rows[0];
  if (role && (role.rolsuper || role.rolbypassrls)) {
    throw new DatabaseError(
      'DATABASE_URL connects as a role that bypasses row-level security; use the app role (see npm run db:setup)',
    );
  }
}
