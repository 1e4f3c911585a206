import { ConflictError, DomainError, NotFoundError } from '../core/errors/domain-error';

/** Wrong email or password, or an unknown email: deliberately one answer for all three. */
export class InvalidCredentialsError extends DomainError {
  constructor() {
    super('auth.invalid_credentials', 401, 'The email or password is incorrect.');
  }
}

/** Too many failed logins for this email in the window; known and unknown emails alike. */
export class LoginLockedError extends DomainError {
  constructor(retryAfterSeconds: number) {
    super('auth.locked', 429, 'Too many failed sign-in attempts. Try again later.', {
      retryAfterSeconds,
    });
  }
}

export class AccessTokenInvalidError extends DomainError {
  constructor() {
    super('auth.token_invalid', 401, 'The access token is not valid.');
  }
}

export class AccessTokenExpiredError extends DomainError {
  constructor() {
    super('auth.token_expired', 401, 'The access token has expired; refresh it.');
  }
}

/** The token is genuine but its session was revoked (logout, deactivation, reuse) or ended. */
export class SessionEndedError extends DomainError {
  constructor() {
    super('auth.session_ended', 401, 'This session has ended; sign in again.');
  }
}

export class RefreshTokenInvalidError extends DomainError {
  constructor() {
    super('auth.refresh_invalid', 401, 'The refresh token is not valid.');
  }
}

/** A refresh token was presented a second time: the whole session is revoked. */
export class RefreshTokenReusedError extends DomainError {
  constructor() {
    super(
      'auth.refresh_reused',
      401,
      'This refresh token was already used; the session has been revoked. Sign in again.',
    );
  }
}

export class InvitationInvalidError extends DomainError {
  constructor() {
    super('auth.invitation_invalid', 400, 'The invitation is not valid or has expired.');
  }
}

export class StaffNotFoundError extends NotFoundError {
  constructor() {
    super('staff member', 'staff.not_found');
  }
}

export class AlreadyStaffError extends ConflictError {
  constructor() {
    super('staff.already_member', 'This person is already active staff of the agency.');
  }
}

/** An agency must keep at least one active agency admin, or nobody could manage its staff. */
export class LastAgencyAdminError extends ConflictError {
  constructor() {
    super('staff.last_admin', 'The agency must keep at least one active agency admin.');
  }
}

export class RoleGrantNotFoundError extends NotFoundError {
  constructor() {
    super('role grant', 'staff.role_grant_not_found');
  }
}

/** A privileged role needs a second person: not whoever asked for it, not whoever receives it. */
export class RoleGrantSelfConfirmationError extends DomainError {
  constructor() {
    super(
      'staff.role_grant_same_person',
      403,
      'A role grant must be confirmed by an agency admin other than the one who asked for it and the person receiving it.',
    );
  }
}

/** Only pending grants are decided; a decided, cancelled or superseded one stays as it is. */
export class RoleGrantDecidedError extends ConflictError {
  constructor() {
    super('staff.role_grant_decided', 'This role grant was already decided or withdrawn.');
  }
}

export class MembershipInvitationNotFoundError extends NotFoundError {
  constructor() {
    super('invitation', 'membership.invitation_not_found');
  }
}

/** Too many password checks are running or waiting; the caller may retry shortly. */
export class PasswordCheckBusyError extends DomainError {
  constructor() {
    super('auth.busy', 503, 'Sign-in is busy. Try again in a moment.', { retryAfterSeconds: 1 });
  }
}

/** Too many invitation emails from this organization or agency in the hour. */
export class InvitationRateLimitedError extends DomainError {
  constructor(retryAfterSeconds: number) {
    super('invitation.rate_limited', 429, 'Too many invitations. Try again later.', {
      retryAfterSeconds,
    });
  }
}

/** The password is right but the account's email is not verified yet: follow the emailed link. */
export class EmailNotVerifiedError extends DomainError {
  constructor() {
    super(
      'auth.email_unverified',
      403,
      'Confirm your email address first: follow the link in the email we sent, or ask for a new one.',
    );
  }
}

