import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { ObjectStorage, StoredObjectMissingError } from '../src/core/storage/object-storage';

/** A driver under test and what the contract needs to see of its insides. */
export interface StorageUnderTest {
  storage: ObjectStorage;
  /** Anything a failed put could have left behind (partial files, unfinished uploads). */
  leftovers(): string[];
}

const CHUNK = 64 * 1024;

/**
 * `total` bytes of deterministic, incompressible content, produced one 64 KiB chunk at a time as
 * the consumer pulls (never held whole); `expected` holds its sha256 once it was all read.
 */
function generated(total: number): {
  source: Readable;
  expected: () => string;
  reads: () => number;
} {
  const hash = createHash('sha256');
  let produced = 0;
  let reads = 0;
  const source = new Readable({
    highWaterMark: CHUNK,
    read() {
      reads += 1;
      if (produced >= total) return void this.push(null);
      const size = Math.min(CHUNK, total - produced);
      const chunk = Buffer.alloc(size);
      for (let at = 0; at < size; at += 32) {
        createHash('sha256')
          .update(`${produced + at}`)
          .digest()
          .copy(chunk, at);
      }
      produced += size;
      hash.update(chunk);
      this.push(chunk);
    },
  });
  let digest: string | undefined;
  return { source, expected: () => (digest ??= hash.digest('hex')), reads: () => reads };
}

/** Reads a stream to its end, hashing as it goes (never buffering it whole). */
async function digestOf(stream: Readable): Promise<{ bytes: number; sha256: string }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of stream) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { bytes, sha256: hash.digest('hex') };
}

/** A source that yields `goodBytes` and then fails. */
function failingAfter(goodBytes: number): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= goodBytes) return void this.destroy(new Error('refused by the client'));
      const size = Math.min(CHUNK, goodBytes - sent);
      sent += size;
      this.push(Buffer.alloc(size, 7));
    },
  });
}

/**
 * The ObjectStorage contract, one suite for every driver (local disk, S3). `prefix` keeps each
 * run's keys apart.
 */
export function objectStorageContract(driver: () => StorageUnderTest, prefix: () => string): void {
  const key = (name: string) => `${prefix()}/${name}`;

  it('round-trips a multi-megabyte stream in chunks, with its length and sha256', async () => {
    const { storage } = driver();
    const total = 12 * 1024 * 1024 + 12_345; // several S3 parts and an odd tail
    const { source, expected, reads } = generated(total);
    const stored = await storage.put(key('applications/a1/large'), source);
    expect(reads()).toBeGreaterThan(total / CHUNK); // pulled chunk by chunk
    expect(stored).toEqual({ key: key('applications/a1/large'), bytes: total, sha256: expected() });
    expect(await digestOf(await storage.open(key('applications/a1/large')))).toEqual({
      bytes: total,
      sha256: expected(),
    });
  });

  it('stores a small file and an empty one', async () => {
    const { storage } = driver();
    const stored = await storage.put(
      key('notices/n1.pdf'),
      Readable.from([Buffer.from('hello '), Buffer.from('world')]),
    );
    expect(stored).toEqual({
      key: key('notices/n1.pdf'),
      bytes: 11,
      sha256: 'b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9',
    });
    expect(await text(await storage.open(key('notices/n1.pdf')))).toBe('hello world');

    const empty = await storage.put(key('notices/empty'), Readable.from([]));
    expect(empty).toEqual({
      key: key('notices/empty'),
      bytes: 0,
      sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    });
    expect(await text(await storage.open(key('notices/empty')))).toBe('');
  });

  it('stores nothing when the source stream fails, small or past the first part', async () => {
    const { storage, leftovers } = driver();
    for (const [name, good] of [
      ['small', 1000],
      ['large', 6 * 1024 * 1024 + 1],
    ] as const) {
      await expect(storage.put(key(`payments/failed-${name}`), failingAfter(good))).rejects.toThrow(
        'refused by the client',
      );
      await expect(storage.open(key(`payments/failed-${name}`))).rejects.toBeInstanceOf(
        StoredObjectMissingError,
      );
    }
    expect(leftovers()).toEqual([]);
  });

  it('answers StoredObjectMissingError for a key never stored', async () => {
    const { storage } = driver();
    await expect(storage.open(key('applications/none/f1'))).rejects.toBeInstanceOf(
      StoredObjectMissingError,
    );
  });

  it('removes an object, and removing it again (or one never stored) is not an error', async () => {
    const { storage } = driver();
    await storage.put(key('documents/d1'), Readable.from([Buffer.from('x')]));
    await storage.remove(key('documents/d1'));
    await expect(storage.open(key('documents/d1'))).rejects.toBeInstanceOf(
      StoredObjectMissingError,
    );
    await storage.remove(key('documents/d1'));
    await storage.remove(key('documents/never'));
  });

  it('refuses keys that could escape their place, for every operation', async () => {
    const { storage } = driver();
    for (const unsafe of [
      '../etc/passwd',
      '/abs/path',
      'a/../../b',
      'a//b',
      'a/b c',
      'a/./b',
      '',
    ]) {
      await expect(storage.put(unsafe, Readable.from([Buffer.from('x')]))).rejects.toThrow(
        /Unsafe storage key/,
      );
      await expect(storage.open(unsafe)).rejects.toThrow(/Unsafe storage key/);
      await expect(storage.remove(unsafe)).rejects.toThrow(/Unsafe storage key/);
    }
  });
}
