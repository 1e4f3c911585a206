import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { s3Client } from '../src/core/storage/s3.storage';
import {
  applicationsUrl,
  readyApplication,
  SAMPLE_PDF,
  uploadAttachment,
} from './factories/grants';
import { S3RVER_CREDENTIALS, TestS3Server } from './support/s3-server';
import { bootTestApp, TestApp } from './support/test-app';

/**
 * The whole app on STORAGE_DRIVER=s3: an attachment uploaded over HTTP lands in the bucket under
 * its agency and application, downloads back byte for byte, a refused upload leaves nothing, and
 * readiness asks the bucket.
 */
describe('documents on S3-compatible storage', () => {
  const bucket = 'gc-app-documents';
  let server: TestS3Server;
  let t: TestApp;
  const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };

  beforeAll(async () => {
    server = await TestS3Server.start([bucket]);
    // The AWS SDK's default credential chain reads the process environment.
    process.env.AWS_ACCESS_KEY_ID = S3RVER_CREDENTIALS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = S3RVER_CREDENTIALS.secretAccessKey;
    t = await bootTestApp({
      STORAGE_DRIVER: 's3',
      S3_BUCKET: bucket,
      S3_REGION: 'us-east-1',
      S3_ENDPOINT: server.endpoint,
      S3_FORCE_PATH_STYLE: 'true',
      S3_SSE: 'AES256',
    });
  });
  afterAll(async () => {
    await t.close();
    await server.stop();
    for (const [name, value] of [
      ['AWS_ACCESS_KEY_ID', saved.id],
      ['AWS_SECRET_ACCESS_KEY', saved.secret],
    ] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  async function objects(): Promise<{ key: string; size: number }[]> {
    const client = s3Client(t.config.storage.driver === 's3' ? t.config.storage.s3 : ({} as never));
    const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
    client.destroy();
    return (listed.Contents ?? []).map((o) => ({ key: o.Key!, size: o.Size! }));
  }

  it('stores and serves an attachment from the bucket; a refused upload stores nothing', async () => {
    const { organization, team, application } = await readyApplication(t, 'mo-dese');
    const url = `${applicationsUrl('mo-dese', organization.id, application.id)}/attachments`;
    const before = await objects();
    const agencyId = before[0].key.split('/')[0];
    const up = await uploadAttachment(
      t,
      'mo-dese',
      organization.id,
      application.id,
      team.grantWriter,
      {
        filename: 'plan.pdf',
        content: SAMPLE_PDF,
      },
    );
    expect(up.status).toBe(201);
    expect(up.json()).toMatchObject({
      sizeBytes: SAMPLE_PDF.length,
      sha256: createHash('sha256').update(SAMPLE_PDF).digest('hex'),
    });
    // Under the agency and the application, beside what readyApplication itself attached.
    const added = (await objects()).filter((o) => !before.some((b) => b.key === o.key));
    expect(added).toEqual([
      {
        key: expect.stringMatching(
          new RegExp(`^${agencyId}/applications/${application.id}/[0-9a-f-]{36}$`),
        ),
        size: SAMPLE_PDF.length,
      },
    ]);

    const down = await t.request({
      method: 'GET',
      url: `${url}/${up.json().id}`,
      token: team.representative.token,
    });
    expect(down.status).toBe(200);
    expect(Buffer.from(down.body, 'binary').equals(SAMPLE_PDF)).toBe(true);

    // A refused upload (a program disguised as a PDF) leaves nothing in the bucket.
    const afterUpload = await objects();
    const elf = Buffer.concat([
      Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]),
      Buffer.alloc(64),
    ]);
    const refused = await uploadAttachment(
      t,
      'mo-dese',
      organization.id,
      application.id,
      team.grantWriter,
      { filename: 'plan.pdf', content: elf },
    );
    expect(refused.status).toBe(415);
    expect(await objects()).toEqual(afterUpload);
  });

  it('reports the bucket in readiness', async () => {
    const ready = await t.request({ method: 'GET', url: '/health/ready' });
    expect(ready.status).toBe(200);
    expect(ready.json()).toMatchObject({ checks: { database: 'up', storage: 'up' } });
  });
});
