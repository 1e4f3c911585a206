import { DomainError, FieldProblem, NotFoundError } from '../core/errors/domain-error';

export class CloseoutReportNotFoundError extends NotFoundError {
  constructor() {
    super('final expenditure report', 'closeout.report_not_found');
  }
}

export class CloseoutStateError extends DomainError {
  constructor(code: string, message: string, extensions: Record<string, unknown> = {}) {
    super(code, 409, message, extensions);
  }
}

export class ExpenditureReportInvalidError extends DomainError {
  constructor(errors: FieldProblem[]) {
    super('closeout.report_invalid', 422, 'The final expenditure report is not valid.', { errors });
  }
}

export class CarryoverNotAllowedError extends DomainError {
  constructor() {
    super('closeout.carryover_not_allowed', 422, "The award's program does not allow carryover.");
  }
}
