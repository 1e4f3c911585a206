import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsNotEmpty, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';

export const MIN_PASSWORD_LENGTH = 12;
/** argon2 accepts anything, but unbounded input is a denial-of-service lever. */
export const MAX_PASSWORD_LENGTH = 256;

export class LoginDto {
  @ApiProperty({ example: 'admin@mo-dese.example.org' })
  @IsEmail()
  @MaxLength(320)
  email: string;

  @ApiProperty({ format: 'password' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_PASSWORD_LENGTH)
  password: string;
}

export class RefreshDto {
  @ApiProperty()
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  refreshToken: string;
}

export class LogoutDto {
  @ApiPropertyOptional({ description: 'Used when the access token is missing or expired.' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  refreshToken?: string;
}

export class AcceptInvitationDto {
  @ApiProperty()
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  token: string;

  @ApiProperty({ format: 'password', minLength: MIN_PASSWORD_LENGTH })
  @IsString()
  @MinLength(MIN_PASSWORD_LENGTH)
  @MaxLength(MAX_PASSWORD_LENGTH)
  password: string;
}

export class TokenPairDto {
  @ApiProperty({ description: 'Bearer token for the API; short-lived.' })
  accessToken: string;
  @ApiProperty({ format: 'date-time' })
  accessTokenExpiresAt: string;
  @ApiProperty({ description: 'Exchange at /auth/refresh; each one is single-use.' })
  refreshToken: string;
  @ApiProperty({ format: 'date-time' })
  refreshTokenExpiresAt: string;
}
