import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { APP_CONFIG } from '../config/config.module';
import { AppConfig } from '../config/env';
import { DomainError } from '../errors/domain-error';
import { assertStorageKey, ObjectStorage, StoredObject } from './object-storage';

export class StoredObjectMissingError extends DomainError {
  constructor() {
    super('storage.object_missing', 404, 'The stored file was not found.');
  }
}

/**
 * Files under STORAGE_DIR. Writes go to a temporary name and are renamed into place only when
 * the whole stream arrived, so a reader never sees half a file and a failed upload leaves none.
 */
@Injectable()
export class LocalDiskStorage extends ObjectStorage {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
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
    const hash = createHash('sha256');
    let bytes = 0;
    const measure = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        hash.update(chunk);
        bytes += chunk.length;
        done(null, chunk);
      },
    });
    try {
      await pipeline(content, measure, createWriteStream(partial, { flags: 'wx', mode: 0o640 }));
      await rename(partial, target);
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
    return { key, bytes, sha256: hash.digest('hex') };
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
