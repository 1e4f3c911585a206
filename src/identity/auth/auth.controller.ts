import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Public, WithoutTransaction } from '../../core/access/access.decorators';
import { InvitationService } from '../staff/invitation.service';
import { AuthService } from './auth.service';
import { AcceptInvitationDto, LoginDto, LogoutDto, RefreshDto, TokenPairDto } from './dto/auth.dto';
import { TokenPair } from './session.service';

/**
 * Sign-in endpoints. Login and refresh are @WithoutTransaction because AuthService draws its own
 * transaction boundaries (failures must still be recorded); they touch no tenant data.
 */
@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly invitations: InvitationService,
  ) {}

  @Post('login')
  @Public()
  @WithoutTransaction()
  @HttpCode(200)
  @ApiOkResponse({ type: TokenPairDto })
  login(@Body() body: LoginDto, @Req() request: FastifyRequest): Promise<TokenPair> {
    return this.auth.login(body.email, body.password, request.headers['user-agent']);
  }

  @Post('refresh')
  @Public()
  @WithoutTransaction()
  @HttpCode(200)
  @ApiOkResponse({ type: TokenPairDto })
  refresh(@Body() body: RefreshDto): Promise<TokenPair> {
    return this.auth.refresh(body.refreshToken);
  }

  /** Ends the session of the bearer token, or else of the refresh token in the body. */
  @Post('logout')
  @Public()
  @HttpCode(204)
  @ApiNoContentResponse()
  logout(@Body() body: LogoutDto): Promise<void> {
    return this.auth.logout(body.refreshToken);
  }

  /** Sets the first password of an invited user. Sign in afterwards with /auth/login. */
  @Post('accept-invitation')
  @Public()
  @HttpCode(204)
  @ApiNoContentResponse()
  acceptInvitation(@Body() body: AcceptInvitationDto): Promise<void> {
    return this.invitations.accept(body.token, body.password);
  }
}
