import { canonicalJson } from './canonical-json';
import { requestFingerprint } from './idempotency.service';

describe('idempotency fingerprints', () => {
  it('ignore key order but not values, method or path', () => {
    const body = { certification: { name: 'Pat', title: 'Supt', accepted: true } };
    const reordered = { certification: { accepted: true, title: 'Supt', name: 'Pat' } };
    const base = requestFingerprint('POST', '/a/submit', body);
    expect(requestFingerprint('post', '/a/submit', reordered)).toBe(base);
    expect(
      requestFingerprint('POST', '/a/submit', {
        certification: { ...body.certification, name: 'Sam' },
      }),
    ).not.toBe(base);
    expect(requestFingerprint('POST', '/b/submit', body)).not.toBe(base);
    expect(requestFingerprint('PUT', '/a/submit', body)).not.toBe(base);
  });

  it('writes canonical JSON with sorted keys, dropping undefined members', () => {
    expect(canonicalJson({ b: 1, a: [{ d: undefined, c: null }] })).toBe(
      '{"a":[{"c":null}],"b":1}',
    );
  });
});
