import { Module } from '@nestjs/common';
import { SecondFactorController } from './second-factor.controller';
import { SessionsController } from './sessions.controller';

/**
 * Security: the second step of signing in, enrolment, step-up, and the sessions page (the
 * challenge cookie is provided by WebModule: the sign-in form writes it too).
 */
@Module({ controllers: [SecondFactorController, SessionsController] })
export class SecurityPagesModule {}
