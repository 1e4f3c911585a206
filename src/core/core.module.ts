import { DynamicModule, Global, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { ClsPluginTransactional } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import type { IncomingMessage } from 'node:http';
import { ClsModule } from 'nestjs-cls';
import { DataSource } from 'typeorm';
import { AuthenticationGuard } from './access/authentication.guard';
import { ConfigModule } from './config/config.module';
import { AppConfig } from './config/env';
import { GrantCommonsStore, RequestContext } from './context/request-context';
import { TenantDb, TenantRunner } from './context/tenant-db';
import { TenantTransactionInterceptor } from './context/tenant-transaction.interceptor';
import { DatabaseModule } from './database/database.module';
import { ProblemFilter } from './errors/problem.filter';
import { HealthModule } from './health/health.module';

type RawRequest = IncomingMessage & { requestId?: string; socket: { remoteAddress?: string } };

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
          middleware: {
            mount: true,
            generateId: true,
            idGenerator: (req: RawRequest) => req.requestId ?? '',
            setup: (cls, req: RawRequest) => {
              const store = cls as unknown as {
                set<K extends keyof GrantCommonsStore>(k: K, v: GrantCommonsStore[K]): void;
              };
              store.set('requestId', req.requestId);
              // With trustProxy, Fastify resolves the client address; the raw socket is the fallback.
              const forwarded = req.headers['x-forwarded-for'];
              const ip =
                typeof forwarded === 'string'
                  ? forwarded.split(',')[0].trim()
                  : req.socket.remoteAddress;
              store.set('ip', ip);
            },
          },
          plugins: [
            new ClsPluginTransactional({
              imports: [database],
              adapter: new TransactionalAdapterTypeOrm({ dataSourceToken: DataSource }),
            }),
          ],
        }),
        HealthModule,
      ],
      providers: [
        RequestContext,
        TenantDb,
        TenantRunner,
        { provide: APP_GUARD, useClass: AuthenticationGuard },
        { provide: APP_INTERCEPTOR, useClass: TenantTransactionInterceptor },
        { provide: APP_FILTER, useClass: ProblemFilter },
      ],
      exports: [RequestContext, TenantDb, TenantRunner],
    };
  }
}
