import {
  ArtefactNotReadyError,
  DomainError,
  FieldProblem,
  NotFoundError,
} from '../core/errors/domain-error';

export class AwardNotFoundError extends NotFoundError {
  constructor() {
    super('award', 'award.not_found');
  }
}

export class AwardExistsError extends DomainError {
  constructor(awardId: string) {
    super('award.already_exists', 409, 'An award was already made from this funding decision.', {
      awardId,
    });
  }
}

export class AwardInvalidError extends DomainError {
  constructor(errors: FieldProblem[], message = 'The award terms are not valid.') {
    super('award.invalid', 422, message, { errors });
  }
}

export class AwardStatusError extends DomainError {
  constructor(status: string, action: string) {
    super('award.wrong_status', 409, `An award that is ${status} cannot be ${action}.`, {
      status,
    });
  }
}

export class FundingSourceNotReadyError extends DomainError {
  constructor(detail: string) {
    super('award.funding_source_not_ready', 409, detail);
  }
}

export class AwardNoticeNotReadyError extends ArtefactNotReadyError {
  constructor() {
    super('award.notice_not_ready', 'The award notice is still being generated; retry shortly.');
  }
}

export class AmendmentNotFoundError extends NotFoundError {
  constructor() {
    super('amendment', 'award.amendment_not_found');
  }
}

export class AmendmentStateError extends DomainError {
  constructor(message: string, code = 'award.amendment_not_open') {
    super(code, 409, message);
  }
}

export class SelfApprovalError extends DomainError {
  constructor(what: string, code: string) {
    super(code, 403, `Segregation of duties: you cannot approve ${what} you proposed.`);
  }
}

export class AmendmentBelowCommittedError extends DomainError {
  constructor(minimum: string) {
    super(
      'award.amendment_below_committed',
      409,
      `The award cannot be reduced below what is already paid or requested (${minimum}).`,
      { minimum },
    );
  }
}

export class BudgetStaleError extends DomainError {
  constructor(currentEtag: string) {
    super('award.budget_stale', 412, 'The budget changed since you read it; reload and retry.', {
      currentEtag,
    });
  }
}

export class BudgetPreconditionRequiredError extends DomainError {
  constructor() {
    super(
      'award.budget_precondition_required',
      428,
      'Send If-Match with the budget ETag you read.',
    );
  }
}

export class BudgetInvalidError extends DomainError {
  constructor(errors: FieldProblem[], message = 'The budget is not valid.') {
    super('award.budget_invalid', 422, message, { errors });
  }
}

export class BudgetRevisionNotFoundError extends NotFoundError {
  constructor() {
    super('budget revision', 'award.budget_revision_not_found');
  }
}

export class BudgetRevisionStateError extends DomainError {
  constructor(message: string, code = 'award.budget_revision_not_pending') {
    super(code, 409, message);
  }
}
