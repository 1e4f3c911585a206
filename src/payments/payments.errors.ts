import { DomainError, FieldProblem, NotFoundError } from '../core/errors/domain-error';

export class PaymentRequestNotFoundError extends NotFoundError {
  constructor() {
    super('payment request', 'payment.not_found');
  }
}

export class AwardNotActiveError extends DomainError {
  constructor(status: string) {
    super(
      'payment.award_not_active',
      409,
      `Payments can only be requested on an active award (this one is ${status}).`,
      {
        status,
      },
    );
  }
}

export class PaymentTypeNotAllowedError extends DomainError {
  constructor(type: string, allowed: string[]) {
    super(
      'payment.type_not_allowed',
      422,
      `This agency does not accept ${type} requests (it accepts: ${allowed.join(', ')}).`,
      {
        allowed,
      },
    );
  }
}

export class PaymentRequestInvalidError extends DomainError {
  constructor(
    errors: FieldProblem[],
    code = 'payment.invalid',
    message = 'The payment request is not valid.',
  ) {
    super(code, 422, message, { errors });
  }
}

export class OutsidePeriodOfAvailabilityError extends DomainError {
  constructor(periodStart: string, periodEnd: string, detail: string) {
    super('payment.outside_period_of_availability', 422, detail, {
      periodOfAvailability: { start: periodStart, end: periodEnd },
    });
  }
}

export class ExceedsBalanceError extends DomainError {
  constructor(requested: string, available: string) {
    super(
      'payment.exceeds_balance',
      409,
      `The request (${requested}) exceeds the award's remaining balance (${available}).`,
      { requested, available },
    );
  }
}

export class ExceedsBudgetLineError extends DomainError {
  constructor(
    errors: Array<FieldProblem & { functionCode: string; objectCode: string; available: string }>,
  ) {
    super(
      'payment.exceeds_budget_line',
      409,
      'The request exceeds a budget line beyond the agency tolerance.',
      { errors },
    );
  }
}

export class NotAwaitingApprovalError extends DomainError {
  constructor(status: string) {
    super(
      'payment.not_awaiting_approval',
      409,
      `The request is ${status}; it is not awaiting approval.`,
      {
        status,
      },
    );
  }
}

export class SelfApprovalError extends DomainError {
  constructor() {
    super(
      'payment.self_approval',
      403,
      'Segregation of duties: nobody may approve or reject a payment request they created.',
    );
  }
}

export class AlreadyApprovedError extends DomainError {
  constructor() {
    super(
      'payment.already_approved',
      409,
      'You already approved this request as it stands; a different finance officer must approve it.',
    );
  }
}

export class InvalidReductionError extends DomainError {
  constructor(errors: FieldProblem[]) {
    super(
      'payment.invalid_reduction',
      422,
      'An approval can only lower the amount, with a reason.',
      {
        errors,
      },
    );
  }
}

export class PaymentBatchNotFoundError extends NotFoundError {
  constructor() {
    super('payment batch', 'payment_batch.not_found');
  }
}

export class PaymentBatchConflictError extends DomainError {
  constructor(code: string, message: string, extensions: Record<string, unknown> = {}) {
    super(code, 409, message, extensions);
  }
}

export class PayeeMissingError extends DomainError {
  constructor(organizationIds: string[]) {
    super(
      'payment_batch.payee_missing',
      422,
      'Electronic payment needs bank details for every organization in the batch.',
      { organizationIds },
    );
  }
}

export class ConfirmationInvalidError extends DomainError {
  constructor(errors: Array<{ line: number; detail: string }>) {
    super(
      'payment_batch.confirmation_invalid',
      422,
      'The bank confirmation has problems; nothing was reconciled.',
      { errors },
    );
  }
}

export class PayeeNotFoundError extends NotFoundError {
  constructor() {
    super('payee', 'payee.not_found');
  }
}

export class PayeeInvalidError extends DomainError {
  constructor(errors: FieldProblem[]) {
    super('payee.invalid', 422, 'The bank details are not valid.', { errors });
  }
}

/** A request's payee changed after it was approved: it goes back for approval, never paid. */
export class PayeeChangedError extends DomainError {
  constructor(paymentRequestIds: string[]) {
    super(
      'payment_batch.payee_changed',
      409,
      "An organization's bank details changed after these requests were approved; they must be approved again before they are paid. Nothing was batched.",
      { paymentRequestIds },
    );
  }
}

export class PayeeDutyConflictError extends DomainError {
  constructor(organizationIds: string[]) {
    super(
      'payment_batch.payee_duty_conflict',
      403,
      'Separation of duties: whoever requested or activated a payee may not create the batch that pays it.',
      { organizationIds },
    );
  }
}

export class PayeeChangeNotFoundError extends NotFoundError {
  constructor() {
    super('payee change', 'payee_change.not_found');
  }
}

export class PayeeChangeStateError extends DomainError {
  constructor(status: string) {
    super('payee_change.not_pending', 409, `The payee change is ${status}, not pending.`, {
      status,
    });
  }
}

export class PayeeSelfActivationError extends DomainError {
  constructor() {
    super(
      'payee_change.self_activation',
      403,
      'Separation of duties: a different finance officer must activate the bank details you requested.',
    );
  }
}

export class PayeeChangeNotRequesterError extends DomainError {
  constructor() {
    super(
      'payee_change.not_requester',
      403,
      'Only whoever requested a payee change may cancel it; others reject it.',
    );
  }
}

export class PayeeBatchInProgressError extends DomainError {
  constructor(batchIds: string[]) {
    super(
      'payee_change.batch_in_progress',
      409,
      "A payment file with this organization's payments is being written; activate the change once it is written.",
      { batchIds },
    );
  }
}
