import { Global, Module, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module';
import { AppConfig } from '../config/env';
import { HealthChecks } from '../health/health-checks';
import { LocalDiskStorage } from './local-disk.storage';
import { ObjectStorage } from './object-storage';

/**
 * Binds ObjectStorage to the driver STORAGE_DRIVER names: local disk (STORAGE_DIR) or an
 * S3-compatible bucket. The AWS SDK is loaded only on the s3 path (it costs ~0.25 s to load).
 * With s3, readiness (/health/ready) also asks the bucket.
 */
@Global()
@Module({
  providers: [
    {
      provide: ObjectStorage,
      inject: [APP_CONFIG, HealthChecks],
      useFactory: (config: AppConfig, health: HealthChecks): ObjectStorage => {
        if (config.storage.driver === 'local') return new LocalDiskStorage(config);
        // require, not import(): the build keeps import() native (.swcrc ignoreDynamic), which
        // resolves as ESM (no extensionless paths) and is refused inside Jest's CommonJS sandbox.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { S3Storage } = require('./s3.storage') as typeof import('./s3.storage');
        const storage = new S3Storage(config.storage.s3);
        health.register('storage', () => storage.check());
        return storage;
      },
    },
  ],
  exports: [ObjectStorage],
})
export class StorageModule implements OnApplicationShutdown {
  constructor(private readonly storage: ObjectStorage) {}

  onApplicationShutdown(): void {
    (this.storage as Partial<{ close(): void }>).close?.();
  }
}
