import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';

/** The credentials s3rver checks signatures against (its defaults). */
export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

/** What a test can see of the requests the server received. */
export interface SeenRequest {
  method: string;
  url: string;
  serverSideEncryption?: string;
  kmsKeyId?: string;
}

/** The slice of Koa that s3rver is built on and that the shim below uses. */
interface KoaContext {
  method: string;
  url: string;
  path: string;
  query: Record<string, string | undefined>;
  req: IncomingMessage;
  status: number;
  body: unknown;
}
type KoaMiddleware = (ctx: KoaContext, next: () => Promise<void>) => Promise<void>;

/**
 * An S3-compatible server (s3rver) on a loopback port, storing in a temporary directory, for the
 * storage contract tests. s3rver 3.7 lacks AbortMultipartUpload (it answers 405), so a small
 * middleware put in front implements it the way s3rver keeps uploads on disk (a directory per
 * upload id under `<bucket>/._S3rver_uploads`), and records each request's SSE headers.
 */
export class TestS3Server {
  readonly seen: SeenRequest[] = [];
  private constructor(
    private readonly server: S3rver,
    private readonly directory: string,
    readonly endpoint: string,
  ) {}

  static async start(buckets: string[]): Promise<TestS3Server> {
    const directory = mkdtempSync(join(tmpdir(), 'gc-s3rver-'));
    const server = new S3rver({
      address: '127.0.0.1',
      port: 0,
      silent: true,
      directory,
      configureBuckets: buckets.map((name) => ({ name, configs: [] })),
    });
    const started = new TestS3Server(server, directory, '');
    (server as unknown as { middleware: KoaMiddleware[] }).middleware.unshift((ctx, next) =>
      started.intercept(ctx, next),
    );
    const { port } = await server.run();
    return Object.assign(started, { endpoint: `http://127.0.0.1:${port}` });
  }

  private async intercept(ctx: KoaContext, next: () => Promise<void>): Promise<void> {
    const header = (name: string) => {
      const value = ctx.req.headers[name];
      return typeof value === 'string' ? value : undefined;
    };
    this.seen.push({
      method: ctx.method,
      url: ctx.url,
      serverSideEncryption: header('x-amz-server-side-encryption'),
      kmsKeyId: header('x-amz-server-side-encryption-aws-kms-key-id'),
    });
    const uploadId = ctx.query.uploadId;
    if (ctx.method === 'DELETE' && uploadId && /^[0-9a-f]+$/.test(uploadId)) {
      const bucket = ctx.path.split('/')[1];
      rmSync(join(this.directory, bucket, '._S3rver_uploads', uploadId), {
        recursive: true,
        force: true,
      });
      ctx.status = 204;
      return;
    }
    await next();
  }

  /** Multipart uploads started and neither completed nor aborted (their parts sit on disk). */
  pendingUploads(bucket: string): string[] {
    try {
      return readdirSync(join(this.directory, bucket, '._S3rver_uploads'));
    } catch {
      return [];
    }
  }

  async stop(): Promise<void> {
    await this.server.close();
    rmSync(this.directory, { recursive: true, force: true });
  }
}
