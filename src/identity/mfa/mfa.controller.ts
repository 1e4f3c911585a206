import { Body, Controller, Delete, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import {
  Public,
  RequirePermission,
  RequireRecentSecondFactor,
  WithoutTransaction,
} from '../../core/access/access.decorators';
import { UuidParam } from '../../core/http/validation';
import { TokenPairDto } from '../auth/dto/auth.dto';
import { TokenPair } from '../auth/session.service';
import { AccountSecurity } from './account-security.service';
import {
  MfaChallengeCodeDto,
  MfaChallengeDto,
  MfaCodeDto,
  MfaEnrolledSignInDto,
  MfaEnrolmentStartDto,
  MfaStateDto,
  RecoveryCodesDto,
  SessionDto,
  SessionListDto,
  SignedOutDto,
  StepUpTokenDto,
} from './dto/mfa.dto';
import { MfaSignIn } from './mfa-sign-in.service';
import { EnrolmentStart } from './second-factors.service';
import { StaffSecondFactors } from './staff-second-factors.service';
import { StepUp } from './step-up.service';

/**
 * The second step of signing in. POST /auth/login answers 401 auth.mfa_required (a person with
 * a factor) or auth.mfa_enrolment_required (a role that needs one, none yet) with a
 * challengeToken that only these routes accept. Public (the challenge token is the credential)
 * and rate-limited with every /auth/* route; the services draw their own transactions.
 */
@ApiTags('auth')
@Controller('auth')
export class MfaSignInController {
  constructor(
    private readonly mfa: MfaSignIn,
    private readonly stepUp: StepUp,
  ) {}

  @Post('mfa/verify')
  @Public()
  @WithoutTransaction()
  @HttpCode(200)
  @ApiOkResponse({ type: TokenPairDto })
  verify(@Body() body: MfaChallengeCodeDto, @Req() request: FastifyRequest): Promise<TokenPair> {
    return this.mfa.completeApi(body.challengeToken, body.code, request.headers['user-agent']);
  }

  @Post('mfa/enrolment')
  @Public()
  @WithoutTransaction()
  @HttpCode(200)
  @ApiOkResponse({ type: MfaEnrolmentStartDto })
  beginEnrolment(@Body() body: MfaChallengeDto): Promise<EnrolmentStart> {
    return this.mfa.beginEnrolment(body.challengeToken, 'api');
  }

  /** The first code from the app: the factor is set, ten recovery codes come back once. */
  @Post('mfa/enrolment/confirm')
  @Public()
  @WithoutTransaction()
  @HttpCode(200)
  @ApiOkResponse({ type: MfaEnrolledSignInDto })
  async confirmEnrolment(
    @Body() body: MfaChallengeCodeDto,
    @Req() request: FastifyRequest,
  ): Promise<MfaEnrolledSignInDto> {
    const { recoveryCodes, tokens } = await this.mfa.confirmEnrolmentApi(
      body.challengeToken,
      body.code,
      request.headers['user-agent'],
    );
    return { ...tokens, recoveryCodes };
  }

  /**
   * Step-up: a code now gives a fresh access token for the same session carrying the new
   * second-factor time, which money actions require (401 auth.step_up_required otherwise).
   */
  @Post('step-up')
  @RequirePermission('self.update')
  @WithoutTransaction()
  @HttpCode(200)
  @ApiBearerAuth()
  @ApiOkResponse({ type: StepUpTokenDto })
  stepUpWithCode(@Body() body: MfaCodeDto): Promise<StepUpTokenDto> {
    return this.stepUp.api(body.code);
  }
}

/** The signed-in person's second factor and sessions. */
@ApiTags('me')
@ApiBearerAuth()
@Controller('me')
export class MySecurityController {
  constructor(private readonly security: AccountSecurity) {}

  @Get('mfa')
  @RequirePermission('self.read')
  @ApiOkResponse({ type: MfaStateDto })
  state(): Promise<MfaStateDto> {
    return this.security.state();
  }

  /** Re-enrolment (a new phone): needs a recent second factor when one is set. */
  @Post('mfa/enrolment')
  @RequirePermission('self.update')
  @WithoutTransaction()
  @HttpCode(200)
  @ApiOkResponse({ type: MfaEnrolmentStartDto })
  beginReenrolment(): Promise<EnrolmentStart> {
    return this.security.beginReenrolment();
  }

  @Post('mfa/enrolment/confirm')
  @RequirePermission('self.update')
  @WithoutTransaction()
  @HttpCode(200)
  @ApiOkResponse({ type: RecoveryCodesDto })
  async confirmReenrolment(@Body() body: MfaCodeDto): Promise<RecoveryCodesDto> {
    return { recoveryCodes: await this.security.confirmReenrolment(body.code) };
  }

  @Get('sessions')
  @RequirePermission('self.read')
  @ApiOkResponse({ type: SessionListDto })
  async sessions(): Promise<SessionListDto> {
    const rows = await this.security.list();
    return {
      items: rows.map((row): SessionDto => ({
        id: row.id,
        current: row.current,
        createdAt: row.createdAt.toISOString(),
        lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
        endsAt: row.endsAt.toISOString(),
        ip: row.ip,
        userAgent: row.userAgent,
        authMethods: row.authMethods,
        secondFactorAt: row.secondFactorAt?.toISOString() ?? null,
      })),
    };
  }

  /** Signs out every other session of the person (this one goes on). */
  @Post('sessions/sign-out-others')
  @RequirePermission('self.update')
  @HttpCode(200)
  @ApiOkResponse({ type: SignedOutDto })
  async signOutOthers(): Promise<SignedOutDto> {
    return { signedOut: await this.security.signOutOthers() };
  }
}

@ApiTags('staff')
@ApiBearerAuth()
@Controller('agencies/:agencyCode/staff')
export class StaffSecondFactorController {
  constructor(private readonly staff: StaffSecondFactors) {}

  /** Removes a staff member's second factor (they enrol again at next sign-in); audited. */
  @Delete(':userId/mfa')
  @RequirePermission('agency.staff.manage')
  @RequireRecentSecondFactor()
  @HttpCode(204)
  @ApiNoContentResponse()
  remove(@Param('userId', UuidParam) userId: string): Promise<void> {
    return this.staff.remove(userId);
  }
}
