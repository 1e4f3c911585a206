import { DomainError, FieldProblem, NotFoundError } from '../core/errors/domain-error';

export class OrganizationNotFoundError extends NotFoundError {
  constructor() {
    super('organization', 'organization.not_found');
  }
}

export class OrganizationIdentifierTakenError extends DomainError {
  constructor(errors: FieldProblem[]) {
    super(
      'organization.identifier_taken',
      409,
      'Another organization of this agency has this identifier.',
      { errors },
    );
  }
}

export class OrganizationTransitionError extends DomainError {
  constructor(from: string, to: string) {
    super('organization.invalid_transition', 409, `A ${from} organization cannot become ${to}.`, {
      from,
      to,
    });
  }
}

export class OrganizationNotActiveError extends DomainError {
  constructor(status: string) {
    super(
      'organization.not_active',
      409,
      `The organization is ${status}; it must be approved by the agency first.`,
      { organizationStatus: status },
    );
  }
}

export class OrganizationStaleError extends DomainError {
  constructor(currentEtag: string) {
    super(
      'organization.stale',
      412,
      'The organization changed since you read it; reload and retry.',
      { currentEtag },
    );
  }
}

export class OrganizationPreconditionRequiredError extends DomainError {
  constructor() {
    super('organization.precondition_required', 428, 'Send If-Match with the ETag you read.');
  }
}

export class MembershipUnavailableError extends DomainError {
  constructor() {
    super(
      'organization.members_unavailable',
      503,
      'Organization membership management is not available yet.',
    );
  }
}
