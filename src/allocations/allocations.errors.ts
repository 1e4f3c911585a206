import { DomainError, FieldProblem, NotFoundError } from '../core/errors/domain-error';
import type { FormulaInputProblem } from './formula-input';

export class AllocationNotFoundError extends NotFoundError {
  constructor(what = 'allocation') {
    super(what, 'allocation.not_found');
  }
}

/** The agency's file says `features: { formulaAllocations: false }`. */
export class FormulaAllocationsDisabledError extends DomainError {
  constructor() {
    super(
      'allocation.formulas_disabled',
      403,
      'Formula allocations are switched off for this agency.',
    );
  }
}

export class NotFormulaProgramError extends DomainError {
  constructor() {
    super('allocation.not_formula_program', 409, 'The program is not a formula program.');
  }
}

export class FormulaNotConfiguredError extends DomainError {
  constructor() {
    super(
      'allocation.formula_not_configured',
      409,
      'Set the formula configuration (factors and weights) first.',
    );
  }
}

export class FormulaConfigInvalidError extends DomainError {
  constructor(errors: FieldProblem[]) {
    super('allocation.formula_invalid', 422, 'The formula configuration is not valid.', {
      errors,
    });
  }
}

/** Every bad row of an uploaded CSV, by line; nothing of the file is kept. */
export class FormulaInputInvalidError extends DomainError {
  constructor(problems: FormulaInputProblem[]) {
    super(
      'allocation.input_invalid',
      422,
      `The file has ${problems.length} problem(s); nothing was imported.`,
      { problems },
    );
  }
}

export class InputMissingError extends DomainError {
  constructor(detail: string) {
    super('allocation.input_missing', 400, detail);
  }
}

export class FinalPublishedError extends DomainError {
  constructor() {
    super(
      'allocation.final_published',
      409,
      "The program's final allocations are published; they can no longer be revised.",
    );
  }
}

export class RunNotPublishableError extends DomainError {
  constructor(status: string, reason: string) {
    super('allocation.run_not_publishable', 409, `This run cannot be published: ${reason}.`, {
      runStatus: status,
    });
  }
}

export class FundsNotSetError extends DomainError {
  constructor() {
    super('allocation.funds_not_set', 409, 'The program has no funds available set.');
  }
}
