import { Injectable } from '@nestjs/common';
import { DomainError } from '../core/errors/domain-error';
import type { StrategyDeclaration } from './config-schema';
import { PAYMENT_EXPORT_FORMATS } from '../payments/export/payment-export-formats';

/**
 * One batch of approved payments handed to the state accounting system. Amounts are decimal
 * strings ("1250.00"). The payments capability owns the final shape; this is the contract an
 * export format is written against.
 */
export interface PaymentExportBatch {
  agencyCode: string;
  batchId: string;
  /** The date the payments settle, YYYY-MM-DD in the agency's time zone. */
  effectiveDate: string;
  payments: Array<{
    paymentRequestId: string;
    payeeName: string;
    amount: string;
    /** Present for electronic formats (ACH); decrypted only while the file is written. */
    routingNumber?: string;
    accountNumber?: string;
    accountType?: 'checking' | 'savings';
  }>;
}

/** A payment file format an agency chooses by name in `finance.paymentExportFormat`. */
export interface PaymentExportStrategy {
  readonly mediaType: string;
  readonly fileExtension: string;
  render(batch: PaymentExportBatch): Buffer;
}

/** Each kind of agency strategy and the interface its implementations satisfy. */
export interface StrategyKinds {
  paymentExport: PaymentExportStrategy;
}
export type StrategyKind = keyof StrategyKinds;

/** Where an agency's YAML chooses each kind: the field path used in validation messages. */
export const STRATEGY_FIELDS: Record<StrategyKind, string> = {
  paymentExport: 'finance.paymentExportFormat',
};

/**
 * The names the product promises before their implementations exist, so an agency file can be
 * validated at boot; each capability declares its own (with their option schemas). Implementations
 * are bound to these names by the capability that owns them (payments binds `csv` and
 * `nacha-ach`); until then `resolve` refuses with a coded error.
 */
export const STRATEGY_DECLARATIONS = {
  paymentExport: PAYMENT_EXPORT_FORMATS,
} satisfies { [K in StrategyKind]: Record<string, StrategyDeclaration> };

export interface StrategyRegistration<K extends StrategyKind> {
  kind: K;
  name: string;
  implementation: StrategyKinds[K];
}

export class StrategyNotImplementedError extends DomainError {
  constructor(kind: StrategyKind, name: string) {
    super(
      'agency.strategy_not_implemented',
      501,
      `No implementation of the ${kind} strategy "${name}" is installed.`,
      { kind, name },
    );
  }
}

/**
 * Behaviour chosen by name in an agency's YAML (Vendure's strategy idea). Names are declared
 * above and checked when the files are validated; the owning capability binds implementations
 * (`register`, from a provider constructor or onModuleInit). Once any implementation of a kind
 * is bound, boot fails if an active agency chooses a name of that kind with none bound.
 */
@Injectable()
export class AgencyStrategies {
  private readonly known = new Map<StrategyKind, Set<string>>();
  private readonly bound = new Map<string, unknown>();

  constructor() {
    for (const kind of Object.keys(STRATEGY_DECLARATIONS) as StrategyKind[]) {
      this.known.set(kind, new Set(Object.keys(STRATEGY_DECLARATIONS[kind])));
    }
  }

  /** Binds an implementation to a declared name; each name once. */
  register<K extends StrategyKind>(registration: StrategyRegistration<K>): void {
    const { kind, name } = registration;
    // Declared names only, so `npm run agencies:sync` (no modules loaded) validates the same way.
    if (!this.known.get(kind)?.has(name)) {
      throw new Error(
        `${kind} strategy "${name}" is not declared (STRATEGY_DECLARATIONS in src/agencies/strategies.ts)`,
      );
    }
    const key = `${kind}:${name}`;
    if (this.bound.has(key)) throw new Error(`${kind} strategy "${name}" is registered twice`);
    this.bound.set(key, registration.implementation);
  }

  /** Names an agency file may choose for this kind. */
  names(kind: StrategyKind): string[] {
    return [...(this.known.get(kind) ?? [])].sort();
  }

  isImplemented(kind: StrategyKind, name: string): boolean {
    return this.bound.has(`${kind}:${name}`);
  }

  resolve<K extends StrategyKind>(kind: K, name: string): StrategyKinds[K] {
    const implementation = this.bound.get(`${kind}:${name}`);
    if (!implementation) throw new StrategyNotImplementedError(kind, name);
    return implementation as StrategyKinds[K];
  }
}
