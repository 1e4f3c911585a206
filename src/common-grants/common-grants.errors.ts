import { DomainError, FieldProblem } from '../core/errors/domain-error';

/**
 * CommonGrants errors are our RFC 9457 problems (code, detail, status) that also carry the
 * protocol's error members (CommonGrants.Responses.Error: `status`, `message`, `errors`), so a
 * CommonGrants client and one of ours read the same document.
 */
export class OpportunityNotFoundError extends DomainError {
  constructor() {
    const message = 'The opportunity was not found.';
    super('common_grants.opportunity_not_found', 404, message, { message, errors: [] });
  }
}

export class OpportunitySearchInvalidError extends DomainError {
  constructor(errors: FieldProblem[]) {
    const message = 'The opportunity search is not valid.';
    super('common_grants.search_invalid', 400, message, { message, errors });
  }
}

/** Offset pages cost more the deeper they go: past this many results, narrow the search. */
export class OpportunityPageTooDeepError extends DomainError {
  constructor(maxResults: number, pointer: string) {
    const message = `Only the first ${maxResults} results can be paged through; narrow the search.`;
    super('common_grants.page_too_deep', 400, message, {
      message,
      errors: [{ pointer, detail: `page × pageSize must be at most ${maxResults}` }],
    });
  }
}
