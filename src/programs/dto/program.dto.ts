import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import {
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { MONEY } from '../../core/money/money';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const money = { message: '$property must be a decimal amount like "1250.00"' };

export class CreateProgramDto {
  @ApiProperty({ example: 'TITLE-IA-2027' })
  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]{1,39}$/, {
    message: 'code must be 2-40 letters, digits, ".", "_" or "-"',
  })
  code: string;

  @ApiProperty()
  @IsString()
  @Length(1, 300)
  title: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(20000)
  description?: string;

  @ApiProperty({ enum: ['competitive', 'formula'] })
  @IsIn(['competitive', 'formula'])
  kind: 'competitive' | 'formula';

  @ApiPropertyOptional({ enum: ['federal', 'state', 'local', 'private'] })
  @IsOptional()
  @IsIn(['federal', 'state', 'local', 'private'])
  fundingSource?: 'federal' | 'state' | 'local' | 'private' | null;

  @ApiPropertyOptional({ example: '84.010' })
  @IsOptional()
  @Matches(/^\d{2}\.\d{3}[A-Z]?$/, {
    message: 'assistanceListingNumber must look like 84.010',
  })
  assistanceListingNumber?: string | null;

  @ApiPropertyOptional({ example: 'Title I Grants to Local Educational Agencies' })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  assistanceListingTitle?: string | null;

  @ApiPropertyOptional({ example: 'S010A250025' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9-]{4,30}$/, { message: 'fain must be 4-30 letters, digits or "-"' })
  fain?: string | null;

  @ApiPropertyOptional({ example: 2027 })
  @IsOptional()
  @IsInt()
  @Min(2000)
  @Max(2100)
  fiscalYear?: number | null;

  @ApiPropertyOptional({ example: '1500000.00' })
  @IsOptional()
  @Matches(MONEY, money)
  fundsAvailable?: string | null;

  @ApiPropertyOptional({ example: '10000.00' })
  @IsOptional()
  @Matches(MONEY, money)
  awardFloor?: string | null;

  @ApiPropertyOptional({ example: '250000.00' })
  @IsOptional()
  @Matches(MONEY, money)
  awardCeiling?: string | null;

  @ApiPropertyOptional({ example: '2026-07-01' })
  @IsOptional()
  @Matches(DATE, { message: 'performanceStart must be a date YYYY-MM-DD' })
  performanceStart?: string | null;

  @ApiPropertyOptional({ example: '2027-09-30' })
  @IsOptional()
  @Matches(DATE, { message: 'performanceEnd must be a date YYYY-MM-DD' })
  performanceEnd?: string | null;

  @ApiPropertyOptional({
    example: '2026-03-01T08:00',
    description:
      "Local time in the agency's time zone (YYYY-MM-DDTHH:mm[:ss]) or an ISO instant with an offset.",
  })
  @IsOptional()
  @IsString()
  opensAt?: string | null;

  @ApiPropertyOptional({ example: '2026-03-31T17:00' })
  @IsOptional()
  @IsString()
  closesAt?: string | null;

  @ApiPropertyOptional({
    type: 'integer',
    nullable: true,
    description: 'Minutes after closesAt still accepted; null = agency default.',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1440)
  graceMinutes?: number | null;

  @ApiPropertyOptional({
    description: 'Who may apply: organization types, identifiers they must have',
    allOf: [{ $ref: '#/components/schemas/Eligibility' }],
  })
  @IsOptional()
  @IsObject()
  eligibility?: Record<string, unknown>;

  @ApiPropertyOptional({
    description: 'The application form: sections of questions, each typed by `type`',
    nullable: true,
    allOf: [{ $ref: '#/components/schemas/FormDefinition' }],
  })
  @IsOptional()
  @IsObject()
  form?: Record<string, unknown> | null;

  @ApiPropertyOptional({
    description: 'Attachments an application must include',
    type: 'array',
    items: { $ref: '#/components/schemas/RequiredAttachment' },
  })
  @IsOptional()
  @IsArray()
  requiredAttachments?: unknown[];

  @ApiPropertyOptional({
    description: 'Budget rules: allowed codes, indirect cost cap, must total the amount requested',
    allOf: [{ $ref: '#/components/schemas/BudgetRules' }],
  })
  @IsOptional()
  @IsObject()
  budgetRules?: Record<string, unknown>;

  @ApiPropertyOptional({
    description: 'The review rubric: weighted criteria, reviewers per application',
    nullable: true,
    allOf: [{ $ref: '#/components/schemas/Rubric' }],
  })
  @IsOptional()
  @IsObject()
  rubric?: Record<string, unknown> | null;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  allowMultipleApplications?: boolean;

  @ApiPropertyOptional({ description: 'Share a template of this program with other agencies.' })
  @IsOptional()
  @IsBoolean()
  shareable?: boolean;
}

export class UpdateProgramDto extends PartialType(CreateProgramDto) {}

export class ProgramListQuery {
  @IsOptional()
  @IsIn(['draft', 'published', 'closed', 'archived'])
  status?: string;

  @IsOptional()
  @IsIn(['competitive', 'formula'])
  kind?: string;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  search?: string;

  @IsOptional()
  @Matches(/^\d{4}$/)
  fiscalYear?: string;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;

  @IsOptional()
  @Matches(/^\d{1,3}$/)
  limit?: string;
}

export class CloneTemplateDto {
  @ApiProperty({ example: 'LIT-2027' })
  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]{1,39}$/, {
    message: 'code must be 2-40 letters, digits, ".", "_" or "-"',
  })
  code: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 300)
  title?: string;
}
