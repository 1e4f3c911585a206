import { randomBytes } from 'node:crypto';
import type { SignedIn } from './identity';
import { orgApi } from './finance';
import type { TestApp } from '../support/test-app';

/** A document upload as a browser sends it: the fields first, then the file part. */
export function documentMultipart(
  fields: Record<string, string>,
  file?: { filename: string; content: Buffer; contentType?: string },
) {
  const boundary = `----gc${randomBytes(8).toString('hex')}`;
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
      ),
    );
  }
  if (file) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.filename}"\r\nContent-Type: ${file.contentType ?? 'application/pdf'}\r\n\r\n`,
      ),
      file.content,
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    payload: Buffer.concat(parts),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

export const documentsUrl = (agencyCode: string, organizationId: string, documentId?: string) =>
  `${orgApi(agencyCode, organizationId)}/documents${documentId ? `/${documentId}` : ''}`;

export function uploadDocument(
  t: TestApp,
  agencyCode: string,
  organizationId: string,
  member: SignedIn,
  fields: Record<string, string>,
  file?: { filename: string; content: Buffer; contentType?: string },
  documentId?: string,
) {
  const { payload, headers } = documentMultipart(fields, file);
  return t.request({
    method: documentId ? 'PUT' : 'POST',
    url: documentsUrl(agencyCode, organizationId, documentId),
    token: member.token,
    headers,
    payload,
  });
}
