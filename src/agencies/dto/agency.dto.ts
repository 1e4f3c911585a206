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
}
