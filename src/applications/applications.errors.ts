import { DomainError, FieldProblem, NotFoundError } from '../core/errors/domain-error';

export class ApplicationNotFoundError extends NotFoundError {
  constructor() {
    super('application', 'application.not_found');
  }
}

export class ApplicationStaleError extends DomainError {
  constructor(currentEtag: string) {
    super(
      'application.stale',
      412,
      'The application changed since you read it; reload and retry.',
      {
        currentEtag,
      },
    );
  }
}

export class ApplicationPreconditionRequiredError extends DomainError {
  constructor() {
    super('application.precondition_required', 428, 'Send If-Match with the ETag you read.');
  }
}

/** Answers of the wrong type (a draft may be incomplete, never wrong). */
export class ApplicationInvalidError extends DomainError {
  constructor(errors: FieldProblem[]) {
    super('application.invalid', 422, 'Some answers are not valid.', { errors });
  }
}

export class BudgetInvalidError extends DomainError {
  constructor(errors: FieldProblem[]) {
    super('application.budget_invalid', 422, 'Some budget lines are not allowed.', { errors });
  }
}

/** What blocks submission: every problem at once, as JSON Pointers. */
export class ApplicationIncompleteError extends DomainError {
  constructor(errors: FieldProblem[]) {
    super('application.incomplete', 422, 'The application cannot be submitted yet.', { errors });
  }
}

export class WindowClosedError extends DomainError {
  constructor(details: { closesAt: string | null; acceptsUntil: string | null; now: string }) {
    super('application.window_closed', 409, 'The application window is closed.', details);
  }
}

export class WindowNotOpenError extends DomainError {
  constructor(details: { opensAt: string | null; now: string }) {
    super('application.window_not_open', 409, 'The application window is not open yet.', details);
  }
}

export class ProgramNotAcceptingError extends DomainError {
  constructor(status: string) {
    super(
      'application.program_not_accepting',
      409,
      `The program is ${status}; it does not accept applications.`,
      {
        programStatus: status,
      },
    );
  }
}

export class ApplicationNotEditableError extends DomainError {
  constructor(status: string) {
    super('application.not_editable', 409, `A ${status} application cannot be changed.`, {
      applicationStatus: status,
    });
  }
}

export class ApplicationTransitionError extends DomainError {
  constructor(from: string, action: string) {
    super('application.invalid_transition', 409, `A ${from} application cannot be ${action}.`, {
      applicationStatus: from,
    });
  }
}

export class DuplicateApplicationError extends DomainError {
  constructor(applicationId: string) {
    super(
      'application.already_exists',
      409,
      'This organization already has an application to this program.',
      { applicationId },
    );
  }
}

export class NotEligibleError extends DomainError {
  constructor(errors: FieldProblem[]) {
    super('application.not_eligible', 422, 'The organization is not eligible for this program.', {
      errors,
    });
  }
}

export class AttachmentRefusedError extends DomainError {
  constructor(reason: string, detail: string) {
    super('application.attachment_refused', 415, `The file was refused: ${detail}.`, { reason });
  }
}

export class AttachmentTooLargeError extends DomainError {
  constructor(maxBytes: number) {
    super('application.attachment_too_large', 413, `The file is larger than ${maxBytes} bytes.`, {
      maxBytes,
    });
  }
}

export class AttachmentMissingError extends DomainError {
  constructor(detail = 'Send the file as multipart/form-data in a field named "file".') {
    super('application.attachment_missing', 400, detail);
  }
}

export class AttachmentNotFoundError extends NotFoundError {
  constructor() {
    super('attachment', 'application.attachment_not_found');
  }
}

export class SubmissionNotFoundError extends NotFoundError {
  constructor() {
    super('submitted version', 'application.version_not_found');
  }
}
