import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { PAYMENT_REQUEST_STATUSES, PaymentRequestStatus } from '../entities/payment-request.entity';
import { PAYEE_CHANGE_STATUSES, PayeeChangeStatus } from '../entities/payee-change.entity';
import { MONEY } from '../../core/money/money';

const money = { message: '$property must be a decimal amount like "1250.00"' };
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const date = { message: '$property must be a date YYYY-MM-DD' };

export class PaymentLineDto {
  @ApiProperty({ example: '1000' })
  @Matches(/^\d{4}$/, { message: 'functionCode must be a 4-digit NCES function code' })
  functionCode: string;

  @ApiProperty({ example: '100' })
  @Matches(/^\d{3}$/, { message: 'objectCode must be a 3-digit NCES object code' })
  objectCode: string;

  @ApiProperty({ example: '12500.00' }) @Matches(MONEY, money) amount: string;
}

export class PaymentRequestDto {
  @ApiProperty({ enum: ['reimbursement', 'advance'] })
  @IsIn(['reimbursement', 'advance'])
  type: 'reimbursement' | 'advance';

  @ApiProperty({ example: '2026-07-01' }) @Matches(DATE, date) periodStart: string;
  @ApiProperty({ example: '2026-07-31' }) @Matches(DATE, date) periodEnd: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) description?: string;

  @ApiProperty({ type: [PaymentLineDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => PaymentLineDto)
  lines: PaymentLineDto[];
}

export class PaymentRequestListQuery {
  @ApiPropertyOptional({ enum: PAYMENT_REQUEST_STATUSES })
  @IsOptional()
  @IsIn(PAYMENT_REQUEST_STATUSES)
  status?: PaymentRequestStatus;

  @ApiPropertyOptional() @IsOptional() @IsUUID() awardId?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() cursor?: string;
  @ApiPropertyOptional() @IsOptional() @Matches(/^\d{1,3}$/) limit?: string;
}

export class ApprovalDto {
  @ApiPropertyOptional({ description: 'Approve less than the request (needs a reason).' })
  @IsOptional()
  @Matches(MONEY, money)
  amount?: string;

  @ApiPropertyOptional({ type: [PaymentLineDto], description: 'The reduced amount per line.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => PaymentLineDto)
  lines?: PaymentLineDto[];

  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 2000) reason?: string;
}

export class RejectionDto {
  @ApiProperty() @IsString() @Length(1, 2000) reason: string;
}

export class MarkPaidDto {
  @ApiPropertyOptional({ example: '2026-08-21' })
  @IsOptional()
  @Matches(DATE, date)
  paidOn?: string;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(5000)
  @IsUUID('all', { each: true })
  paymentRequestIds?: string[];
}

export class ConfirmationDto {
  @ApiProperty({ description: 'The bank confirmation CSV (or upload it as multipart).' })
  @IsString()
  @MaxLength(5_000_000)
  csv: string;
}

export class PayeeDto {
  @ApiProperty() @IsString() @Length(1, 200) payeeName: string;
  @ApiProperty({ example: '101000019' })
  @Matches(/^\d{9}$/, { message: 'routingNumber must be 9 digits' })
  routingNumber: string;
  @ApiProperty() @IsString() @Length(1, 17) accountNumber: string;
  @ApiProperty({ enum: ['checking', 'savings'] }) @IsIn(['checking', 'savings']) accountType:
    'checking' | 'savings';
}

export class PayeeChangeListQuery {
  @ApiPropertyOptional({ enum: PAYEE_CHANGE_STATUSES })
  @IsOptional()
  @IsIn(PAYEE_CHANGE_STATUSES)
  status?: PayeeChangeStatus;
}

export class PayeeChangeCancelDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 2000) reason?: string;
}
