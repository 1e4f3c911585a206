import { IsOptional, IsUUID, Matches } from 'class-validator';

export class AttachFromLibraryDto {
  @IsUUID()
  documentId: string;

  @IsOptional()
  @Matches(/^[a-z][A-Za-z0-9_]{0,63}$/, {
    message: 'requirementKey must be a required-attachment key',
  })
  requirementKey?: string;
}
