import { pdfText } from '../../../test/support/pdf-text';
import { renderPdf } from './pdf-writer';

const info = { title: 'Award AW-1 v1', date: new Date('2026-07-01T14:30:00Z') };
const MARGIN = 54;

describe('renderPdf', () => {
  it('prints names outside ASCII as written, Latin-1 and beyond', async () => {
    const names = [
      'Peña Unified',
      'Escuela Núñez',
      'Lycée Émile (Zoë) \\ Größe',
      'Hawaiʻi State Department of Education: Kāneʻohe',
      'Diné College, Łukasz Bąk',
      '“Quoted” – €5',
    ];
    const pdf = await renderPdf(
      names.map((text) => ({ text })),
      info,
    );
    const { pages } = await pdfText(pdf);
    expect(pages).toHaveLength(1);
    expect(pages[0].map((line) => line.text)).toEqual(names);
  });

  it('wraps a long line within the margins', async () => {
    const words = 'Costs must be incurred within the period of performance by Peña Unified.';
    const long = `${words} ${words} ${words}`;
    const { pages, pageWidth } = await pdfText(await renderPdf([{ text: long }], info));
    expect(pages[0].length).toBeGreaterThan(1);
    expect(pages[0].map((l) => l.text).join(' ')).toBe(long);
    for (const line of pages[0]) {
      expect(line.left).toBeCloseTo(MARGIN, 0);
      expect(line.right).toBeLessThanOrEqual(pageWidth - MARGIN + 0.5);
    }
  });

  it('wraps by the glyphs’ real widths, not their count', async () => {
    const linesOf = async (text: string) =>
      (await pdfText(await renderPdf([{ text }], info))).pages[0].length;
    const wide = 'WWWWW '.repeat(40).trim();
    const narrow = 'iiiii '.repeat(40).trim();
    expect(await linesOf(wide)).toBeGreaterThan(await linesOf(narrow));
  });

  it('starts a new page when the text runs past the bottom margin, and keeps every line', async () => {
    const lines = Array.from({ length: 120 }, (_, i) => ({
      text: `line ${i}`,
      gapBefore: i % 10 === 0 ? 14 : undefined,
    }));
    const { pages } = await pdfText(await renderPdf(lines, info));
    expect(pages.length).toBeGreaterThan(1);
    expect(pages.flat().map((l) => l.text)).toEqual(lines.map((l) => l.text));
    for (const line of pages.flat()) expect(line.baseline).toBeGreaterThan(MARGIN);
    expect(pages[1][0].baseline).toBeGreaterThan(pages[0][pages[0].length - 1].baseline);
  });

  it('writes the title and the notice date, and the same notice to the same bytes', async () => {
    const lines = [{ text: 'Notice of Subaward', size: 18, bold: true }, { text: 'Peña Unified' }];
    const first = await renderPdf(lines, info);
    const again = await renderPdf(lines, info);
    expect(again.equals(first)).toBe(true);
    const { info: meta } = await pdfText(first);
    expect(meta).toMatchObject({ Title: 'Award AW-1 v1', CreationDate: 'D:20260701143000Z' });
  });
});
