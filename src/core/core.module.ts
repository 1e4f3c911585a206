import { DynamicModule, Global, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, DiscoveryModule } from '@nestjs/core';
import { ClsPluginTransactional } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { ClsModule } from 'nestjs-cls';
import { DataSource } from 'typeorm';
import { AuthenticationGuard } from './access/authentication.guard';
import { ConfigModule } from './config/config.module';
import { AppConfig } from './config/env';
import { RequestContext } from './context/request-context';
import { RecheckedTransactions } from './context/rechecked-transactions';
import { ReadReplica } from './context/read-replica';
import { TenantDb, TenantRunner } from './context/tenant-db';
import { TenantTransaction } from './context/tenant-transaction';
import { DatabaseModule } from './database/database.module';
import { ProblemFilter } from './errors/problem.filter';
import { HealthModule } from './health/health.module';
import { RateLimitStore } from './http/rate-limits';
import { RequestPipeline } from './http/request-pipeline';
import { WebSessionCookie } from './http/web-session-cookie';

/** The kernel: configuration, database, request context and transactions, access, errors, health. */
@Global()
@Module({})
export class CoreModule {
  static register(config: AppConfig): DynamicModule {
    const database = DatabaseModule.register();
    return {
      module: CoreModule,
      imports: [
        ConfigModule.register(config),
        database,
        ClsModule.forRoot({
          global: true,
          // Not mounted: createApp opens each request's context in a Fastify onRequest hook
          // (enterRequestContext), without Nest's middleware layer and middie around it.
          middleware: { mount: false },
          plugins: [
            new ClsPluginTransactional({
              imports: [database],
              adapter: new TransactionalAdapterTypeOrm({ dataSourceToken: DataSource }),
            }),
          ],
        }),
        HealthModule,
        DiscoveryModule,
      ],
      providers: [
        RequestContext,
        TenantDb,
        ReadReplica,
        TenantRunner,
        RecheckedTransactions,
        RateLimitStore,
        TenantTransaction,
        RequestPipeline,
        {
          provide: WebSessionCookie,
          useValue: new WebSessionCookie(
            config.nodeEnv === 'production' || config.publicAppUrl.startsWith('https:'),
          ),
        },
        { provide: APP_GUARD, useClass: AuthenticationGuard },
        { provide: APP_FILTER, useClass: ProblemFilter },
      ],
      exports: [
        RequestContext,
        TenantDb,
        ReadReplica,
        TenantRunner,
        RecheckedTransactions,
        RateLimitStore,
        WebSessionCookie,
      ],
    };
  }
}
