import { DomainError, FieldProblem, NotFoundError } from '../../core/errors/domain-error';

export class DecisionNotFoundError extends NotFoundError {
  constructor() {
    super('funding decision', 'decision.not_found');
  }
}

export class DecisionsReleasedError extends DomainError {
  constructor(releasedAt: string) {
    super(
      'decision.already_released',
      409,
      "The program's decisions were released; they can no longer change.",
      { releasedAt },
    );
  }
}

export class NothingToDecideError extends DomainError {
  constructor() {
    super(
      'decision.nothing_to_decide',
      409,
      'No application of this program is in the final decision stage.',
    );
  }
}

export class FundsNotSetError extends DomainError {
  constructor() {
    super('decision.funds_not_set', 409, 'The program has no funds available set.');
  }
}

export class DecisionInvalidError extends DomainError {
  constructor(errors: FieldProblem[]) {
    super('decision.invalid', 422, 'The decision is not valid.', { errors });
  }
}

export class DecisionsIncompleteError extends DomainError {
  constructor(applicationIds: string[]) {
    super(
      'decision.incomplete',
      409,
      'Every application in the final decision stage needs a decision before release.',
      { applicationIds },
    );
  }
}

export class OverFundsError extends DomainError {
  constructor(approved: string, fundsAvailable: string) {
    super(
      'decision.over_funds',
      409,
      `Approved amounts (${approved}) exceed the funds available (${fundsAvailable}).`,
      { approved, fundsAvailable },
    );
  }
}
