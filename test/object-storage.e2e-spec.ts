import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { S3StorageConfig } from '../src/core/config/env';
import { LocalDiskStorage } from '../src/core/storage/local-disk.storage';
import { s3Client, S3Storage } from '../src/core/storage/s3.storage';
import { objectStorageContract, StorageUnderTest } from './object-storage.contract';
import { S3RVER_CREDENTIALS, TestS3Server } from './support/s3-server';

/** One contract (test/object-storage.contract.ts), run against each driver. */

describe('object storage: local disk', () => {
  const root = mkdtempSync(join(tmpdir(), 'gc-storage-'));
  const driver: StorageUnderTest = {
    storage: new LocalDiskStorage({ storageDir: root }),
    // Every file under the root that is not a finished object: a failed put's partial file.
    leftovers: () =>
      readdirSync(root, { recursive: true, withFileTypes: true })
        .filter((entry) => entry.isFile() && entry.name.includes('.part-'))
        .map((entry) => join(entry.parentPath, entry.name)),
  };
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  objectStorageContract(
    () => driver,
    () => 'agency-a',
  );
});

describe('object storage: S3 (s3rver on a loopback port)', () => {
  const bucket = 'gc-documents';
  let server: TestS3Server;
  let storage: S3Storage;
  let config: S3StorageConfig;
  const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
  const run = randomUUID();

  beforeAll(async () => {
    server = await TestS3Server.start([bucket]);
    // Credentials reach the driver the production way: the SDK's default chain (AWS_* env).
    process.env.AWS_ACCESS_KEY_ID = S3RVER_CREDENTIALS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = S3RVER_CREDENTIALS.secretAccessKey;
    config = {
      bucket,
      region: 'us-east-1',
      endpoint: server.endpoint,
      forcePathStyle: true,
      serverSideEncryption: 'AES256',
    };
    storage = new S3Storage(config);
  });

  afterAll(async () => {
    storage.close();
    await server.stop();
    process.env.AWS_ACCESS_KEY_ID = saved.id;
    process.env.AWS_SECRET_ACCESS_KEY = saved.secret;
    if (saved.id === undefined) delete process.env.AWS_ACCESS_KEY_ID;
    if (saved.secret === undefined) delete process.env.AWS_SECRET_ACCESS_KEY;
  });

  objectStorageContract(
    () => ({ storage, leftovers: () => server.pendingUploads(bucket) }),
    () => `agency-${run}`,
  );

  it('asks for server-side encryption on every upload request, single and multipart', async () => {
    server.seen.length = 0;
    await storage.put(`agency-${run}/sse/small`, Readable.from([Buffer.from('x')]));
    await storage.put(`agency-${run}/sse/large`, Readable.from(bigChunks(7)));
    const creates = server.seen.filter(
      (r) => (r.method === 'PUT' && !r.url.includes('partNumber')) || r.url.includes('?uploads'),
    );
    expect(creates.length).toBe(2); // one PUT, one CreateMultipartUpload
    expect(creates.every((r) => r.serverSideEncryption === 'AES256')).toBe(true);
  });

  it('passes a KMS key id through with aws:kms', async () => {
    const kms = new S3Storage({ ...config, serverSideEncryption: 'aws:kms', kmsKeyId: 'alias/gc' });
    server.seen.length = 0;
    await kms.put(`agency-${run}/sse/kms`, Readable.from([Buffer.from('x')]));
    kms.close();
    expect(server.seen.find((r) => r.method === 'PUT')).toMatchObject({
      serverSideEncryption: 'aws:kms',
      kmsKeyId: 'alias/gc',
    });
  });

  it('stores under the exact key, readable by any S3 client', async () => {
    await storage.put(`agency-${run}/applications/a9/f1`, Readable.from([Buffer.from('abc')]));
    const client = s3Client(config);
    const head = await client.send(
      new HeadObjectCommand({ Bucket: bucket, Key: `agency-${run}/applications/a9/f1` }),
    );
    client.destroy();
    expect(head.ContentLength).toBe(3);
  });

  it('rejects a put the server refuses (no such bucket) without hanging the source', async () => {
    const missing = new S3Storage({ ...config, bucket: 'gc-no-such-bucket' });
    const source = new PassThrough();
    const feeding = (async () => {
      for (const chunk of bigChunks(12)) {
        if (!source.write(chunk)) await new Promise((r) => source.once('drain', r));
        if (source.destroyed) return;
      }
      source.end();
    })();
    await expect(missing.put(`agency-${run}/x`, source)).rejects.toThrow(/bucket/i);
    source.destroy();
    await feeding;
    expect(source.destroyed).toBe(true);
    missing.close();
  });

  it('reports readiness from the bucket', async () => {
    await expect(storage.check()).resolves.toBeUndefined();
    const missing = new S3Storage({ ...config, bucket: 'gc-no-such-bucket' });
    await expect(missing.check()).rejects.toThrow();
    missing.close();
  });
});

/** `mebibytes` one-MiB chunks. */
function* bigChunks(mebibytes: number): Generator<Buffer> {
  for (let i = 0; i < mebibytes; i += 1) yield Buffer.alloc(1024 * 1024, i);
}
