import { DomainError } from '../core/errors/domain-error';

/** An agency id that is unknown or no longer active was asked for. */
export class UnknownAgencyError extends DomainError {
  constructor(agencyId: string) {
    super('agency.not_found', 404, 'The agency was not found.', { agencyId });
  }
}
