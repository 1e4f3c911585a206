import { StrategyDeclaration } from '../../agencies/config-schema';
import { NACHA_ACH_OPTIONS } from './nacha-ach-originator';

/**
 * The payment file formats an agency may choose in `finance.paymentExportFormat`, each with the
 * options it owns (validated at boot with the rest of the file). Implementations are bound by
 * PaymentExportStrategies.
 */
export const PAYMENT_EXPORT_FORMATS = {
  csv: {},
  'nacha-ach': NACHA_ACH_OPTIONS,
} satisfies Record<string, StrategyDeclaration>;
