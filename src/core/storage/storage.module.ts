import { Global, Module } from '@nestjs/common';
import { LocalDiskStorage } from './local-disk.storage';
import { ObjectStorage } from './object-storage';

/** Binds ObjectStorage to local disk (STORAGE_DIR). An S3 driver would be chosen here. */
@Global()
@Module({
  providers: [{ provide: ObjectStorage, useClass: LocalDiskStorage }],
  exports: [ObjectStorage],
})
export class StorageModule {}
