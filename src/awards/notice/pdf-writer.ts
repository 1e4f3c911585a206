/**
 * A minimal PDF 1.4 writer for text documents (award notices): US Letter pages of Helvetica
 * lines, a correct cross-reference table, no compression (the text stays searchable by tests
 * and by plain tools). Characters outside printable ASCII become "?" (the built-in fonts'
 * standard encoding covers nothing else reliably).
 */
export interface PdfLine {
  text: string;
  /** Points; default 10. */
  size?: number;
  bold?: boolean;
  /** Extra points of space before the line. */
  gapBefore?: number;
}

const PAGE_WIDTH = 612;
const PAGE_HEIGHT = 792;
const MARGIN = 54;

function escapeText(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[^\x20-\x7e]/g, (c) => (/[\u0300-\u036f]/.test(c) ? '' : '?'))
    .replace(/[\\()]/g, (c) => `\\${c}`);
}

/** Splits a line that would run past the right margin (Helvetica averages ~0.5em a glyph). */
function wrap(line: PdfLine): PdfLine[] {
  const size = line.size ?? 10;
  const max = Math.floor((PAGE_WIDTH - 2 * MARGIN) / (size * 0.5));
  if (line.text.length <= max) return [line];
  const out: PdfLine[] = [];
  let rest = line.text;
  let first = true;
  while (rest.length > max) {
    const cut = rest.lastIndexOf(' ', max) > max / 2 ? rest.lastIndexOf(' ', max) : max;
    out.push({ ...line, text: rest.slice(0, cut), gapBefore: first ? line.gapBefore : 0 });
    rest = rest.slice(cut).trimStart();
    first = false;
  }
  out.push({ ...line, text: rest, gapBefore: 0 });
  return out;
}

function paginate(lines: PdfLine[]): string[] {
  const pages: string[] = [];
  let ops: string[] = [];
  let y = PAGE_HEIGHT - MARGIN;
  for (const line of lines.flatMap(wrap)) {
    const size = line.size ?? 10;
    const advance = (line.gapBefore ?? 0) + size * 1.4;
    if (y - advance < MARGIN && ops.length > 0) {
      pages.push(ops.join('\n'));
      ops = [];
      y = PAGE_HEIGHT - MARGIN;
    }
    y -= advance;
    const font = line.bold ? 'F2' : 'F1';
    ops.push(
      `BT /${font} ${size} Tf ${MARGIN} ${y.toFixed(2)} Td (${escapeText(line.text)}) Tj ET`,
    );
  }
  pages.push(ops.join('\n'));
  return pages;
}

export function renderPdf(lines: PdfLine[], title = 'Document'): Buffer {
  const pages = paginate(lines);
  // Objects: 1 catalog, 2 pages, 3 font, 4 bold font, 5 info, then a page + content per page.
  const objects: string[] = [];
  const pageIds = pages.map((_, i) => 6 + i * 2);
  objects[1] = '<< /Type /Catalog /Pages 2 0 R >>';
  objects[2] = `<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(' ')}] /Count ${pages.length} >>`;
  objects[3] = '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>';
  objects[4] =
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>';
  objects[5] = `<< /Title (${escapeText(title)}) /Producer (Grant Commons) >>`;
  pages.forEach((content, i) => {
    const pageId = pageIds[i];
    objects[pageId] =
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${PAGE_WIDTH} ${PAGE_HEIGHT}] ` +
      `/Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents ${pageId + 1} 0 R >>`;
    objects[pageId + 1] =
      `<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}\nendstream`;
  });

  const chunks: string[] = ['%PDF-1.4\n%\xe2\xe3\xcf\xd3\n'];
  let offset = Buffer.byteLength(chunks[0], 'latin1');
  const offsets: number[] = [];
  for (let id = 1; id < objects.length; id++) {
    const body = `${id} 0 obj\n${objects[id]}\nendobj\n`;
    offsets[id] = offset;
    chunks.push(body);
    offset += Buffer.byteLength(body, 'latin1');
  }
  const xref = [
    'xref',
    `0 ${objects.length}`,
    '0000000000 65535 f ',
    ...offsets.slice(1).map((o) => `${String(o).padStart(10, '0')} 00000 n `),
  ].join('\n');
  chunks.push(
    `${xref}\ntrailer\n<< /Size ${objects.length} /Root 1 0 R /Info 5 0 R >>\nstartxref\n${offset}\n%%EOF\n`,
  );
  return Buffer.from(chunks.join(''), 'latin1');
}