/** An emailed account link (verify, reset) that is unknown, used, replaced or expired. */
export class AccountLinkInvalidError extends DomainError {
  constructor() {
    super('account.link_invalid', 400, 'This link is not valid any more. Ask for a new one.');
  }
}

/** A new password that breaks the rules (length). */
export class PasswordRulesError extends DomainError {
  constructor(min: number, max: number) {
    super('account.password_rules', 400, `A password has ${min} to ${max} characters.`, {
      minLength: min,
      maxLength: max,
    });
  }
}

export class CurrentPasswordWrongError extends DomainError {
  constructor() {
    super('account.current_password_wrong', 400, 'The current password is not right.');
  }
}

export class ProfileInvalidError extends DomainError {
  constructor(field: 'name' | 'locale') {
    super('account.profile_invalid', 400, `The ${field} is not valid.`, { field });
  }
}

/**
 * Sign-in's first step passed (the password was right) and the person must now give a code from
 * their authenticator app (or a recovery code): POST /auth/mfa/verify with the challenge token.
 */
export class MfaRequiredError extends DomainError {
  constructor(challengeToken: string, challengeExpiresAt: Date) {
    super('auth.mfa_required', 401, 'Enter the code from your authenticator app.', {
      challengeToken,
      challengeExpiresAt: challengeExpiresAt.toISOString(),
    });
  }
}

/**
 * The person holds a role their agency protects with a second factor and has none yet: the
 * challenge token can do nothing but enrol (POST /auth/mfa/enrolment, then .../confirm).
 */
export class MfaEnrolmentRequiredError extends DomainError {
  constructor(challengeToken: string, challengeExpiresAt: Date) {
    super(
      'auth.mfa_enrolment_required',
      401,
      'Your role requires a second factor: set up an authenticator app to continue.',
      { challengeToken, challengeExpiresAt: challengeExpiresAt.toISOString() },
    );
  }
}

export class MfaChallengeInvalidError extends DomainError {
  constructor() {
    super('auth.mfa_challenge_invalid', 401, 'The sign-in has expired. Sign in again.');
  }
}

export class MfaCodeInvalidError extends DomainError {
  constructor() {
    super('auth.mfa_code_invalid', 401, 'The code is not valid.');
  }
}

export class MfaLockedError extends DomainError {
  constructor(retryAfterSeconds: number) {
    super('auth.mfa_locked', 429, 'Too many wrong codes. Try again later.', {
      retryAfterSeconds,
    });
  }
}

/** A money action needs a second factor checked recently: POST /auth/step-up, then retry. */
export class StepUpRequiredError extends DomainError {
  constructor(maxAgeSeconds: number) {
    super(
      'auth.step_up_required',
      401,
      'Confirm it is you: enter a code from your authenticator app (POST /auth/step-up), then try again.',
      { maxAgeSeconds },
    );
  }
}

/** The session never checked a second factor, and the person's role in this agency needs one. */
export class SecondFactorRequiredError extends DomainError {
  constructor() {
    super(
      'auth.second_factor_required',
      401,
      'Your role here requires a second factor: sign in again to set it up or enter your code.',
    );
  }
}

/** An admin cannot switch off their own second factor: another admin does it. */
export class CannotRemoveOwnFactorError extends DomainError {
  constructor() {
    super('mfa.cannot_remove_own', 403, 'Another agency admin must remove your second factor.');
  }
}

export class MfaNotEnrolledError extends DomainError {
  constructor() {
    super('mfa.not_enrolled', 409, 'No second factor is set up for this account.');
  }
}

export class MfaEnrolmentNotStartedError extends DomainError {
  constructor() {
    super('mfa.enrolment_not_started', 409, 'Start the enrolment first.');
  }
}

/** A person with a factor signs in with it; re-enrolment is for a signed-in, stepped-up session. */
export class MfaAlreadyEnrolledError extends DomainError {
  constructor() {
    super('mfa.already_enrolled', 409, 'A second factor is already set up for this account.');
  }
}
