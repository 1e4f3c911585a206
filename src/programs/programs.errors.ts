import { DomainError, FieldProblem, NotFoundError } from '../core/errors/domain-error';

export class ProgramNotFoundError extends NotFoundError {
  constructor() {
    super('program', 'program.not_found');
  }
}

export class ProgramInvalidError extends DomainError {
  constructor(errors: FieldProblem[]) {
    super('program.invalid', 422, 'The program is not valid.', { errors });
  }
}

export class ProgramCodeTakenError extends DomainError {
  constructor(code: string) {
    super('program.code_taken', 409, `This agency already has a program with the code ${code}.`, {
      errors: [{ pointer: '/code', detail: 'is already used by another program' }],
    });
  }
}

export class ProgramNotPublishableError extends DomainError {
  constructor(errors: FieldProblem[]) {
    super('program.not_publishable', 422, 'The program is missing what applicants need.', {
      errors,
    });
  }
}

export class ProgramTransitionError extends DomainError {
  constructor(from: string, to: string) {
    super('program.invalid_transition', 409, `A ${from} program cannot become ${to}.`, {
      from,
      to,
    });
  }
}

export class ProgramNotEditableError extends DomainError {
  constructor(status: string) {
    super('program.not_editable', 409, `An ${status} program cannot be edited.`, {
      programStatus: status,
    });
  }
}

export class ProgramStaleError extends DomainError {
  constructor(current: string) {
    super('program.stale', 412, 'The program changed since you read it; reload and retry.', {
      currentEtag: current,
    });
  }
}

export class ProgramPreconditionRequiredError extends DomainError {
  constructor() {
    super('program.precondition_required', 428, 'Send If-Match with the ETag you read.');
  }
}

export class ProgramTemplateNotFoundError extends NotFoundError {
  constructor() {
    super('program template', 'program.template_not_found');
  }
}

export class ProgramTemplateDisabledError extends DomainError {
  constructor() {
    super('program.templates_disabled', 403, 'Program templates are switched off for this agency.');
  }
}
