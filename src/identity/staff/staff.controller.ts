import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Put,
  Query,
} from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '../../core/access/access.decorators';
import { SendsEmail } from '../../core/http/rate-limits';
import {
  InviteStaffDto,
  StaffListQuery,
  StaffMemberDto,
  StaffPageDto,
  StaffRolesDto,
} from './dto/staff.dto';
import { StaffService } from './staff.service';

@ApiTags('staff')
@ApiBearerAuth()
@Controller('agencies/:agencyCode/staff')
export class StaffController {
  constructor(private readonly staff: StaffService) {}

  @Get()
  @RequirePermission('agency.staff.read')
  @ApiOkResponse({ type: StaffPageDto })
  list(@Query() query: StaffListQuery): Promise<StaffPageDto> {
    return this.staff.list(query);
  }

  /** Adds a person with roles; a new email gets an account and an invitation to set a password. */
  @Post()
  @SendsEmail()
  @RequirePermission('agency.staff.manage')
  @ApiCreatedResponse({ type: StaffMemberDto })
  invite(@Body() body: InviteStaffDto): Promise<StaffMemberDto> {
    return this.staff.invite(body);
  }

  @Put(':userId/roles')
  @RequirePermission('agency.staff.manage')
  @ApiOkResponse({ type: StaffMemberDto })
  changeRoles(
    @Param('userId', ParseUUIDPipe) userId: string,
    @Body() body: StaffRolesDto,
  ): Promise<StaffMemberDto> {
    return this.staff.changeRoles(userId, body.roles);
  }

  /** Ends the person's staff access and all their sessions at once. */
  @Post(':userId/deactivate')
  @HttpCode(200)
  @RequirePermission('agency.staff.manage')
  @ApiOkResponse({ type: StaffMemberDto })
  deactivate(@Param('userId', ParseUUIDPipe) userId: string): Promise<StaffMemberDto> {
    return this.staff.deactivate(userId);
  }
}
