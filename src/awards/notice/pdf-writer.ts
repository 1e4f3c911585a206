import { readFileSync } from 'node:fs';
import PDFDocument from 'pdfkit';

/** One paragraph of a text document; pdfkit wraps it at the margins by the glyphs' real widths. */
export interface PdfLine {
  text: string;
  /** Points; default 10. */
  size?: number;
  bold?: boolean;
  /** Extra points of space before the line. */
  gapBefore?: number;
}

export interface PdfDocumentInfo {
  title: string;
  /** The document's date (CreationDate): fixed, so the same notice renders to the same bytes. */
  date: Date;
}

const MARGIN = 54; // three quarters of an inch on US Letter

/**
 * Noto Sans (SIL Open Font License, from Expo's package of Google Fonts, installed with npm):
 * the PDF built-in fonts cover WinAnsi only, and a district or a person may be named in
 * Hawaiian (ʻokina, kahakō), Navajo (ł, ą) or Vietnamese. pdfkit embeds only the glyphs used.
 * Not covered: CJK and other scripts outside Latin, Greek and Cyrillic.
 */
const FONT_FILES = {
  regular: '@expo-google-fonts/noto-sans/400Regular/NotoSans_400Regular.ttf',
  bold: '@expo-google-fonts/noto-sans/700Bold/NotoSans_700Bold.ttf',
} as const;
let fonts: Record<keyof typeof FONT_FILES, Buffer> | undefined;

function fontData(): Record<keyof typeof FONT_FILES, Buffer> {
  fonts ??= {
    regular: readFileSync(require.resolve(FONT_FILES.regular)),
    bold: readFileSync(require.resolve(FONT_FILES.bold)),
  };
  return fonts;
}

/** A US Letter PDF of paragraphs, with pages added as the text runs past the bottom margin. */
export function renderPdf(lines: PdfLine[], info: PdfDocumentInfo): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'LETTER',
    margin: MARGIN,
    info: {
      Title: info.title,
      Producer: 'Grant Commons',
      Creator: 'Grant Commons',
      CreationDate: info.date,
      ModDate: info.date,
    },
  });
  const done = new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const font = fontData();
  doc.registerFont('regular', font.regular);
  doc.registerFont('bold', font.bold);
  const width = doc.page.width - 2 * MARGIN;
  for (const line of lines) {
    if (line.gapBefore && doc.y > doc.page.margins.top) doc.y += line.gapBefore;
    doc
      .font(line.bold ? 'bold' : 'regular')
      .fontSize(line.size ?? 10)
      .text(line.text, MARGIN, undefined, { width });
  }
  doc.end();
  return done;
}
