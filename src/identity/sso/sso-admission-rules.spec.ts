import { admit, emailFrom, secondFactorAt, StaffStanding } from './sso-admission-rules';

const provider = {
  emailClaim: 'email',
  requireVerifiedEmail: true,
  allowedEmailDomains: [] as string[],
  audience: 'both' as const,
  trustAmr: false,
  mfaAcrValues: [] as string[],
};

describe('who may come in through a provider', () => {
  describe('the email', () => {
    it('takes the configured claim, normalized, when it is verified', () => {
      expect(emailFrom(provider, { email: ' Ana@KSDE.org ', email_verified: true })).toEqual({
        email: 'ana@ksde.org',
      });
      expect(
        emailFrom({ ...provider, emailClaim: 'upn' }, { upn: 'b@ksde.org', email_verified: true }),
      ).toEqual({ email: 'b@ksde.org' });
    });

    it('refuses a missing or malformed address', () => {
      expect(emailFrom(provider, { email_verified: true })).toEqual({ refused: 'email_missing' });
      expect(emailFrom(provider, { email: 'nobody', email_verified: true })).toEqual({
        refused: 'email_missing',
      });
      expect(emailFrom(provider, { email: 42 })).toEqual({ refused: 'email_missing' });
    });

    it('counts only a JSON true as verified', () => {
      for (const verified of [false, 'true', undefined, 1]) {
        expect(emailFrom(provider, { email: 'a@x.org', email_verified: verified })).toEqual({
          refused: 'email_unverified',
        });
      }
    });

    it('trusts an unverified email only when the agency says so', () => {
      const trusting = { ...provider, requireVerifiedEmail: false, allowedEmailDomains: ['x.org'] };
      expect(emailFrom(trusting, { email: 'a@x.org' })).toEqual({ email: 'a@x.org' });
    });

    it('allows exactly the listed domains, no subdomains', () => {
      const limited = { ...provider, allowedEmailDomains: ['ksde.org'] };
      const at = (email: string) => emailFrom(limited, { email, email_verified: true });
      expect(at('a@ksde.org')).toEqual({ email: 'a@ksde.org' });
      expect(at('a@evil.ksde.org')).toEqual({ refused: 'domain_not_allowed' });
      expect(at('a@ksde.org.evil.com')).toEqual({ refused: 'domain_not_allowed' });
      expect(at('a@gmail.com')).toEqual({ refused: 'domain_not_allowed' });
    });
  });

  describe('the account', () => {
    const standings: StaffStanding[] = ['active', 'pending', 'deactivated', 'none'];

    it('lets only invited staff through a staff provider, and never creates anyone there', () => {
      const staff = { audience: 'staff' as const };
      for (const standing of standings) {
        const decision = admit(staff, { userByEmailId: 'u1', staff: standing });
        if (standing === 'active' || standing === 'pending') {
          expect(decision).toEqual({ kind: 'sign_in', userId: 'u1', link: true });
        } else expect(decision).toEqual({ kind: 'refuse', reason: 'staff_not_invited' });
      }
      expect(admit(staff, { staff: 'none' })).toEqual({
        kind: 'refuse',
        reason: 'staff_not_invited',
      });
    });

    it('sends the agency staff away from an applicants provider', () => {
      const applicants = { audience: 'applicants' as const };
      expect(admit(applicants, { userByEmailId: 'u1', staff: 'active' })).toEqual({
        kind: 'refuse',
        reason: 'staff_use_staff_sign_in',
      });
      expect(admit(applicants, { userByEmailId: 'u1', staff: 'deactivated' })).toEqual({
        kind: 'sign_in',
        userId: 'u1',
        link: true,
      });
    });

    it('creates applicants just in time, and follows an existing link over the email', () => {
      expect(admit({ audience: 'applicants' }, { staff: 'none' })).toEqual({ kind: 'create' });
      expect(admit({ audience: 'both' }, { staff: 'none' })).toEqual({ kind: 'create' });
      expect(
        admit({ audience: 'both' }, { linkedUserId: 'u1', userByEmailId: 'u2', staff: 'none' }),
      ).toEqual({ kind: 'sign_in', userId: 'u1', link: false });
    });
  });

  describe('the second factor', () => {
    const claims = { amr: ['pwd', 'mfa'], auth_time: 1_800_000_000, acr: 'aal2' };

    it('counts the provider’s MFA only when the agency trusts it', () => {
      expect(secondFactorAt(provider, claims)).toBeUndefined();
      expect(secondFactorAt({ ...provider, trustAmr: true }, claims)).toEqual(
        new Date(1_800_000_000_000),
      );
    });

    it('reads acr values the agency lists, and nothing else', () => {
      const trusting = { ...provider, trustAmr: true, mfaAcrValues: ['aal2'] };
      expect(secondFactorAt(trusting, { acr: 'aal2', iat: 1_800_000_000 })).toBeDefined();
      expect(secondFactorAt(trusting, { acr: 'aal1', iat: 1_800_000_000 })).toBeUndefined();
      expect(secondFactorAt(trusting, { amr: ['pwd'], iat: 1_800_000_000 })).toBeUndefined();
    });
  });
});
