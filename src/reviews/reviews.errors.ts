import { DomainError, FieldProblem, NotFoundError } from '../core/errors/domain-error';

export class ReviewCaseNotFoundError extends NotFoundError {
  constructor() {
    super('application in review', 'review.case_not_found');
  }
}

export class AssignmentNotFoundError extends NotFoundError {
  constructor() {
    super('review assignment', 'review.assignment_not_found');
  }
}

export class ReviewNotFoundError extends NotFoundError {
  constructor() {
    super('review', 'review.not_found');
  }
}

export class StageMoveError extends DomainError {
  constructor(stage: string, to: string) {
    super('review.invalid_stage_move', 409, `An application in ${stage} cannot move to ${to}.`, {
      stage,
      to,
    });
  }
}

export class NoRubricError extends DomainError {
  constructor() {
    super('review.no_rubric', 409, 'The program has no review rubric.');
  }
}

/** The reviewer must declare whether they have a conflict before they see the content. */
export class DeclarationRequiredError extends DomainError {
  constructor() {
    super(
      'review.declaration_required',
      409,
      'Declare whether you have a conflict of interest before reading or scoring this application.',
    );
  }
}

export class RecusedError extends DomainError {
  constructor() {
    super(
      'review.recused',
      403,
      'You declared a conflict of interest and are recused from this application.',
    );
  }
}

export class AlreadyDeclaredError extends DomainError {
  constructor(declaration: string) {
    super('review.already_declared', 409, `You already declared: ${declaration}.`, {
      declaration,
    });
  }
}

export class NotInMeritReviewError extends DomainError {
  constructor(stage: string) {
    super('review.not_in_merit_review', 409, `The application is in ${stage}, not merit review.`, {
      stage,
    });
  }
}

export class ReviewLockedError extends DomainError {
  constructor() {
    super(
      'review.locked',
      409,
      'The review was submitted and is locked; a program officer can reopen it.',
    );
  }
}

export class ScoresInvalidError extends DomainError {
  constructor(errors: FieldProblem[]) {
    super('review.scores_invalid', 422, 'Some scores are not valid.', { errors });
  }
}

export class ReviewIncompleteError extends DomainError {
  constructor(errors: FieldProblem[]) {
    super('review.incomplete', 422, 'Every criterion needs points and a comment.', { errors });
  }
}

export class OwnReviewNotSubmittedError extends DomainError {
  constructor() {
    super(
      'review.own_review_not_submitted',
      409,
      "Other reviewers' scores are shown only after you submit your own review.",
    );
  }
}

export class ReviewerIneligibleError extends DomainError {
  constructor(reason: string) {
    super('review.reviewer_ineligible', 422, `This reviewer cannot be assigned: ${reason}.`, {
      reason,
    });
  }
}

export class ReviewNotReopenableError extends DomainError {
  constructor(reason: string) {
    super('review.not_reopenable', 409, `The review cannot be reopened: ${reason}.`);
  }
}

export class ReviewStaleError extends DomainError {
  constructor(currentEtag: string) {
    super('review.stale', 412, 'The review changed since you read it; reload and retry.', {
      currentEtag,
    });
  }
}
