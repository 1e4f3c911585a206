import { Injectable } from '@nestjs/common';
import { AgencyDirectory } from '../../agencies/agency-directory';
import { AgencyStrategies } from '../../agencies/strategies';
import { Clock } from '../../core/clock/clock';
import { CsvPaymentExport } from './csv-payment-export';
import { NachaAchPaymentExport } from './nacha-ach-payment-export';
import { PaymentExportBatch, PaymentExportStrategy } from './payment-export-strategy';

declare module '../../agencies/strategies' {
  interface StrategyKinds {
    paymentExport: PaymentExportStrategy;
  }
}

/** A format with one agency's options bound: what a batch's file is written with. */
export interface AgencyPaymentExport {
  readonly mediaType: string;
  readonly fileExtension: string;
  render(batch: PaymentExportBatch): Buffer;
}

/**
 * Binds the payment file formats agencies choose by name (finance.paymentExportFormat) in the
 * agency strategies registry, and hands one out with the agency's options for it.
 */
@Injectable()
export class PaymentExportStrategies {
  constructor(
    private readonly strategies: AgencyStrategies,
    private readonly agencies: AgencyDirectory,
    clock: Clock,
  ) {
    strategies.register({
      kind: 'paymentExport',
      name: 'csv',
      implementation: new CsvPaymentExport(),
    });
    strategies.register({
      kind: 'paymentExport',
      name: 'nacha-ach',
      implementation: new NachaAchPaymentExport(() => clock.now()),
    });
  }

  /** The format `name` with the agency's options for it (throws if none is bound). */
  forAgency(agencyId: string, name: string): AgencyPaymentExport {
    const strategy = this.strategies.resolve('paymentExport', name);
    const options = this.agencies.strategyOptions(agencyId, 'paymentExport', name);
    return {
      mediaType: strategy.mediaType,
      fileExtension: strategy.fileExtension,
      render: (batch) => strategy.render(batch, options),
    };
  }
}
