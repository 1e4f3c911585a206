/**
 * The text of a PDF as a reader sees it, by Mozilla's PDF.js: 3.11 is its last release with a
 * CommonJS build, which Jest's CommonJS sandbox can require (4 and later are ES modules only).
 */
/** PDF.js, loaded quietly: at load it warns that it cannot polyfill drawing (no `canvas`). */
function loadPdfJs(): typeof import('pdfjs-dist') {
  const log = console.log;
  console.log = () => undefined;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('pdfjs-dist/legacy/build/pdf.js') as typeof import('pdfjs-dist');
  } finally {
    console.log = log;
  }
}
const pdfjs = loadPdfJs();

export interface PdfTextLine {
  text: string;
  /** Points from the page's left edge to the line's first and past its last glyph. */
  left: number;
  right: number;
  /** Points from the page's bottom edge to the line's baseline. */
  baseline: number;
}

export interface PdfText {
  /** Each page's lines, top to bottom: the pieces on one baseline joined. */
  pages: PdfTextLine[][];
  info: Record<string, unknown>;
  pageWidth: number;
}

export async function pdfText(pdf: Buffer): Promise<PdfText> {
  const document = await pdfjs.getDocument({
    data: new Uint8Array(pdf),
    verbosity: pdfjs.VerbosityLevel.ERRORS,
    isEvalSupported: false,
  }).promise;
  try {
    const pages: PdfTextLine[][] = [];
    let pageWidth = 0;
    for (let n = 1; n <= document.numPages; n++) {
      const page = await document.getPage(n);
      pageWidth = page.view[2];
      const byBaseline = new Map<number, PdfTextLine>();
      for (const item of (await page.getTextContent()).items) {
        if (!('str' in item) || item.str === '') continue;
        const [, , , , x, y] = item.transform as number[];
        const key = Math.round(y * 10);
        const line = byBaseline.get(key);
        if (line) {
          line.text += item.str;
          line.right = Math.max(line.right, x + item.width);
        } else {
          byBaseline.set(key, { text: item.str, left: x, right: x + item.width, baseline: y });
        }
      }
      pages.push([...byBaseline.entries()].sort(([a], [b]) => b - a).map(([, line]) => line));
    }
    const { info } = await document.getMetadata();
    return { pages, info: info as Record<string, unknown>, pageWidth };
  } finally {
    await document.destroy();
  }
}
