import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  ValidateIf,
} from 'class-validator';
import { AGGREGATION_METHODS, AggregationMethod } from '../scoring/panel-scoring';

export class UpdateReviewSettingsDto {
  @ApiPropertyOptional({ enum: [...AGGREGATION_METHODS], nullable: true })
  @IsOptional()
  @IsIn([...AGGREGATION_METHODS, null])
  aggregation?: AggregationMethod | null;

  @ApiPropertyOptional({ example: '20', nullable: true })
  @IsOptional()
  @Matches(/^\d{1,3}(\.\d{1,2})?$/, {
    message: 'outlierThresholdPoints must be points on the 0-100 scale, like "20"',
  })
  outlierThresholdPoints?: string | null;

  @ApiPropertyOptional() @IsOptional() @IsBoolean() allowPartialAward?: boolean;
}

export class IntakeDto {
  @ApiPropertyOptional({ description: 'Default: every submitted application of the program.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10_000)
  @IsUUID('all', { each: true })
  applicationIds?: string[];
}

export class MoveStageDto {
  @ApiProperty({ enum: ['merit_review', 'final_decision'] })
  @IsIn(['merit_review', 'final_decision'])
  to: 'merit_review' | 'final_decision';

  @ApiPropertyOptional({
    description:
      'Default: every application in the stage before `to` (screening for merit review, merit review for final decision).',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10_000)
  @IsUUID('all', { each: true })
  applicationIds?: string[];
}

export class CloseDto {
  @ApiProperty({ example: 'Not an eligible entity type for this program.' })
  @IsString()
  @Length(3, 2000)
  reason: string;
}

export class AssignReviewerDto {
  @ApiProperty() @IsUUID() reviewerId: string;
}

export class DeclarationDto {
  @ApiProperty({ description: 'True when the reviewer has a conflict of interest.' })
  @IsBoolean()
  conflict: boolean;

  @ApiPropertyOptional({ description: 'Required with a conflict.' })
  @ValidateIf((o: DeclarationDto) => o.conflict === true || o.reason !== undefined)
  @IsString()
  @Length(3, 2000)
  reason?: string;
}

export class SaveScoresDto {
  @ApiProperty({
    description: 'Per rubric criterion key: { points, comment }. Merged into the saved review.',
    example: { need: { points: 14, comment: 'Clear needs assessment.' } },
  })
  @IsObject()
  scores: Record<string, unknown>;
}

export class ReopenDto {
  @ApiProperty() @IsString() @Length(3, 2000) reason: string;
}

export class RankingQuery {
  @ApiPropertyOptional({ enum: [...AGGREGATION_METHODS] })
  @IsOptional()
  @IsIn([...AGGREGATION_METHODS])
  method?: AggregationMethod;
}

export class CaseListQuery {
  @ApiPropertyOptional({
    enum: ['eligibility_screening', 'merit_review', 'final_decision', 'closed'],
  })
  @IsOptional()
  @IsIn(['eligibility_screening', 'merit_review', 'final_decision', 'closed'])
  stage?: string;
}
