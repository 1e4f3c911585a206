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
  after?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  @ApiPropertyOptional({ enum: ['active', 'deactivated'] })
  @IsOptional()
  @IsIn(['active', 'deactivated'])
  status?: 'active' | 'deactivated';
}

export class StaffMemberDto {
  @ApiProperty({ format: 'uuid' })
  userId: string;
  @ApiProperty()
  email: string;
  @ApiProperty()
  name: string;
  @ApiProperty({ enum: AGENCY_ROLES, isArray: true })
  roles: string[];
  @ApiProperty({ enum: ['active', 'deactivated'] })
  status: 'active' | 'deactivated';
  @ApiProperty({ description: 'Invited and has not set a password yet.' })
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
