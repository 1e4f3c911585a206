import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { APP_CONFIG } from '../config/config.module';
import { AppConfig } from '../config/env';
import {
  assertStorageKey,
  ContentMeasure,
  ObjectStorage,
  StoredObject,
  StoredObjectMissingError,
} from './object-storage';

/**
 * Files under STORAGE_DIR. Writes go to a temporary name and are renamed into place only when
 * the whole stream arrived, so a reader never sees half a file and a failed upload leaves none.
 */
@Injectable()
export class LocalDiskStorage extends ObjectStorage {
  constructor(@Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'storageDir'>) {
    super();
  }

  private pathOf(key: string): string {
    assertStorageKey(key);
    return join(this.config.storageDir, ...key.split('/'));
  }

  async put(key: string, content: Readable): Promise<StoredObject> {
    const target = this.pathOf(key);
    await mkdir(dirname(target), { recursive: true });
    const partial = `${target}.part-${randomBytes(6).toString('hex')}`;
    const measure = new ContentMeasure();
    try {
      await pipeline(content, measure, createWriteStream(partial, { flags: 'wx', mode: 0o640 }));
      await rename(partial, target);
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
    return { key, bytes: measure.bytes, sha256: measure.digest() };
  }

  async open(key: string): Promise<Readable> {
    const path = this.pathOf(key);
    try {
      await stat(path);
    } catch {
      throw new StoredObjectMissingError();
    }
    return createReadStream(path);
  }

  async remove(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }
}
