import type { FastifyRequest } from 'fastify';
import type { MultipartFile } from '@fastify/multipart';
import { DocumentFileMissingError } from './documents.errors';
import type { DocumentFields, DocumentFile } from './organization-documents.service';

const FIELDS = ['kind', 'title', 'expiresOn'] as const;

/**
 * A document upload as multipart/form-data: the fields `kind`, `title`, `expiresOn` first, then
 * the file in `file` (a browser sends a form's parts in order, so the file input comes last).
 * The file streams; nothing is buffered. Used by the API and the pages alike.
 */
export async function readDocumentUpload(
  request: FastifyRequest,
  maxBytes: number,
): Promise<{ fields: DocumentFields; file: DocumentFile }> {
  if (!request.isMultipart()) throw new DocumentFileMissingError();
  const part: MultipartFile | undefined = await request.file({
    limits: { fileSize: maxBytes + 1, files: 1 },
  });
  if (!part || part.fieldname !== 'file') throw new DocumentFileMissingError();
  const fields: DocumentFields = {};
  for (const name of FIELDS) {
    const field = part.fields[name];
    const one = Array.isArray(field) ? field[0] : field;
    if (one && one.type === 'field' && typeof one.value === 'string') fields[name] = one.value;
  }
  return { fields, file: { filename: part.filename, content: part.file } };
}
