import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import type { AppConfig } from '../config/env';
import { LocalDiskStorage, StoredObjectMissingError } from './local-disk.storage';

describe('local disk storage', () => {
  const root = mkdtempSync(join(tmpdir(), 'gc-storage-'));
  const storage = new LocalDiskStorage({ storageDir: root } as AppConfig);

  it('stores a stream under its key with length and sha256, and reads it back', async () => {
    const stored = await storage.put(
      'agency/applications/a1/f1',
      Readable.from([Buffer.from('hello '), Buffer.from('world')]),
    );
    expect(stored).toEqual({
      key: 'agency/applications/a1/f1',
      bytes: 11,
      sha256: 'b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9',
    });
    expect(await text(await storage.open('agency/applications/a1/f1'))).toBe('hello world');
    await storage.remove('agency/applications/a1/f1');
    await expect(storage.open('agency/applications/a1/f1')).rejects.toBeInstanceOf(
      StoredObjectMissingError,
    );
  });

  it('leaves nothing behind when the stream fails midway', async () => {
    let sent = false;
    const source = new Readable({
      read() {
        if (sent) this.destroy(new Error('refused'));
        else this.push(Buffer.from('good'));
        sent = true;
      },
    });
    await expect(storage.put('agency/applications/a2/f1', source)).rejects.toThrow('refused');
    expect(readdirSync(join(root, 'agency', 'applications', 'a2'))).toEqual([]);
  });

  it('refuses keys that could escape the storage directory', async () => {
    for (const key of ['../etc/passwd', '/abs/path', 'a/../../b', 'a//b', 'a/b c']) {
      await expect(storage.put(key, Readable.from([Buffer.from('x')]))).rejects.toThrow(
        /Unsafe storage key/,
      );
    }
  });
});
