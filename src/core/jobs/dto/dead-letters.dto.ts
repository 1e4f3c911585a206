import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

export class DeadLettersQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  /** The nextCursor of the previous page. */
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;
}

export class DeadLetterView {
  id: string;
  agencyCode: string;
  name: string;
  attempts: number;
  maxAttempts: number;
  lastError: string | null;
  createdAt: string;
  deadAt: string;
}

export class DeadLetterPage {
  items: DeadLetterView[];
  nextCursor: string | null;
}

export class RetriedJobView {
  id: string;
  agencyCode: string;
  name: string;
  state: 'pending';
}
