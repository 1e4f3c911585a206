import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsObject, IsOptional, IsUUID, Matches } from 'class-validator';
import { MONEY } from '../../core/money/money';

export class FormulaConfigDto {
  @ApiProperty({
    description: 'Factor name (a CSV column) -> weight as a decimal string.',
    example: { low_income: '1', enrollment: '0.25' },
  })
  @IsObject()
  factors: Record<string, unknown>;

  @ApiPropertyOptional({ example: '5000.00', nullable: true })
  @IsOptional()
  @Matches(MONEY, { message: 'minimumAllocation must be a decimal amount like "5000.00"' })
  minimumAllocation?: string | null;

  @ApiPropertyOptional({ example: '250000.00', nullable: true })
  @IsOptional()
  @Matches(MONEY, { message: 'maximumAllocation must be a decimal amount like "250000.00"' })
  maximumAllocation?: string | null;

  @ApiPropertyOptional({ example: '85', nullable: true })
  @IsOptional()
  @Matches(/^(100(\.0{1,2})?|[0-9]{1,2}(\.[0-9]{1,2})?)$/, {
    message: 'holdHarmlessPercent must be a percent from 0 to 100, like "85"',
  })
  holdHarmlessPercent?: string | null;
}

export class ComputeRunDto {
  @ApiPropertyOptional({ description: 'Default: the latest uploaded input set.' })
  @IsOptional()
  @IsUUID()
  inputSetId?: string;
}

export class PublishRunDto {
  @ApiProperty({ enum: ['preliminary', 'final'] })
  @IsIn(['preliminary', 'final'])
  stage: 'preliminary' | 'final';
}
