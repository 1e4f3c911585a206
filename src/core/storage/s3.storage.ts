import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  NoSuchKey,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { S3StorageConfig } from '../config/env';
import {
  assertStorageKey,
  ContentMeasure,
  ObjectStorage,
  StoredObject,
  StoredObjectMissingError,
} from './object-storage';

/**
 * Upload buffering: lib-storage holds at most `queueSize` parts of `partSize` in memory per
 * upload (S3's minimum part is 5 MiB), so a put costs ~10 MiB whatever the file's size
 * (docs/decisions/0012-s3-upload-part-buffering.md). Files under one part go in a single PUT.
 */
export const S3_PART_BYTES = 5 * 1024 * 1024;
const S3_PARTS_IN_FLIGHT = 2;

export function s3Client(config: S3StorageConfig): S3Client {
  return new S3Client({
    region: config.region,
    endpoint: config.endpoint,
    forcePathStyle: config.forcePathStyle,
    // S3-compatible servers often reject the SDK's default CRC32 trailers; we hash (sha256) ourselves.
    ...(config.endpoint
      ? { requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' }
      : {}),
  });
}

/**
 * Documents in an S3-compatible bucket, streamed both ways. A put is a multipart upload fed by
 * the stream as it arrives; when the stream or a part fails, the multipart upload is aborted so
 * no object (and no orphaned part) is left behind.
 */
export class S3Storage extends ObjectStorage {
  constructor(
    private readonly config: S3StorageConfig,
    private readonly client: S3Client = s3Client(config),
  ) {
    super();
  }

  async put(key: string, content: Readable): Promise<StoredObject> {
    assertStorageKey(key);
    const measure = new ContentMeasure();
    const upload = new Upload({
      client: this.client,
      params: {
        Bucket: this.config.bucket,
        Key: key,
        Body: measure,
        ServerSideEncryption: this.config.serverSideEncryption,
        SSEKMSKeyId: this.config.kmsKeyId,
      },
      partSize: S3_PART_BYTES,
      queueSize: S3_PARTS_IN_FLIGHT,
      leavePartsOnError: false,
    });
    let sourceError: Error | undefined;
    let uploadSettled = false;
    content.once('error', (error: Error) => {
      if (!uploadSettled) sourceError = error; // not the abort we cause below
    });
    const [sent, read] = await Promise.allSettled([
      // A failed upload stops reading: unblock the source so the pipeline settles too.
      upload.done().finally(() => {
        uploadSettled = true;
        if (!measure.writableFinished) measure.destroy();
      }),
      pipeline(content, measure),
    ]);
    if (sent.status === 'fulfilled' && read.status === 'fulfilled') {
      return { key, bytes: measure.bytes, sha256: measure.digest() };
    }
    if (sent.status === 'fulfilled') await this.remove(key); // cannot happen, but never keep half
    // The source's own failure says more than what it caused downstream.
    if (sourceError !== undefined) throw sourceError;
    throw sent.status === 'rejected' ? sent.reason : (read as PromiseRejectedResult).reason;
  }

  async open(key: string): Promise<Readable> {
    assertStorageKey(key);
    try {
      const object = await this.client.send(
        new GetObjectCommand({ Bucket: this.config.bucket, Key: key }),
      );
      return object.Body as Readable;
    } catch (error) {
      if (
        error instanceof NoSuchKey ||
        (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 404)
      ) {
        throw new StoredObjectMissingError();
      }
      throw error;
    }
  }

  async remove(key: string): Promise<void> {
    assertStorageKey(key);
    // S3 answers 204 for an absent key too: removing twice is not an error.
    await this.client.send(new DeleteObjectCommand({ Bucket: this.config.bucket, Key: key }));
  }

  /** Readiness: the bucket answers with these credentials. */
  async check(): Promise<void> {
    await this.client.send(new HeadBucketCommand({ Bucket: this.config.bucket }));
  }

  close(): void {
    this.client.destroy();
  }
}
