import { Global, Module } from '@nestjs/common';
import { ACCESS_POLICY, AUTHENTICATOR } from '../core/access/access.ports';
import { RECIPIENT_DIRECTORY } from '../notifications/recipient-directory';
import { MembershipAccessPolicy } from './access/membership-access-policy';
import { AccountEmailHandler } from './accounts/account-email.job';
import { AccountLinks } from './accounts/account-links';
import { AccountSettings } from './accounts/account-settings.service';
import { AgencyTransactions } from './accounts/agency-transactions';
import { SelfServiceAccounts } from './accounts/self-service-accounts.service';
import { AuthController } from './auth/auth.controller';
import { AuthService } from './auth/auth.service';
import { BearerAuthenticator } from './auth/bearer-authenticator';
import { LoginThrottle } from './auth/login-throttle';
import { PasswordHasher } from './auth/password-hasher';
import { SessionService } from './auth/session.service';
import { DutyDirectory } from './duties/duty-directory';
import { DemoSeeder } from './demo/demo-seeder';
import { IdentitySchedules } from './identity-schedules';
import { MeController } from './me/me.controller';
import { MeService } from './me/me.service';
import { MembershipInvitations } from './me/membership-invitations.service';
import { PlatformRoleGrantsController } from './staff/platform-role-grants.controller';
import { RoleGrants } from './staff/role-grants.service';
import { AgencyStaffDirectory } from './memberships/agency-staff-directory';
import { OrganizationMemberships } from './memberships/organization-memberships.service';
import { UserAccounts } from './memberships/user-accounts.service';
import { InvitationEmailHandler } from './staff/invitation-email.job';
import { InvitationService } from './staff/invitation.service';
import { StaffController } from './staff/staff.controller';
import { StaffService } from './staff/staff.service';
import { LinkedIdentities } from './sso/linked-identities.service';
import { SsoProviders } from './sso/sso-providers';
import { SsoSignInService } from './sso/sso-sign-in.service';
import { AccountSecurity } from './mfa/account-security.service';
import {
  MfaSignInController,
  MySecurityController,
  StaffSecondFactorController,
} from './mfa/mfa.controller';
import { MfaPolicy } from './mfa/mfa-policy';
import { MfaSignIn } from './mfa/mfa-sign-in.service';
import { SecondFactors } from './mfa/second-factors.service';
import { StaffSecondFactors } from './mfa/staff-second-factors.service';
import { StepUp } from './mfa/step-up.service';

/**
 * Users, sessions, memberships and the access policy. Global so the kernel's guard and
 * interceptor (in CoreModule) can inject the AUTHENTICATOR and ACCESS_POLICY ports it binds.
 * Other modules use UserAccounts and OrganizationMemberships, never the tables.
 */
@Global()
@Module({
  controllers: [
    AuthController,
    MeController,
    StaffController,
    PlatformRoleGrantsController,
    MfaSignInController,
    MySecurityController,
    StaffSecondFactorController,
  ],
  providers: [
    PasswordHasher,
    SessionService,
    LoginThrottle,
    AuthService,
    BearerAuthenticator,
    MembershipAccessPolicy,
    MeService,
    InvitationService,
    InvitationEmailHandler,
    UserAccounts,
    OrganizationMemberships,
    AgencyStaffDirectory,
    DutyDirectory,
    StaffService,
    RoleGrants,
    MembershipInvitations,
    DemoSeeder,
    IdentitySchedules,
    AgencyTransactions,
    AccountLinks,
    AccountEmailHandler,
    SelfServiceAccounts,
    AccountSettings,
    SsoProviders,
    SsoSignInService,
    LinkedIdentities,
    MfaPolicy,
    SecondFactors,
    MfaSignIn,
    StepUp,
    AccountSecurity,
    StaffSecondFactors,
    { provide: AUTHENTICATOR, useExisting: BearerAuthenticator },
    { provide: ACCESS_POLICY, useExisting: MembershipAccessPolicy },
    // The notifications module's port: who is behind a user id.
    { provide: RECIPIENT_DIRECTORY, useExisting: UserAccounts },
  ],
  exports: [
    // The web front door (/home) lists the signed-in person's memberships, as GET /me does.
    MeService,
    AUTHENTICATOR,
    ACCESS_POLICY,
    RECIPIENT_DIRECTORY,
    UserAccounts,
    OrganizationMemberships,
    AgencyStaffDirectory,
    DutyDirectory,
    PasswordHasher,
    DemoSeeder,
    // The web pages sign people in and accept invitations through these, as the API does.
    AuthService,
    InvitationService,
    SelfServiceAccounts,
    AccountSettings,
    // Single sign-on: the sign-in page's provider buttons and routes, the account page's links.
    SsoProviders,
    SsoSignInService,
    LinkedIdentities,
    // The web pages finish sign-in, step up and list sessions through these, as the API does.
    MfaSignIn,
    MfaPolicy,
    StepUp,
    AccountSecurity,
  ],
})
export class IdentityModule {}
