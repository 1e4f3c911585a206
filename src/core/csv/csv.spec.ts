import { csvField, csvRow, CsvSyntaxError, parseCsv } from './csv';

describe('parseCsv', () => {
  it('reads quoted fields, doubled quotes, CRLF and embedded newlines, keeping start lines', () => {
    const records = parseCsv('id,name\r\n1,"Smith, ""Jo"""\r\n2,"two\nlines"\n3,plain\n');
    expect(records).toEqual([
      { line: 1, fields: ['id', 'name'] },
      { line: 2, fields: ['1', 'Smith, "Jo"'] },
      { line: 3, fields: ['2', 'two\nlines'] },
      { line: 5, fields: ['3', 'plain'] },
    ]);
  });

  it('skips blank lines and a BOM, keeps empty fields', () => {
    expect(parseCsv('\ufeffa,,c\n\n\nd,e,\n')).toEqual([
      { line: 1, fields: ['a', '', 'c'] },
      { line: 4, fields: ['d', 'e', ''] },
    ]);
  });

  it('names the line of an unclosed quote', () => {
    expect(() => parseCsv('a,b\n1,"open\n')).toThrow(CsvSyntaxError);
    expect(() => parseCsv('a,b\n1,"open\n')).toThrow(/^line 2:/);
  });
});

describe('csvField', () => {
  it('quotes separators and neutralises formulas but not negative numbers', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField('-12.50')).toBe('-12.50');
    expect(csvRow(['x', 1, null])).toBe('x,1,\r\n');
  });
});
