import { renderPdf } from './pdf-writer';

describe('renderPdf', () => {
  const pdf = renderPdf(
    [
      { text: 'Notice of Subaward', size: 16, bold: true },
      { text: 'Amount (obligated): $1,250.00 (total) \\ x', gapBefore: 8 },
      { text: 'Lycée Émile' },
    ],
    'Award AW-1',
  );
  const text = pdf.toString('latin1');

  it('is a PDF whose cross-reference offsets point at each object', () => {
    expect(text.startsWith('%PDF-1.4\n')).toBe(true);
    expect(text.trimEnd().endsWith('%%EOF')).toBe(true);
    const startxref = Number(/startxref\n(\d+)\n/.exec(text)![1]);
    expect(text.slice(startxref, startxref + 4)).toBe('xref');
    const entries = text
      .slice(startxref)
      .split('\n')
      .slice(3)
      .filter((l) => / n $/.test(l));
    entries.forEach((entry, i) => {
      const at = Number(entry.slice(0, 10));
      expect(text.slice(at, at + `${i + 1} 0 obj`.length)).toBe(`${i + 1} 0 obj`);
    });
  });

  it('writes the text as escaped literal strings, accents folded', () => {
    expect(text).toContain('(Amount \\(obligated\\): $1,250.00 \\(total\\) \\\\ x) Tj');
    expect(text).toContain('(Lycee Emile) Tj');
    expect(text).toContain('/Title (Award AW-1)');
  });

  it('starts a new page when the lines run past the bottom margin', () => {
    const long = renderPdf(Array.from({ length: 120 }, (_, i) => ({ text: `line ${i}` })));
    expect(/\/Count (\d+)/.exec(long.toString('latin1'))![1]).toBe('3');
  });
});
