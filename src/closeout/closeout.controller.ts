import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { RequirePermission } from '../core/access/access.decorators';
import { Idempotent } from '../core/idempotency/idempotent-responses';
import { CloseoutService } from './closeout.service';
import { MONEY } from '../core/money/money';

export class ExpenditureLineDto {
  @ApiProperty({ example: '1000' }) @Matches(/^\d{4}$/) functionCode: string;
  @ApiProperty({ example: '100' }) @Matches(/^\d{3}$/) objectCode: string;
  @ApiProperty({ example: '45000.00' })
  @Matches(MONEY, { message: 'amount must be a decimal amount like "1250.00"' })
  amount: string;
}

export class ExpenditureReportDto {
  @ApiProperty({ type: [ExpenditureLineDto] })
  @IsArray()
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @Type(() => ExpenditureLineDto)
  expenditures: ExpenditureLineDto[];

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(5000) notes?: string;
}

export class CloseAwardDto {
  @ApiPropertyOptional({ description: "The next year's program to carry unspent funds into." })
  @IsOptional()
  @IsUUID()
  carryoverProgramId?: string;
}

export class ReturnReportDto {
  @ApiProperty() @IsString() @Length(1, 2000) reason: string;
}

/** The representative's final expenditure report. */
@ApiTags('closeout')
@Controller('agencies/:agencyCode/organizations/:organizationId/awards/:awardId/closeout')
export class OrganizationCloseoutController {
  constructor(private readonly closeout: CloseoutService) {}

  @Post()
  @HttpCode(200)
  @RequirePermission('closeout.submit')
  submit(
    @Param('organizationId') organizationId: string,
    @Param('awardId') awardId: string,
    @Body() dto: ExpenditureReportDto,
  ) {
    return this.closeout.submit(organizationId, awardId, dto);
  }

  @Get()
  @RequirePermission('award.read')
  get(@Param('organizationId') organizationId: string, @Param('awardId') awardId: string) {
    return this.closeout.get({ organizationId }, awardId);
  }
}

/** Program and finance officers: review the report, return it, or settle and close. */
@ApiTags('closeout')
@Controller('agencies/:agencyCode/awards/:awardId/closeout')
export class CloseoutController {
  constructor(private readonly closeout: CloseoutService) {}

  @Get()
  @RequirePermission('award.read')
  get(@Param('awardId') awardId: string) {
    return this.closeout.get({}, awardId);
  }

  @Post('return')
  @HttpCode(200)
  @RequirePermission('closeout.manage')
  returnReport(@Param('awardId') awardId: string, @Body() dto: ReturnReportDto) {
    return this.closeout.returnReport(awardId, dto.reason);
  }

  /** Settles the ledger and closes the award. Requires an Idempotency-Key. */
  @Post('close')
  @HttpCode(200)
  @RequirePermission('closeout.manage')
  @Idempotent()
  close(@Param('awardId') awardId: string, @Body() dto: CloseAwardDto) {
    return this.closeout.close(awardId, dto);
  }
}
