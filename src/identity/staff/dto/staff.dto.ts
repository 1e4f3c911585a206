import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsEmail,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { AGENCY_ROLES } from '../../permissions';

export class StaffRolesDto {
  @ApiProperty({ enum: AGENCY_ROLES, isArray: true })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(AGENCY_ROLES.length)
  @ArrayUnique()
  @IsIn(AGENCY_ROLES, { each: true })
  roles: string[];
}

export class InviteStaffDto extends StaffRolesDto {
  @ApiProperty({ example: 'pat.officer@dese.mo.gov' })
  @IsEmail()
  @MaxLength(320)
  email: string;

  @ApiProperty({ example: 'Pat Officer' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name: string;
}

export class StaffListQuery {
  @ApiPropertyOptional({ description: 'The nextCursor of the previous page.' })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @ApiPropertyOptional({ enum: ['pending', 'active', 'deactivated'] })
  @IsOptional()
  @IsIn(['pending', 'active', 'deactivated'])
  status?: 'pending' | 'active' | 'deactivated';
}

export class StaffMemberDto {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty()
  email: string;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Null until the person accepts: an invitation does not reveal their name.',
  })
  name: string | null;
  @ApiProperty({ enum: AGENCY_ROLES, isArray: true, description: 'Roles in effect.' })
  roles: string[];
  @ApiProperty({
    enum: AGENCY_ROLES,
    isArray: true,
    description: 'Privileged roles asked for and waiting for a second admin; they grant nothing.',
  })
  pendingRoles: string[];
  @ApiProperty({ enum: ['pending', 'active', 'deactivated'] })
  status: 'pending' | 'active' | 'deactivated';
  @ApiProperty({ description: 'Has not accepted the invitation (or set a password) yet.' })
  invitationPending: boolean;
  @ApiProperty({ format: 'date-time' })
  addedAt: string;
}

export class StaffPageDto {
  @ApiProperty({ type: [StaffMemberDto] })
  items: StaffMemberDto[];
  @ApiProperty({ nullable: true, type: String })
  nextCursor: string | null;
}

/** The answer to an invitation: built from the request alone, whoever the email belongs to. */
export class StaffInvitationDto {
  @ApiProperty()
  email: string;
  @ApiProperty({ enum: AGENCY_ROLES, isArray: true, description: 'Given when the person accepts.' })
  roles: string[];
  @ApiProperty({
    enum: AGENCY_ROLES,
    isArray: true,
    description: 'Privileged roles that also wait for a second admin to confirm them.',
  })
  pendingRoles: string[];
  @ApiProperty({ enum: ['pending'] })
  status: 'pending';
}

export class RoleGrantListQuery {
  @ApiPropertyOptional({ enum: ['pending', 'confirmed', 'declined', 'cancelled'] })
  @IsOptional()
  @IsIn(['pending', 'confirmed', 'declined', 'cancelled'])
  status?: 'pending' | 'confirmed' | 'declined' | 'cancelled';
}

export class RoleGrantDto {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty({ format: 'uuid' })
  userId: string;
  @ApiProperty()
  email: string;
  @ApiProperty({ enum: ['agency_admin', 'finance_officer'] })
  role: string;
  @ApiProperty({ enum: ['pending', 'confirmed', 'declined', 'cancelled'] })
  status: 'pending' | 'confirmed' | 'declined' | 'cancelled';
  @ApiProperty({ format: 'uuid', nullable: true, type: String })
  requestedByUserId: string | null;
  @ApiProperty({ format: 'date-time' })
  requestedAt: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String })
  decidedByUserId: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  decidedAt: string | null;
}

export class RoleGrantPageDto {
  @ApiProperty({ type: [RoleGrantDto] })
  items: RoleGrantDto[];
}
