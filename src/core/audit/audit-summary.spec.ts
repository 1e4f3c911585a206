import { auditSummary, REDACTED } from './audit-summary';

describe('audit summaries', () => {
  it('redacts secrets at any depth, whatever the key casing', () => {
    expect(
      auditSummary({
        email: 'a@b.example',
        password: 'hunter2',
        passwordHash: '$argon2id$...',
        refresh_token: 'abc',
        payee: { name: 'Acme', bankAccount: '123', routingNumber: '011000015' },
        list: [{ apiKey: 'k', ok: 1 }],
      }),
    ).toEqual({
      email: 'a@b.example',
      password: REDACTED,
      passwordHash: REDACTED,
      refresh_token: REDACTED,
      payee: { name: 'Acme', bankAccount: REDACTED, routingNumber: REDACTED },
      list: [{ apiKey: REDACTED, ok: 1 }],
    });
  });

  it('keeps plain JSON: dates as ISO, decimals via toJSON, no undefined, no NUL', () => {
    const decimal = { toJSON: () => '1250.00' };
    expect(
      auditSummary({
        at: new Date('2025-01-02T03:04:05.000Z'),
        amount: decimal,
        gone: undefined,
        big: 10n,
        text: 'a\u0000b',
        bytes: Buffer.from('x'),
      }),
    ).toEqual({
      at: '2025-01-02T03:04:05.000Z',
      amount: '1250.00',
      big: '10',
      text: 'ab',
      bytes: '[binary]',
    });
  });

  it('bounds the size of what it keeps', () => {
    const summary = auditSummary({
      long: 'x'.repeat(5000),
      many: Array.from({ length: 500 }, (_, i) => i),
    }) as any;
    expect(summary.long.length).toBeLessThanOrEqual(2001);
    expect(summary.many).toHaveLength(201);
    expect(summary.many[200]).toBe('[300 more]');
  });

  it('stores nothing for a missing value', () => {
    expect(auditSummary(undefined)).toBeNull();
  });
});
