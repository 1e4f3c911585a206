/**
 * The one error type services throw. `code` is stable and documented (clients branch on it);
 * `status` is the HTTP status the problem filter answers with; `extensions` become extra members
 * of the RFC 9457 problem document. Services never throw HTTP exceptions.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** One field-level problem; `pointer` is a JSON Pointer into the request body (RFC 6901). */
export interface FieldProblem {
  pointer: string;
  detail: string;
}

export class ValidationFailedError extends DomainError {
  constructor(errors: FieldProblem[], message = 'The request is not valid.') {
    super('request.invalid', 400, message, { errors });
  }
}

export class NotFoundError extends DomainError {
  constructor(what = 'resource', code = 'resource.not_found') {
    super(code, 404, `The ${what} was not found.`);
  }
}

export class UnauthenticatedError extends DomainError {
  constructor(message = 'Authentication is required.') {
    super('auth.unauthenticated', 401, message);
  }
}

export class ForbiddenError extends DomainError {
  constructor(permission: string) {
    super('auth.forbidden', 403, `You do not have the permission "${permission}" here.`, {
      permission,
    });
  }
}

export class ConflictError extends DomainError {
  constructor(code: string, message: string, extensions: Record<string, unknown> = {}) {
    super(code, 409, message, extensions);
  }
}

/** Thrown when code reaches tenant data with no agency in context: a programming error. */
export class NoTenantContextError extends DomainError {
  constructor() {
    super('internal.no_tenant_context', 500, 'Tenant data was accessed without an agency context.');
  }
}

/**
 * An artefact a job is still writing (an award notice, a payment file). A route a client polls
 * answers it with 202, `Retry-After` and `Location` (core/http/pending-artefact.ts); anywhere
 * else it is a 409 problem with the same code.
 */
export class ArtefactNotReadyError extends DomainError {
  constructor(
    code: string,
    message: string,
    readonly retryAfterSeconds = 5,
  ) {
    super(code, 409, message, { retryAfter: retryAfterSeconds });
  }
}
