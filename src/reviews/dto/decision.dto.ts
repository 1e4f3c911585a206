import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';

export class DecideDto {
  @ApiProperty({ enum: ['approved', 'denied', 'waitlisted'] })
  @IsIn(['approved', 'denied', 'waitlisted'])
  outcome: 'approved' | 'denied' | 'waitlisted';

  @ApiPropertyOptional({ example: '75000.00', description: 'Required when approved.' })
  @IsOptional()
  @Matches(/^(0|[1-9][0-9]{0,11})(\.[0-9]{1,2})?$/, {
    message: 'amount must be a decimal amount like "1250.00"',
  })
  amount?: string;

  @ApiPropertyOptional({
    description: 'Required when the decision differs from the recommendation.',
  })
  @IsOptional()
  @IsString()
  @Length(3, 4000)
  justification?: string;
}
