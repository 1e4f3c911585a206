import { Module } from '@nestjs/common';
import { AccountController } from './account.controller';
import { LanguageController } from './language.controller';
import { SignInController } from './sign-in.controller';

/** Accounts: sign-in and out, language, the account page; sign-up, email verification, invitations, passwords, profile, the development mail outbox. */
@Module({
  controllers: [SignInController, LanguageController, AccountController],
  providers: [],
})
export class AccountsPagesModule {}
