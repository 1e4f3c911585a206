import { Transform, TransformCallback } from 'node:stream';

/**
 * What a file is, by its first bytes (magic numbers), never by its name or the client's claim.
 * Executables are recognised explicitly so a renamed program gets a clear refusal.
 */
export type Sniffed =
  | { kind: 'allowed-type'; contentType: string }
  | { kind: 'executable'; format: string }
  | { kind: 'unknown' };

const startsWith = (head: Buffer, bytes: number[]) =>
  head.length >= bytes.length && bytes.every((b, i) => head[i] === b);

const EXECUTABLES: Array<[string, number[]]> = [
  ['ELF', [0x7f, 0x45, 0x4c, 0x46]],
  ['Windows PE (MZ)', [0x4d, 0x5a]],
  ['Mach-O', [0xfe, 0xed, 0xfa, 0xce]],
  ['Mach-O', [0xfe, 0xed, 0xfa, 0xcf]],
  ['Mach-O', [0xcf, 0xfa, 0xed, 0xfe]],
  ['Mach-O', [0xce, 0xfa, 0xed, 0xfe]],
  ['Mach-O universal / Java class', [0xca, 0xfe, 0xba, 0xbe]],
  ['script (#!)', [0x23, 0x21]],
];

/** Plain text: valid UTF-8 (BOM allowed), no NUL, few control characters besides tab/CR/LF. */
export function looksLikeText(sample: Buffer, complete: boolean): boolean {
  if (sample.includes(0)) return false;
  let text: string;
  try {
    // A multi-byte character may be cut at the end of a partial sample: trim up to 3 bytes.
    const body = complete ? sample : sample.subarray(0, Math.max(0, sample.length - 3));
    text = new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    return false;
  }
  let control = 0;
  for (const ch of text) {
    const c = ch.charCodeAt(0);
    if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0c) control++;
  }
  return control <= text.length / 100;
}

export function sniff(head: Buffer, complete: boolean, filename: string): Sniffed {
  for (const [format, magic] of EXECUTABLES) {
    if (startsWith(head, magic)) return { kind: 'executable', format };
  }
  if (startsWith(head, [0x25, 0x50, 0x44, 0x46, 0x2d]))
    return { kind: 'allowed-type', contentType: 'application/pdf' };
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
    return { kind: 'allowed-type', contentType: 'image/png' };
  if (startsWith(head, [0xff, 0xd8, 0xff]))
    return { kind: 'allowed-type', contentType: 'image/jpeg' };
  if (head.length > 0 && looksLikeText(head, complete)) {
    return {
      kind: 'allowed-type',
      contentType: /\.csv$/i.test(filename) ? 'text/csv' : 'text/plain',
    };
  }
  return { kind: 'unknown' };
}

export class ContentRefusedError extends Error {
  constructor(
    readonly reason: 'executable' | 'unknown' | 'not-allowed' | 'too-large',
    readonly detail: string,
  ) {
    super(detail);
  }
}

const HEAD_BYTES = 8192;

/**
 * A pass-through stream that holds back the first bytes until it knows what the file is,
 * refuses disallowed content before anything is stored, and enforces the size limit as bytes
 * arrive (the whole file is never held in memory).
 */
export class ContentGate extends Transform {
  private head: Buffer[] = [];
  private headBytes = 0;
  private decided = false;
  private total = 0;
  contentType?: string;

  constructor(
    private readonly allowedTypes: string[],
    private readonly maxBytes: number,
    private readonly filename: string,
  ) {
    super();
  }

  private decide(complete: boolean): void {
    const head = Buffer.concat(this.head);
    const found = sniff(head, complete, this.filename);
    if (found.kind === 'executable') {
      throw new ContentRefusedError(
        'executable',
        `the file is an executable (${found.format}), whatever its name says`,
      );
    }
    if (found.kind === 'unknown') {
      throw new ContentRefusedError(
        'unknown',
        'the file is not a recognised type (PDF, PNG, JPEG, CSV or plain text)',
      );
    }
    if (!this.allowedTypes.includes(found.contentType)) {
      throw new ContentRefusedError(
        'not-allowed',
        `${found.contentType} files are not accepted here (accepted: ${this.allowedTypes.join(', ')})`,
      );
    }
    this.contentType = found.contentType;
    this.decided = true;
    for (const chunk of this.head) this.push(chunk);
    this.head = [];
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    try {
      this.total += chunk.length;
      if (this.total > this.maxBytes) {
        throw new ContentRefusedError(
          'too-large',
          `the file is larger than the limit of ${this.maxBytes} bytes`,
        );
      }
      if (this.decided) {
        if (this.contentType?.startsWith('text/') && chunk.includes(0)) {
          throw new ContentRefusedError(
            'unknown',
            'the file is not plain text (it contains NUL bytes)',
          );
        }
        done(null, chunk);
        return;
      }
      this.head.push(chunk);
      this.headBytes += chunk.length;
      if (this.headBytes >= HEAD_BYTES) this.decide(false);
      done();
    } catch (error) {
      done(error as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    try {
      if (!this.decided) this.decide(true);
      done();
    } catch (error) {
      done(error as Error);
    }
  }
}

/**
 * Content-Disposition for a download: an ASCII fallback plus the exact name as RFC 5987/6266
 * `filename*`, so quotes, slashes and non-Latin names can neither break the header nor the path.
 */
export function contentDisposition(filename: string): string {
  const fallback =
    filename
      .replace(/[^\x20-\x7e]/g, '_')
      .replace(/["\\/;]/g, '_')
      .slice(0, 150) || 'attachment';
  const encoded = encodeURIComponent(filename).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

/** Keeps a client filename only for display: no path, no control characters, bounded length. */
export function cleanFilename(raw: string | undefined): string {
  const base = (raw ?? '').split(/[\\/]/).pop() ?? '';
  const clean = base
    // eslint-disable-next-line no-control-regex
    .replace(/[\x00-\x1f\x7f]/g, '')
    .trim()
    .slice(0, 200);
  return clean === '' || clean === '.' || clean === '..' ? 'attachment' : clean;
}
