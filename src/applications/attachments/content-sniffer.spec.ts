import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  cleanFilename,
  ContentGate,
  contentDisposition,
  ContentRefusedError,
  sniff,
} from './content-sniffer';

const PDF = Buffer.from('%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n');
const ELF = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(64)]);

async function gate(
  content: Buffer,
  allowed = ['application/pdf', 'text/csv'],
  max = 1000,
  name = 'f.pdf',
) {
  const g = new ContentGate(allowed, max, name);
  const out: Buffer[] = [];
  await pipeline(
    Readable.from([content.subarray(0, 3), content.subarray(3)]),
    g,
    async (source: AsyncIterable<Buffer>) => {
      for await (const chunk of source) out.push(chunk);
    },
  );
  return { type: g.contentType, bytes: Buffer.concat(out) };
}

describe('content sniffing', () => {
  it('recognises PDF, PNG, JPEG and CSV by their bytes', () => {
    expect(sniff(PDF, true, 'x.bin')).toEqual({
      kind: 'allowed-type',
      contentType: 'application/pdf',
    });
    expect(
      sniff(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]), true, 'x'),
    ).toEqual({
      kind: 'allowed-type',
      contentType: 'image/png',
    });
    expect(sniff(Buffer.from([0xff, 0xd8, 0xff, 0xe0]), true, 'x')).toEqual({
      kind: 'allowed-type',
      contentType: 'image/jpeg',
    });
    expect(sniff(Buffer.from('school,enrollment\nA,10\n'), true, 'sites.csv')).toEqual({
      kind: 'allowed-type',
      contentType: 'text/csv',
    });
  });

  it('passes an allowed file through unchanged', async () => {
    await expect(gate(PDF)).resolves.toEqual({ type: 'application/pdf', bytes: PDF });
  });

  it('refuses a renamed executable, an unknown binary, a disallowed type and an oversized file', async () => {
    await expect(gate(ELF)).rejects.toMatchObject({ reason: 'executable' });
    await expect(gate(Buffer.from([0x4d, 0x5a, 0x90, 0]))).rejects.toMatchObject({
      reason: 'executable',
    });
    await expect(gate(Buffer.from([0x00, 0x01, 0x02, 0x03, 0x04]))).rejects.toMatchObject({
      reason: 'unknown',
    });
    await expect(gate(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).rejects.toMatchObject({
      reason: 'not-allowed',
    });
    await expect(gate(Buffer.concat([PDF, Buffer.alloc(2000, 0x20)]))).rejects.toBeInstanceOf(
      ContentRefusedError,
    );
  });

  it('encodes download names safely (RFC 6266 filename*)', () => {
    expect(contentDisposition('Plan "final"/v2 – Año.pdf')).toBe(
      `attachment; filename="Plan _final__v2 _ A_o.pdf"; filename*=UTF-8''Plan%20%22final%22%2Fv2%20%E2%80%93%20A%C3%B1o.pdf`,
    );
    expect(cleanFilename('../../etc/passwd')).toBe('passwd');
    expect(cleanFilename('C:\\Users\\x\\plan.pdf')).toBe('plan.pdf');
    expect(cleanFilename('\u0000')).toBe('attachment');
  });
});
