import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class PlatformAgencyDto {
  @ApiProperty({ example: 'mo-dese' }) code: string;
  @ApiProperty() name: string;
  @ApiProperty({ example: 'Missouri' }) jurisdiction: string;
  @ApiProperty({ example: 'America/Chicago' }) timeZone: string;
  @ApiProperty({ description: 'False once the agency file was removed (data is kept).' })
  active: boolean;
  @ApiProperty() updatedAt: string;
}

export class PlatformAgencyListDto {
  @ApiProperty({ type: [PlatformAgencyDto] }) items: PlatformAgencyDto[];
}

export class AgencyBrandingDto {
  @ApiProperty() displayName: string;
  @ApiProperty({ example: '#003B71' }) primaryColor: string;
  @ApiPropertyOptional() logoUrl?: string;
  @ApiProperty() emailFooter: string;
}

export class AgencyAttachmentRulesDto {
  @ApiProperty() maxAttachmentBytes: number;
  @ApiProperty({ type: [String] }) allowedAttachmentTypes: string[];
}

export class AgencyPaymentCutoffDto {
  @ApiProperty({ example: 21, description: 'Day of the month a request window opens.' })
  requestWindowStartDay: number;
  @ApiProperty({
    example: 1,
    description: 'Day it closes (before the start day: the window runs into the next month).',
  })
  requestWindowEndDay: number;
  @ApiProperty({
    example: 21,
    description: "Requests approved in a window are paid by this day (the agency's time zone).",
  })
  payByDay: number;
}

/** The finance rules a district plans its budget and payment requests around. */
export class AgencyFinanceRulesDto {
  @ApiProperty({ type: [String], enum: ['reimbursement', 'advance'], example: ['reimbursement'] })
  paymentModels: string[];
  @ApiProperty({
    example: '25000.00',
    description:
      'Decimal string. A payment request of this amount or more needs two different finance officers to approve it.',
  })
  dualApprovalThreshold: string;
  @ApiProperty({
    example: '10',
    description:
      'Percent (decimal string): how far a budget line may move before a revision needs approval; also how far a payment request may go past a line.',
  })
  budgetTolerancePercent: string;
  @ApiProperty({
    type: [String],
    example: ['1000', '2100'],
    description: 'NCES function codes a budget line may use.',
  })
  allowedFunctionCodes: string[];
  @ApiProperty({
    type: [String],
    example: ['100', '200'],
    description: 'NCES object codes a budget line may use.',
  })
  allowedObjectCodes: string[];
  @ApiProperty({ type: AgencyPaymentCutoffDto })
  paymentCutoff: AgencyPaymentCutoffDto;
}

/** What an applicant portal shows before sign-in: no policy an applicant has no use for. */
export class AgencyProfileDto {
  @ApiProperty({ example: 'mo-dese' }) code: string;
  @ApiProperty() name: string;
  @ApiProperty() jurisdiction: string;
  @ApiProperty({ example: 'America/Chicago', description: 'Deadlines are in this zone.' })
  timeZone: string;
  @ApiProperty({ example: '07-01' }) fiscalYearStart: string;
  @ApiProperty({ type: AgencyBrandingDto }) branding: AgencyBrandingDto;
  @ApiProperty({ type: AgencyAttachmentRulesDto }) attachments: AgencyAttachmentRulesDto;
  @ApiProperty({ type: [String], example: ['reimbursement'] }) paymentModels: string[];
  @ApiProperty({ type: AgencyFinanceRulesDto }) finance: AgencyFinanceRulesDto;
}
