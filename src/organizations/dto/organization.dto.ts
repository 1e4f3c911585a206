import { ApiProperty, ApiPropertyOptional, PartialType, PickType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsEmail,
  IsIn,
  IsOptional,
  IsString,
  Length,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { NCES_LEA_ID, STATE_DISTRICT_CODE, UEI } from '../organization-identifiers';
import { ORGANIZATION_ROLES } from '../../identity/permissions';
import { ORGANIZATION_STATUSES, ORGANIZATION_TYPES } from '../organization-types';

const upper = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.trim().toUpperCase() : value;

export class AddressDto {
  @ApiProperty() @IsString() @Length(1, 200) line1: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) line2?: string;
  @ApiProperty() @IsString() @Length(1, 100) city: string;
  @ApiProperty({ example: 'MO' })
  @Matches(/^[A-Z]{2}$/, { message: 'state must be a two-letter postal code' })
  state: string;
  @ApiProperty({ example: '65101' })
  @Matches(/^\d{5}(-\d{4})?$/, { message: 'postalCode must be a ZIP code (12345 or 12345-6789)' })
  postalCode: string;
}

export class ContactDto {
  @ApiProperty() @IsString() @Length(1, 200) name: string;
  @ApiProperty() @IsEmail() email: string;
  @ApiPropertyOptional()
  @IsOptional()
  @Matches(/^[0-9+() .-]{7,25}$/, { message: 'phone is not a phone number' })
  phone?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) title?: string;
  @ApiPropertyOptional({ enum: ['primary', 'fiscal', 'superintendent', 'other'] })
  @IsOptional()
  @IsIn(['primary', 'fiscal', 'superintendent', 'other'])
  kind?: 'primary' | 'fiscal' | 'superintendent' | 'other';
}

export class OrganizationDto {
  @ApiProperty({ example: 'Jefferson City Public Schools' })
  @IsString()
  @Length(2, 300)
  legalName: string;

  @ApiProperty({ enum: ORGANIZATION_TYPES })
  @IsIn([...ORGANIZATION_TYPES])
  type: (typeof ORGANIZATION_TYPES)[number];

  @ApiPropertyOptional({ example: '026001' })
  @IsOptional()
  @Transform(upper)
  @Matches(STATE_DISTRICT_CODE, {
    message: 'stateDistrictCode must be 2-20 capital letters, digits or dashes',
  })
  stateDistrictCode?: string | null;

  @ApiPropertyOptional({ example: '2915180', description: 'NCES LEA id: 7 digits' })
  @IsOptional()
  @Matches(NCES_LEA_ID, { message: 'ncesLeaId must be 7 digits' })
  ncesLeaId?: string | null;

  @ApiPropertyOptional({ example: 'J7M9HPTGJ1S8', description: 'SAM.gov UEI: 12 characters' })
  @IsOptional()
  @Transform(upper)
  @Matches(UEI, {
    message: 'uei must be 12 capital letters or digits, without O or I, not starting with 0',
  })
  uei?: string | null;

  @ApiProperty({ type: AddressDto })
  @ValidateNested()
  @Type(() => AddressDto)
  address: AddressDto;

  @ApiPropertyOptional({ type: [ContactDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => ContactDto)
  contacts?: ContactDto[];
}

export class InitialAdminDto {
  @ApiProperty() @IsEmail() email: string;
  @ApiProperty() @IsString() @Length(1, 200) name: string;
}

/** Agency staff create an organization directly (active), optionally inviting its first admin. */
export class CreateOrganizationDto extends OrganizationDto {
  @ApiPropertyOptional({ type: InitialAdminDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => InitialAdminDto)
  initialAdmin?: InitialAdminDto;
}

export class UpdateOrganizationDto extends PartialType(OrganizationDto) {}

/**
 * What an org admin may change about their organization. Identifiers and type stay with agency
 * staff (they decide eligibility and were checked at approval): sending them is refused.
 */
export class OrganizationProfileDto extends PartialType(
  PickType(OrganizationDto, ['legalName', 'address', 'contacts'] as const),
) {}

export class DecisionDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  reason?: string;
}

export class OrganizationListQuery {
  @IsOptional() @IsIn([...ORGANIZATION_STATUSES]) status?: string;
  @IsOptional() @IsIn([...ORGANIZATION_TYPES]) type?: string;
  @IsOptional() @IsString() @MaxLength(100) search?: string;
  @IsOptional() @IsString() @MaxLength(300) cursor?: string;
  @IsOptional() @Matches(/^\d{1,3}$/) limit?: string;
}

export class InviteMemberDto {
  @ApiProperty() @IsEmail() email: string;

  @ApiProperty({ enum: ORGANIZATION_ROLES, isArray: true })
  @IsArray()
  @IsIn([...ORGANIZATION_ROLES], { each: true })
  roles: string[];

  @ApiProperty() @IsString() @Length(1, 200) name: string;
}

export class MemberRolesDto {
  @ApiProperty({ enum: ORGANIZATION_ROLES, isArray: true })
  @IsArray()
  @IsIn([...ORGANIZATION_ROLES], { each: true })
  roles: string[];
}
