import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsString, Matches, MaxLength } from 'class-validator';
import { TokenPairDto } from '../../auth/dto/auth.dto';

/** Six digits from the app, or a recovery code like "7KQM-4TXW-9HZC" (spaces and dashes ignored). */
const CODE = /^[0-9A-Za-z\s-]{6,20}$/;

export class MfaCodeDto {
  @ApiProperty({
    example: '492039',
    description: 'A code from the authenticator app, or a recovery code.',
  })
  @IsString()
  @Matches(CODE, { message: 'must be a 6-digit code or a recovery code' })
  code: string;
}

export class MfaChallengeDto {
  @ApiProperty({ description: 'From the auth.mfa_required / auth.mfa_enrolment_required answer.' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2048)
  challengeToken: string;
}

export class MfaChallengeCodeDto extends MfaChallengeDto {
  @ApiProperty({ example: '492039' })
  @IsString()
  @Matches(CODE, { message: 'must be a 6-digit code or a recovery code' })
  code: string;
}

export class MfaEnrolmentStartDto {
  @ApiProperty({ description: 'The shared secret (base32), for typing into the app by hand.' })
  secret: string;
  @ApiProperty({ example: 'otpauth://totp/Grant%20Commons:ana%40example.org?secret=...' })
  otpauthUri: string;
  @ApiProperty({ description: 'The QR code of otpauthUri as an SVG document.' })
  qrCodeSvg: string;
}

export class RecoveryCodesDto {
  @ApiProperty({
    type: [String],
    description: 'Shown once: each signs in once when the app is lost.',
  })
  recoveryCodes: string[];
}

export class MfaEnrolledSignInDto extends TokenPairDto {
  @ApiProperty({ type: [String] })
  recoveryCodes: string[];
}

export class StepUpTokenDto {
  @ApiProperty()
  accessToken: string;
  @ApiProperty()
  accessTokenExpiresAt: string;
}

export class MfaStateDto {
  @ApiProperty()
  enrolled: boolean;
  @ApiProperty()
  recoveryCodesLeft: number;
  @ApiProperty({ description: 'Whether a role the person holds requires a second factor.' })
  required: boolean;
}

export class SessionDto {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty({ description: 'The session this request comes from.' })
  current: boolean;
  @ApiProperty()
  createdAt: string;
  @ApiPropertyOptional({ type: String, nullable: true })
  lastUsedAt: string | null;
  @ApiProperty()
  endsAt: string;
  @ApiPropertyOptional({ type: String, nullable: true })
  ip: string | null;
  @ApiPropertyOptional({ type: String, nullable: true })
  userAgent: string | null;
  @ApiProperty({ type: [String], example: ['pwd', 'otp'] })
  authMethods: string[];
  @ApiPropertyOptional({ type: String, nullable: true })
  secondFactorAt: string | null;
}

export class SessionListDto {
  @ApiProperty({ type: [SessionDto] })
  items: SessionDto[];
}

export class SignedOutDto {
  @ApiProperty({ description: 'How many other sessions ended.' })
  signedOut: number;
}
