import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  Equals,
  IsArray,
  IsBoolean,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { APPLICATION_STATUSES } from '../entities/application.entity';
import { MONEY } from '../../core/money/money';

const money = { message: '$property must be a decimal amount like "1250.00"' };

export class StartApplicationDto {
  @ApiProperty() @IsUUID() programId: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 300) projectTitle?: string;
}

export class UpdateApplicationDto {
  @ApiPropertyOptional({ type: String, nullable: true })
  @IsOptional()
  @IsString()
  @Length(1, 300)
  projectTitle?: string | null;

  @ApiPropertyOptional({ example: '125000.00' })
  @IsOptional()
  @Matches(MONEY, money)
  amountRequested?: string | null;

  @ApiPropertyOptional({
    description: 'All answers, by section and question key (replaces the answers).',
  })
  @IsOptional()
  @IsObject()
  answers?: Record<string, unknown>;
}

export class BudgetLineDto {
  @ApiProperty({ example: '1000' })
  @Matches(/^\d{4}$/, { message: 'functionCode must be a 4-digit NCES function code' })
  functionCode: string;

  @ApiProperty({ example: '100' })
  @Matches(/^\d{3}$/, { message: 'objectCode must be a 3-digit NCES object code' })
  objectCode: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(500) description?: string;

  @ApiProperty({ example: '45000.00' }) @Matches(MONEY, money) amount: string;

  @ApiPropertyOptional() @IsOptional() @IsBoolean() indirect?: boolean;
}

export class BudgetDto {
  @ApiProperty({ type: [BudgetLineDto] })
  @IsArray()
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @Type(() => BudgetLineDto)
  lines: BudgetLineDto[];

  @ApiPropertyOptional({
    example: '125000.00',
    description: 'Set the amount requested with the budget.',
  })
  @IsOptional()
  @Matches(MONEY, money)
  amountRequested?: string;
}

export class CopyBudgetDto {
  @ApiProperty() @IsUUID() sourceApplicationId: string;

  @ApiPropertyOptional({ enum: ['replace', 'append'] })
  @IsOptional()
  @IsIn(['replace', 'append'])
  mode?: 'replace' | 'append';
}

export class CertificationDto {
  @ApiProperty({ example: 'Pat Jones' }) @IsString() @Length(1, 200) name: string;
  @ApiProperty({ example: 'Superintendent' }) @IsString() @Length(1, 200) title: string;

  @ApiProperty({ description: 'The representative accepts the certification statement.' })
  @Equals(true, { message: 'accepted must be true: the statement must be accepted to submit' })
  accepted: boolean;
}

export class SubmitDto {
  @ApiProperty({ type: CertificationDto })
  @ValidateNested()
  @Type(() => CertificationDto)
  certification: CertificationDto;
}

export class WithdrawDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) reason?: string;
}

export class ReturnDto {
  @ApiProperty() @IsString() @Length(1, 5000) comment: string;

  @ApiPropertyOptional({
    description: 'Resubmission deadline, agency local time or ISO with offset.',
  })
  @IsOptional()
  @IsString()
  revisionDueAt?: string;
}

export class ApplicationListQuery {
  @IsOptional() @IsIn([...APPLICATION_STATUSES]) status?: string;
  @IsOptional() @IsUUID() organizationId?: string;
  @IsOptional() @IsUUID() programId?: string;
  @IsOptional() @Matches(/^\d{4}-\d{2}-\d{2}/) submittedFrom?: string;
  @IsOptional() @Matches(/^\d{4}-\d{2}-\d{2}/) submittedTo?: string;
  @IsOptional() @IsString() @MaxLength(300) cursor?: string;
  @IsOptional() @Matches(/^\d{1,3}$/) limit?: string;
}

export class DiffQuery {
  @Matches(/^\d{1,4}$/) from: string;
  @Matches(/^\d{1,4}$/) to: string;
}

/** Upload options travel in the query string; the body is the multipart file. */
export class UploadQuery {
  @IsOptional()
  @Matches(/^[a-z][A-Za-z0-9_]{0,63}$/, {
    message: 'requirementKey must be a required-attachment key',
  })
  requirementKey?: string;
}
