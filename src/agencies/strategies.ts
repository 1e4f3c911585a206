import { Injectable } from '@nestjs/common';
import { DomainError } from '../core/errors/domain-error';
import type { StrategyDeclaration } from './config-schema';
import { PAYMENT_EXPORT_FORMATS } from '../payments/export/payment-export-formats';

/**
 * Each kind of agency strategy and the interface its implementations satisfy. The capability
 * that owns a kind's contract declares it by merging (payments owns `paymentExport`):
 *
 *   declare module '../../agencies/strategies' {
 *     interface StrategyKinds { paymentExport: PaymentExportStrategy }
 *   }
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface StrategyKinds {}

/**
 * The registry's declarations, keyed by kind: the names an agency file may choose, each with
 * the options it owns (schema pieces, from the owning capability), so a file is validated at
 * boot and by `npm run agencies:sync` (no modules loaded) before any implementation is bound.
 * Implementations are bound to these names by the capability that owns them (payments binds
 * `csv` and `nacha-ach`); until then `resolve` refuses with a coded error.
 */
export const STRATEGY_DECLARATIONS = {
  paymentExport: PAYMENT_EXPORT_FORMATS,
} satisfies { [K in keyof StrategyKinds]: Record<string, StrategyDeclaration> };

export type StrategyKind = keyof StrategyKinds;

/**
 * Where an agency's YAML chooses each kind: the field path, used in validation messages; a
 * strategy's options field sits beside it.
 */
export const STRATEGY_FIELDS: Record<StrategyKind, string> = {
  paymentExport: 'finance.paymentExportFormat',
};

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
