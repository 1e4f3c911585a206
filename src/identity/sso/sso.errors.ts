import { DomainError } from '../../core/errors/domain-error';
import type { SsoRefusal } from './sso-admission-rules';

/** Why a sign-in through a provider failed before any rule about the person applied. */
export type SsoFlowFailure =
  | 'state_unknown'
  | 'state_expired'
  | 'state_other_browser'
  | 'state_other_provider'
  | 'provider_error'
  | 'id_token_invalid';

/**
 * A sign-in through an agency's provider that ends without a session. `reason` says why, for
 * the page and the audit log; nothing was linked or created.
 */
export class SsoSignInRefusedError extends DomainError {
  constructor(readonly reason: SsoRefusal | SsoFlowFailure) {
    super(`auth.sso_${reason}`, reason.startsWith('state_') ? 400 : 403, 'Sign-in was refused.', {
      reason,
    });
  }
}

/** The provider cannot be reached or its discovery document is unusable. */
export class SsoProviderUnavailableError extends DomainError {
  constructor() {
    super('auth.sso_unavailable', 503, 'The identity provider cannot be reached. Try again later.');
  }
}

/** Unlinking the last way into an account (no password, no other provider). */
export class LastSignInMethodError extends DomainError {
  constructor() {
    super(
      'auth.sso_last_sign_in_method',
      409,
      'This is the only way into the account: set a password or link another provider first.',
    );
  }
}
