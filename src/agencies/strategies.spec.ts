import type { PaymentExportStrategy } from '../payments/export/payment-export-strategy';
import { AgencyStrategies, StrategyNotImplementedError } from './strategies';

const csv: PaymentExportStrategy = {
  mediaType: 'text/csv',
  fileExtension: 'csv',
  render: () => Buffer.from(''),
};

describe('agency strategies', () => {
  it('declares the payment export formats before any implementation is bound', () => {
    const strategies = new AgencyStrategies();
    expect(strategies.names('paymentExport')).toEqual(['csv', 'nacha-ach']);
    expect(strategies.isImplemented('paymentExport', 'csv')).toBe(false);
    expect(() => strategies.resolve('paymentExport', 'csv')).toThrow(StrategyNotImplementedError);
  });

  it('binds an implementation once, to a declared name only', () => {
    const strategies = new AgencyStrategies();
    strategies.register({ kind: 'paymentExport', name: 'csv', implementation: csv });
    expect(strategies.resolve('paymentExport', 'csv')).toBe(csv);
    expect(() =>
      strategies.register({ kind: 'paymentExport', name: 'csv', implementation: csv }),
    ).toThrow('registered twice');
    expect(() =>
      strategies.register({ kind: 'paymentExport', name: 'xml', implementation: csv }),
    ).toThrow('not declared');
  });
});
