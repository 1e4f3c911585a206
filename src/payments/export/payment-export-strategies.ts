import { Injectable } from '@nestjs/common';
import { AgencyDirectory } from '../../agencies/agency-directory';
import { AgencyStrategies } from '../../agencies/strategies';
import { Clock } from '../../core/clock/clock';
import { CsvPaymentExport } from './csv-payment-export';
import { NachaAchPaymentExport } from './nacha-ach-payment-export';

/** Binds the payment file formats agencies choose by name (finance.paymentExportFormat). */
@Injectable()
export class PaymentExportStrategies {
  constructor(strategies: AgencyStrategies, agencies: AgencyDirectory, clock: Clock) {
    strategies.register({
      kind: 'paymentExport',
      name: 'csv',
      implementation: new CsvPaymentExport(),
    });
    strategies.register({
      kind: 'paymentExport',
      name: 'nacha-ach',
      implementation: new NachaAchPaymentExport(agencies, () => clock.now()),
    });
  }
}
