import { Module } from '@nestjs/common';
import { AccountController } from './account.controller';
import { DevMailController } from './dev-mail.controller';
import { LanguageController } from './language.controller';
import { PasswordsController } from './passwords.controller';
import { SignInController } from './sign-in.controller';
import { SignUpController } from './sign-up.controller';
import { LinkedProvidersController } from './linked-providers';
import { SsoController } from './sso.controller';
import { VerifyEmailController } from './verify-email.controller';

/** Accounts: sign-in and out, language, the account page; sign-up, email verification, invitations, passwords, profile, the development mail outbox. */
@Module({
  controllers: [
    SignInController,
    SignUpController,
    VerifyEmailController,
    PasswordsController,
    LanguageController,
    AccountController,
    DevMailController,
    SsoController,
    LinkedProvidersController,
  ],
  providers: [],
})
export class AccountsPagesModule {}
