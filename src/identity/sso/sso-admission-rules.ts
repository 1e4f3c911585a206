import type { SsoProviderConfig } from '../../agencies/sso-config';
import { normalizeEmail } from '../auth/email';

/**
 * Who may come in through an agency's OpenID Connect provider (issue 16, item 2), as pure
 * functions of the provider's YAML and what the database says about the person.
 *
 * - The email is the provider's claim named by `emailClaim`; it must be verified
 *   (`email_verified: true`) unless the agency vouches for the provider's emails
 *   (`requireVerifiedEmail: false`, allowed only with `allowedEmailDomains`), and its domain
 *   must be one the agency allows (exactly; a subdomain is another domain).
 * - A provider never creates roles. Through a `staff` provider only people the agency invited
 *   come in (an active or pending staff membership); anyone else is refused, a deactivated
 *   member too. An `applicants` provider is not a way into staff roles: the agency's staff use
 *   its staff provider or their password. `applicants` and `both` may create an account just in
 *   time; the person then registers or joins an organization as anyone does.
 * - A platform admin signs in with a password: no agency's provider vouches for the operator.
 * - An existing account is linked by verified email; a link, once made, follows the provider's
 *   subject (the email may change at the provider).
 */

export type SsoRefusal =
  | 'email_missing'
  | 'email_unverified'
  | 'domain_not_allowed'
  | 'staff_not_invited'
  | 'staff_use_staff_sign_in'
  | 'platform_admin';

export type StaffStanding = 'active' | 'pending' | 'deactivated' | 'none';

export interface ProviderClaims {
  [claim: string]: unknown;
}

/** The address the provider vouches for, or why there is none we may use. */
export function emailFrom(
  provider: Pick<SsoProviderConfig, 'emailClaim' | 'requireVerifiedEmail' | 'allowedEmailDomains'>,
  claims: ProviderClaims,
): { email: string } | { refused: SsoRefusal } {
  const raw = claims[provider.emailClaim];
  if (typeof raw !== 'string' || !/^[^\s@]+@[^\s@]+$/.test(raw.trim())) {
    return { refused: 'email_missing' };
  }
  const email = normalizeEmail(raw);
  // Only a JSON true counts: "true" as a string is how some providers get it wrong.
  if (provider.requireVerifiedEmail && claims.email_verified !== true) {
    return { refused: 'email_unverified' };
  }
  const domain = email.slice(email.lastIndexOf('@') + 1);
  if (provider.allowedEmailDomains.length > 0 && !provider.allowedEmailDomains.includes(domain)) {
    return { refused: 'domain_not_allowed' };
  }
  return { email };
}

export type Admission =
  | { kind: 'sign_in'; userId: string; link: boolean }
  | { kind: 'create' }
  | { kind: 'refuse'; reason: SsoRefusal };

/**
 * What happens to a person with a usable email. `linkedUserId`: whose account this provider
 * subject is linked to; `userByEmail`: the account with the email; `staff`: that person's staff
 * standing in this agency.
 */
export function admit(
  provider: Pick<SsoProviderConfig, 'audience'>,
  found: {
    linkedUserId?: string;
    userByEmailId?: string;
    staff: StaffStanding;
    platformAdmin?: boolean;
  },
): Admission {
  const userId = found.linkedUserId ?? found.userByEmailId;
  // The operator of the whole deployment is not let in by one agency's identity provider.
  if (found.platformAdmin) return { kind: 'refuse', reason: 'platform_admin' };
  const invited = found.staff === 'active' || found.staff === 'pending';
  if (provider.audience === 'staff' && !invited) {
    return { kind: 'refuse', reason: 'staff_not_invited' };
  }
  if (provider.audience === 'applicants' && invited) {
    return { kind: 'refuse', reason: 'staff_use_staff_sign_in' };
  }
  if (!userId) return { kind: 'create' };
  return { kind: 'sign_in', userId, link: found.linkedUserId === undefined };
}

/** RFC 8176 `amr` value for multiple factors. */
const MULTI_FACTOR_AMR = 'mfa';

/**
 * When the provider checked a second factor, if the agency trusts it to say so: the ID token's
 * `amr` includes "mfa" or its `acr` is one the YAML lists. Otherwise a provider's sign-in is a
 * single factor (issue 16, item 6).
 */
export function secondFactorAt(
  provider: Pick<SsoProviderConfig, 'trustAmr' | 'mfaAcrValues'>,
  claims: ProviderClaims,
): Date | undefined {
  if (!provider.trustAmr) return undefined;
  const amr = Array.isArray(claims.amr) ? claims.amr : [];
  const byAmr = amr.includes(MULTI_FACTOR_AMR);
  const byAcr = typeof claims.acr === 'string' && provider.mfaAcrValues.includes(claims.acr);
  if (!byAmr && !byAcr) return undefined;
  const authTime = typeof claims.auth_time === 'number' ? claims.auth_time : undefined;
  const iat = typeof claims.iat === 'number' ? claims.iat : undefined;
  const at = authTime ?? iat;
  return at === undefined ? undefined : new Date(at * 1000);
}
