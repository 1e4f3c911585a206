import { safeNext } from './error-pages';

describe('safeNext: where sign-in may send a person back to', () => {
  it('keeps a path of this site, with its query', () => {
    expect(safeNext('/home')).toBe('/home');
    expect(safeNext('/mo-dese/programs?status=open&q=a%20b')).toBe(
      '/mo-dese/programs?status=open&q=a%20b',
    );
  });

  it('refuses anything a browser could read as another host or a script', () => {
    for (const hostile of [
      '//evil.example/',
      '/\\evil.example/',
      '\\\\evil.example',
      '/\t/evil.example/',
      '/\n/evil.example/',
      '/\r/evil.example/',
      '/ /evil.example',
      '/\x00/evil.example',
      'https://evil.example/',
      'javascript:alert(1)',
      'mo-dese/programs',
      '',
      `/${'a'.repeat(2000)}`,
    ]) {
      expect([hostile, safeNext(hostile)]).toEqual([hostile, undefined]);
    }
    expect(safeNext(undefined)).toBeUndefined();
    expect(safeNext(['/home'])).toBeUndefined();
  });
});
