import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  Equals,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { AWARD_STATUSES, AwardStatus } from '../entities/award.entity';
import { MONEY } from '../../core/money/money';

const money = { message: '$property must be a decimal amount like "1250.00"' };
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const date = { message: '$property must be a date YYYY-MM-DD' };

export class CreateAwardDto {
  @ApiProperty({ enum: ['decision', 'allocation'] })
  @IsIn(['decision', 'allocation'])
  source: 'decision' | 'allocation';

  @ApiProperty({ description: 'The funding decision id or the final allocation id.' })
  @IsUUID()
  sourceId: string;

  @ApiPropertyOptional({ example: '2026-07-01' })
  @IsOptional()
  @Matches(DATE, date)
  federalAwardDate?: string;
}

export class AwardListQuery {
  @ApiPropertyOptional({ enum: AWARD_STATUSES })
  @IsOptional()
  @IsIn(AWARD_STATUSES)
  status?: AwardStatus;
  @ApiPropertyOptional() @IsOptional() @IsUUID() programId?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() cursor?: string;
  @ApiPropertyOptional() @IsOptional() @Matches(/^\d{1,3}$/) limit?: string;
}

export class AcceptAwardDto {
  @ApiProperty({ example: 'Pat Jones' }) @IsString() @Length(1, 200) name: string;
  @ApiProperty({ example: 'Superintendent' }) @IsString() @Length(1, 200) title: string;
  @ApiProperty({ description: 'I accept the award and its terms.' })
  @Equals(true)
  accepted: boolean;
}

export class ReasonDto {
  @ApiProperty() @IsString() @Length(1, 2000) reason: string;
}

export class OptionalReasonDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 2000) reason?: string;
}

export class AwardBudgetLineDto {
  @ApiProperty({ example: '1000' })
  @Matches(/^\d{4}$/, { message: 'functionCode must be a 4-digit NCES function code' })
  functionCode: string;

  @ApiProperty({ example: '100' })
  @Matches(/^\d{3}$/, { message: 'objectCode must be a 3-digit NCES object code' })
  objectCode: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(500) description?: string;

  @ApiProperty({ example: '45000.00' }) @Matches(MONEY, money) amount: string;
}

export class BudgetRevisionDto {
  @ApiProperty({ type: [AwardBudgetLineDto], description: 'The whole proposed budget.' })
  @IsArray()
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @Type(() => AwardBudgetLineDto)
  lines: AwardBudgetLineDto[];

  @ApiProperty() @IsString() @Length(1, 2000) reason: string;
}

export class AmendmentDto {
  @ApiPropertyOptional({ example: '120000.00' })
  @IsOptional()
  @Matches(MONEY, money)
  amount?: string;
  @ApiPropertyOptional() @IsOptional() @Matches(DATE, date) performanceStart?: string;
  @ApiPropertyOptional() @IsOptional() @Matches(DATE, date) performanceEnd?: string;

  @ApiPropertyOptional({ type: [AwardBudgetLineDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @Type(() => AwardBudgetLineDto)
  budget?: AwardBudgetLineDto[];

  @ApiProperty() @IsString() @Length(1, 2000) reason: string;
}

export class ProgramAwardTermsDto {
  @ApiProperty() @IsBoolean() carryoverAllowed: boolean;

  @ApiPropertyOptional({ example: '15', nullable: true })
  @ValidateIf((_, v) => v !== null)
  @IsOptional()
  @Matches(/^(100(\.0{1,2})?|\d{1,2}(\.\d{1,2})?)$/, {
    message: 'carryoverCapPercent must be a percent from "0" to "100"',
  })
  carryoverCapPercent?: string | null;
}
